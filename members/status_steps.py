"""The status changes an officer may record, and which of them fit a member's situation.

Each step names the status it leads to (members.services.member_change_status checks the
rules again); the pages list only the steps that fit, so nobody is offered an impossible one.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from members.models import CellMembership, Member, MemberStatus


@dataclass(frozen=True)
class StatusStep:
    key: str
    label: str
    status: MemberStatus | None  # None: the temporary attendance here ends, the status stays
    decision_required: bool = False
    destination: bool = False  # choose a cell, or name an organisation outside the system
    other_organization: bool = False  # name where the member goes (free text)
    danger: bool = False


STEPS = {step.key: step for step in (
    StatusStep("official", _("Recognise as official member"), MemberStatus.OFFICIAL, decision_required=True),
    StatusStep("exempt", _("Exempt from activity"), MemberStatus.EXEMPT),
    StatusStep("temporary", _("Temporary transfer elsewhere"), MemberStatus.TEMPORARY_TRANSFER, destination=True),
    StatusStep("return", _("Back to activity in the cell"), None),
    StatusStep("transfer", _("Transfer out (official)"), MemberStatus.TRANSFERRED_OUT, decision_required=True,
               other_organization=True, danger=True),
    StatusStep("remove", _("Remove from the rolls"), MemberStatus.REMOVED, decision_required=True, danger=True),
    StatusStep("expel", _("Expel"), MemberStatus.EXPELLED, decision_required=True, danger=True),
    StatusStep("deceased", _("Record a death"), MemberStatus.DECEASED, danger=True),
    StatusStep("leave", _("End the temporary attendance here"), MemberStatus.TRANSFERRED_OUT,
               other_organization=True),
    StatusStep("end_attendance", _("End the temporary attendance here"), None),
)}


def return_status(member: Member) -> MemberStatus:
    return MemberStatus.OFFICIAL if member.official_date else MemberStatus.PROBATIONARY


def steps_for(member: Member, membership: CellMembership | None, has_home: bool) -> list[StatusStep]:
    """The steps that fit: `membership` is the member's place in the officer's cell."""
    if membership is None:
        return []
    if membership.kind == CellMembership.Kind.TEMPORARY:
        # Attending here: a visitor from outside leaves from here; a member of another cell
        # of the system stops attending here, and their home cell records the rest.
        return [STEPS["leave"], STEPS["deceased"]] if not has_home else [STEPS["end_attendance"]]
    status = member.status
    keys = []
    if status == MemberStatus.PROBATIONARY:
        keys = ["official", "exempt", "temporary", "transfer", "remove", "deceased"]
    elif status == MemberStatus.OFFICIAL:
        keys = ["exempt", "temporary", "transfer", "remove", "expel", "deceased"]
    elif status == MemberStatus.EXEMPT:
        keys = ["return", "temporary", "transfer", "remove", "expel", "deceased"]
    elif status == MemberStatus.TEMPORARY_TRANSFER:
        keys = ["return", "temporary", "transfer", "remove", "expel", "deceased"]
    if member.official_date is None and "expel" in keys:
        keys.remove("expel")  # DOMAIN.md: a probationary member is not expelled
    return [STEPS[key] for key in keys]
