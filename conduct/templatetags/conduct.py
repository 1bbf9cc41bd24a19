"""`{% member_conduct member %}`: the member page's commendation, discipline and badge section,
as the viewer may read it (the member page stands on a lower floor and cannot ask conduct)."""

from django import template

from conduct.selectors import member_conduct as member_conduct_data
from members.access import scope_for

register = template.Library()


@register.inclusion_tag("conduct/_member_records.html", takes_context=True)
def member_conduct(context, member):
    return {"conduct": member_conduct_data(scope_for(context["request"].user), member)}
