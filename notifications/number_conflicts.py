"""A number refused to a secretary because it is held outside their scope, told to the
standing committee above the cell.

The secretary is told only that the number cannot be used (members.forms, members.imports):
naming the holder would let anyone test whether a citizen ID belongs to a party member
anywhere. The committee of the cell's grassroots organisation is told which cell tried which
number under which name, so that it can sort out a typing mistake, a transfer not recorded,
or an attempt; whose number it is only when the holder stands in its own organisation.
Once per cell and number a day: trying again is not news.
"""

from django.conf import settings
from django.db.models import QuerySet
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cells.models import Organization
from members.models import CellMembership, Member, User
from members.selectors_tree import upper_level_member_ids
from members.services import NumberConflict, number_conflicts_refused
from notifications import kinds
from notifications.services.dispatch import DispatchRequest, dispatches_create

NUMBER_CONFLICT = "member_number_conflict"

FIELDS = {"party_card_number": _("party card number"), "citizen_id": _("citizen ID")}


def committee_above(cell: Organization) -> Organization | None:
    """The cell's grassroots organisation (the closest grassroots committee above it); for a
    grassroots cell, which has none, the organisation right above."""
    above = Organization.objects.filter(pk__in=cell.ancestor_ids)
    return (above.filter(kind=Organization.Kind.GRASSROOTS_COMMITTEE).order_by("-depth").first()
            or above.order_by("-depth").first())


def _recipients(params: dict) -> QuerySet:
    cell = Organization.objects.filter(pk=params["cell_id"]).first()
    organization = committee_above(cell) if cell else None
    if organization is None:
        return Member.objects.none()
    # The committee member in charge of the cell when there is one, else the standing committee.
    return Member.objects.on_rolls().filter(pk__in=upper_level_member_ids(cell, organization))


def _holder_overseen(params: dict, organization: Organization) -> tuple[Member, Organization] | None:
    """The holder and their cell, when the cell stands under the committee's organisation."""
    membership = (
        CellMembership.objects.current(timezone.localdate())
        .filter(**{f"member__{params['field']}": params["number"]}, cell__path__startswith=organization.path)
        .select_related("member", "cell").order_by("kind").first()
    )
    return (membership.member, membership.cell) if membership else None


def _who(user_id: int | None) -> str:
    if not user_id:
        return ""
    member = Member.objects.filter(user_id=user_id).only("full_name").first()
    return member.full_name if member else User.objects.filter(pk=user_id).values_list("username", flat=True).first() or ""


def _context(params: dict) -> dict | None:
    cell = Organization.objects.filter(pk=params["cell_id"]).first()
    organization = committee_above(cell) if cell else None
    if organization is None:
        return None
    holder = _holder_overseen(params, organization)
    return {
        "cell": cell, "organization": organization, "field_label": FIELDS[params["field"]],
        "number": params["number"], "typed_name": params["name"], "tried_by": _who(params.get("user_id")),
        "holder": holder[0] if holder else None, "holder_cell": holder[1] if holder else None,
        "link": settings.SITE_URL + reverse("roster", kwargs={"cell_id": cell.public_id}),
    }


kinds.register(NUMBER_CONFLICT, template="notifications/email/number-conflict", recipients=_recipients,
               context=_context)


@receiver(number_conflicts_refused, dispatch_uid="notifications.number_conflicts")
def _tell_committee(sender, cell: Organization, conflicts: list[NumberConflict], user_id: int | None, **kwargs):
    today = timezone.localdate()
    dispatches_create(requests=[DispatchRequest(
        key=f"{NUMBER_CONFLICT}:{cell.pk}:{conflict.number}@{today:%Y%m%d}", kind=NUMBER_CONFLICT,
        params={"cell_id": cell.pk, "field": conflict.field, "number": conflict.number, "name": conflict.name,
                "user_id": user_id},
    ) for conflict in conflicts])
