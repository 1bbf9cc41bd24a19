"""Template helpers of the roster pages: status pills and the header's roster link."""

from django import template

from members.access import scope_for
from members.models import MemberStatus

register = template.Library()

PILLS = {
    MemberStatus.OFFICIAL: "pill-ok",
    MemberStatus.PROBATIONARY: "pill-warn",
    MemberStatus.EXEMPT: "pill-muted",
    MemberStatus.TEMPORARY_TRANSFER: "pill-info",
}


@register.filter
def status_pill(status: str) -> str:
    """The pill class of a status: green official, amber probationary, grey exempt, blue away."""
    return PILLS.get(status, "pill-bad")


@register.filter
def status_label(status: str) -> str:
    return MemberStatus(status).label if status in MemberStatus.values else status


@register.simple_tag
def manages_one_cell(user) -> bool:
    """The header links to "my roster" only for an officer of exactly one cell."""
    if not getattr(user, "is_authenticated", False):
        return False
    return len(scope_for(user).managed_cell_ids) == 1


@register.filter
def spaced_phone(phone: str) -> str:
    """0912345678 -> 0912 345 678, as people read it aloud."""
    if phone and phone.isdigit() and len(phone) == 10:
        return f"{phone[:4]} {phone[4:7]} {phone[7:]}"
    return phone or ""
