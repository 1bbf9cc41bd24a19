"""Template helpers of the evaluations: the committee dashboard's card reads its figures here
(`{% evaluation_figures org year as ev %}`, one query), so the reports page needs no change
beyond its include; labels and pills of the levels and steps."""

from django import template
from django.utils.translation import gettext_lazy as _

from evaluations import rules, selectors
from evaluations.models import Level

register = template.Library()

PROGRESS_LABELS = {
    rules.NOT_STARTED: _("Not started"),
    rules.SELF_ASSESSED: _("Self-assessed"),
    rules.REVIEWED: _("Reviewed and voted"),
    rules.DECIDED: _("Decided"),
}
PILLS = {Level.EXCELLENT: "pill-ok", Level.GOOD: "pill-ok", Level.COMPLETED: "pill-warn",
         Level.NOT_COMPLETED: "pill-bad"}
SHORT_LEVELS = {Level.EXCELLENT: _("Excellent"), Level.GOOD: _("Good"), Level.COMPLETED: _("Completed"),
                Level.NOT_COMPLETED: _("Not completed")}


@register.simple_tag
def evaluation_figures(org, year):
    this_year, last_year = selectors.figures_for(org, year)
    return {"year": year, "this": this_year, "last": last_year}


@register.filter
def progress_label(step: str) -> str:
    return PROGRESS_LABELS.get(step, "")


@register.filter
def level_pill(level: str) -> str:
    return PILLS.get(level, "pill-muted")


@register.filter
def level_label(level: str) -> str:
    return SHORT_LEVELS.get(level, "—")


@register.filter
def fact(facts: dict, key: str):
    return (facts or {}).get(key)


@register.filter
def person(user) -> str:
    """Who took a step: the member's name as written (family name first), else the login."""
    member = getattr(user, "member", None) if user is not None else None
    return member.full_name if member is not None else getattr(user, "username", "")
