"""Writes about people: records, status history, memberships, seats and accounts."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from cells.models import Organization
from common.audit import audit_context
from common.cell_versions import cells_changed
from common.text import normalize_search
from members import rules
from members.models import (
    GONE_STATUSES,
    CellMembership,
    CommitteeSeat,
    Member,
    MemberStatus,
    MemberStatusChange,
    Role,
    User,
)
from members.phone import to_e164_or_none

MEMBER_FIELDS = {
    "full_name", "date_of_birth", "gender", "ethnicity", "religion", "citizen_id", "phone", "email",
    "party_card_number", "admission_date", "official_date", "workplace_kind", "workplace", "far_from_home",
}


# Sent with `cell`, `conflicts` and `user_id` (who typed them) when numbers typed for a cell are refused
# because they belong to records outside the user's scope. The committee above the cell is
# told (notifications.number_conflicts listens: this floor imports none above it).
number_conflicts_refused = Signal()


@dataclass(frozen=True)
class NumberConflict:
    field: str  # "party_card_number" or "citizen_id"
    number: str
    name: str  # the name typed with it


def number_conflicts_report(*, cell: Organization | None, conflicts: list[NumberConflict],
                            user_id: int | None = None) -> None:
    """A secretary who meets a number they may not know the holder of learns nothing about
    the holder; the committee above the cell, which may look into it, is told instead."""
    if conflicts and cell is not None:
        number_conflicts_refused.send(sender=NumberConflict, cell=cell, conflicts=conflicts, user_id=user_id)


def _clean_blank_unique(fields: dict) -> dict:
    # Empty strings in unique columns must be NULL, or two blank records would collide.
    for name in ("party_card_number", "citizen_id"):
        if name in fields and not fields[name]:
            fields[name] = None
    return fields


@transaction.atomic
def member_create(*, cell: Organization, actor=None, role: str = Role.MEMBER,
                  status: str | None = None, start_date: dt.date | None = None,
                  decision_ref: str = "", **fields) -> Member:
    """A new record on a cell's rolls, with its first status and home membership."""
    unknown = set(fields) - MEMBER_FIELDS
    if unknown:
        raise TypeError(f"member_create does not take {sorted(unknown)}")
    if not cell.is_cell:
        raise ValidationError({"cell": _("Members belong to a cell.")})
    if role == Role.SECRETARY and _cell_has_secretary(cell):
        raise ValidationError({"role": _("The cell already has a secretary; end that term first.")})
    fields = _clean_blank_unique(fields)
    if status is None:
        status = MemberStatus.OFFICIAL if fields.get("official_date") else MemberStatus.PROBATIONARY
    member = Member(**fields, status=status)
    since = fields.get("official_date") if status == MemberStatus.OFFICIAL else fields.get("admission_date")
    member.status_since = since or timezone.localdate()
    member.full_clean(exclude=["search_name"])
    with audit_context(actor):
        member.save()
        MemberStatusChange.objects.create(
            member=member, status=status, effective_date=member.status_since,
            decision_ref=decision_ref, recorded_by=_user(actor),
        )
        CellMembership.objects.create(
            member=member, cell=cell, kind=CellMembership.Kind.HOME, role=role,
            start_date=start_date or timezone.localdate(),
        )
    cells_changed([cell.pk])
    return member


@transaction.atomic
def member_update(*, member: Member, actor=None, **fields) -> Member:
    unknown = set(fields) - MEMBER_FIELDS
    if unknown:
        raise TypeError(f"member_update does not change {sorted(unknown)}")
    fields = _clean_blank_unique(fields)
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean(exclude=["search_name"])
    with audit_context(actor):
        member.save(update_fields=[*fields, "updated_at"])
        if "phone" in fields:
            user_phone_from_record(member=member)
    _pages_changed(member)
    return member


def _free_phone(raw: str, *, user_id: int | None = None) -> str | None:
    """The record's number in E.164 if no other account signs in with it (members of one
    family may share a phone: the first account keeps it, the page shows the others none)."""
    phone = to_e164_or_none(raw)
    if phone and User.objects.filter(phone=phone).exclude(pk=user_id).exists():
        return None
    return phone


def user_phone_from_record(*, member: Member) -> None:
    """The account signs in with the number on the member's record (members.phone): the
    secretary keeps the record, so a number changes for both at once."""
    if not member.user_id:
        return
    user = member.user
    phone = _free_phone(member.phone, user_id=user.pk)
    if user.phone != phone:
        user.phone, user.phone_verified = phone, False
        user.save(update_fields=["phone", "phone_verified"])


def _cell_has_secretary(cell: Organization) -> bool:
    return CellMembership.objects.filter(cell=cell, role=Role.SECRETARY, end_date__isnull=True).exists()


def _user(actor):
    return actor if isinstance(actor, User) else None


def _pages_changed(member: Member) -> None:
    """The cells the member has or had a place in show the member on their pages kept in the
    cache (meetings/page_cache.py: counts, names, to-dos): those are rendered afresh."""
    cells_changed(CellMembership.objects.filter(member_id=member.pk).values_list("cell_id", flat=True))


# Statuses a member comes back to from exemption or a temporary transfer.
ACTIVE_STATUSES = (MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL)


def _check_status_step(member: Member, status: MemberStatus, temporary_cell, other_organization: str) -> None:
    """Refuse steps the rules do not allow, from the member's current status."""
    current = MemberStatus(member.status)
    if current in GONE_STATUSES:
        raise ValidationError({"status": _("This member has left the rolls; no further change can be recorded.")})
    if status == current and status != MemberStatus.TEMPORARY_TRANSFER:
        raise ValidationError({"status": _("The member already has this status.")})
    if status == MemberStatus.OFFICIAL and member.official_date is None and current != MemberStatus.PROBATIONARY:
        raise ValidationError({"status": _("Only a probationary member can be recognised as official.")})
    if status == MemberStatus.PROBATIONARY and member.official_date is not None:
        raise ValidationError({"status": _("An official member cannot become probationary again.")})
    if status == MemberStatus.EXPELLED and member.official_date is None:
        # DOMAIN.md: probationary members may only be reprimanded or warned.
        raise ValidationError({"status": _("A probationary member cannot be expelled.")})
    if status in ACTIVE_STATUSES and not member.memberships.filter(
        kind=CellMembership.Kind.HOME, end_date__isnull=True
    ).exists():
        raise ValidationError({"status": _("This member has no home cell in the system.")})
    if status == MemberStatus.TEMPORARY_TRANSFER:
        if temporary_cell is not None and not temporary_cell.is_cell:
            raise ValidationError({"temporary_cell": _("Choose a cell.")})
        if temporary_cell is not None and member.memberships.filter(
            cell=temporary_cell, end_date__isnull=True
        ).exclude(kind=CellMembership.Kind.TEMPORARY).exists():
            raise ValidationError({"temporary_cell": _("The member already belongs to this cell.")})


@transaction.atomic
def member_change_status(*, member: Member, status: str, effective_date: dt.date, actor=None,
                         decision_ref: str = "", note: str = "", other_organization: str = "",
                         temporary_cell: Organization | None = None) -> MemberStatusChange:
    """Record one dated step of a member's status history and keep the record in step.

    Recognition as official sets the official-member date; a temporary transfer opens a
    temporary membership in `temporary_cell` (the home cell is kept) or, for a party
    organisation outside the system, names it in `other_organization`; returning to
    activity ends the temporary membership; leaving the rolls closes every open membership.
    """
    status = MemberStatus(status)
    given, member = member, Member.objects.select_for_update().get(pk=member.pk)  # one step at a time
    if effective_date > timezone.localdate() + dt.timedelta(days=366):
        raise ValidationError({"effective_date": _("The date is too far in the future.")})
    if member.admission_date and effective_date < member.admission_date:
        raise ValidationError({"effective_date": _("The date is before the member's admission.")})
    _check_status_step(member, status, temporary_cell, other_organization)
    if status == MemberStatus.OFFICIAL and member.official_date is None:
        # Recognition as an official member, whichever page records it (members.rules).
        refusal = rules.recognition_refusal(status=member.status, admission_date=member.admission_date,
                                            on=effective_date)
        if refusal:
            raise ValidationError({"effective_date": refusal})
    open_memberships = member.memberships.filter(end_date__isnull=True)
    if status in GONE_STATUSES:
        closing = open_memberships
    elif status in ACTIVE_STATUSES or status == MemberStatus.TEMPORARY_TRANSFER:
        closing = open_memberships.filter(kind=CellMembership.Kind.TEMPORARY)
    else:
        closing = open_memberships.none()
    latest_start = max((m.start_date for m in closing), default=None)
    if latest_start and effective_date < latest_start:
        raise ValidationError({"effective_date": _(
            "The date is before the member joined the cell (%(date)s).") % {"date": latest_start.strftime("%d/%m/%Y")}})
    recognising = status == MemberStatus.OFFICIAL and member.official_date is None
    if temporary_cell is not None and not other_organization:
        other_organization = temporary_cell.name

    with audit_context(actor):
        change = MemberStatusChange.objects.create(
            member=member, status=status, effective_date=effective_date, decision_ref=decision_ref,
            note=note, other_organization=other_organization.strip(), recorded_by=_user(actor),
        )
        latest = member.status_changes.order_by("-effective_date", "-id").first()
        update = ["status", "status_since", "updated_at"]
        member.status, member.status_since = latest.status, latest.effective_date
        if recognising:
            member.official_date = effective_date
            update.append("official_date")
        member.save(update_fields=update)
        for name in ("status", "status_since", "official_date", "updated_at"):
            setattr(given, name, getattr(member, name))  # the caller's copy stays in step

        if closing:
            closing.update(end_date=effective_date)
        if status == MemberStatus.TEMPORARY_TRANSFER and temporary_cell is not None:
            CellMembership.objects.create(
                member=member, cell=temporary_cell, kind=CellMembership.Kind.TEMPORARY,
                role=Role.MEMBER, start_date=effective_date,
            )
    _pages_changed(member)
    return change


@transaction.atomic
def member_create_visitor(*, cell: Organization, effective_date: dt.date, other_organization: str,
                          actor=None, decision_ref: str = "", **fields) -> Member:
    """A member of a party organisation outside the system who attends `cell` for a while.

    The record has no home cell here: only a temporary membership, and a first status
    step naming where the member comes from.
    """
    unknown = set(fields) - MEMBER_FIELDS
    if unknown:
        raise TypeError(f"member_create_visitor does not take {sorted(unknown)}")
    if not cell.is_cell:
        raise ValidationError({"cell": _("Members belong to a cell.")})
    if not other_organization.strip():
        raise ValidationError({"other_organization": _("Write the party organisation the member comes from.")})
    if effective_date > timezone.localdate() + dt.timedelta(days=366):
        raise ValidationError({"effective_date": _("The date is too far in the future.")})
    fields = _clean_blank_unique(fields)
    member = Member(**fields, status=MemberStatus.TEMPORARY_TRANSFER, status_since=effective_date)
    member.full_clean(exclude=["search_name"])
    with audit_context(actor):
        member.save()
        MemberStatusChange.objects.create(
            member=member, status=MemberStatus.TEMPORARY_TRANSFER, effective_date=effective_date,
            decision_ref=decision_ref, other_organization=other_organization.strip(), recorded_by=_user(actor),
        )
        CellMembership.objects.create(
            member=member, cell=cell, kind=CellMembership.Kind.TEMPORARY, role=Role.MEMBER,
            start_date=effective_date,
        )
    cells_changed([cell.pk])
    return member


@transaction.atomic
def member_receive_temporary(*, cell: Organization, party_card_number: str, full_name: str,
                             start_date: dt.date, actor=None) -> Member | None:
    """A member of another cell of the system arrives with their letter of introduction.

    Their home cell has recorded the temporary transfer "outside" (it could not pick this
    cell): the record is found by card number and name, and a temporary membership opens
    here. None when no record has that card number (the caller creates a visitor).
    """
    member = Member.objects.select_for_update().filter(party_card_number=party_card_number).first()
    if member is None:
        return None
    if normalize_search(member.full_name) != normalize_search(full_name) or \
            member.status != MemberStatus.TEMPORARY_TRANSFER:
        raise ValidationError({"party_card_number": _(
            "This party card number belongs to a party member whose cell has not recorded a temporary "
            "transfer under this name. Ask their cell to record it first.")})
    if member.memberships.filter(cell=cell, end_date__isnull=True).exists():
        raise ValidationError({"party_card_number": _("This member is already on the cell's rolls.")})
    if member.memberships.filter(kind=CellMembership.Kind.TEMPORARY, end_date__isnull=True).exists():
        raise ValidationError({"party_card_number": _(
            "This member already attends another cell temporarily; that cell must end it first.")})
    home = member.memberships.filter(kind=CellMembership.Kind.HOME, end_date__isnull=True).first()
    if home and start_date < home.start_date:
        raise ValidationError({"effective_date": _("The date is before the member joined the cell (%(date)s).")
                               % {"date": home.start_date.strftime("%d/%m/%Y")}})
    with audit_context(actor):
        CellMembership.objects.create(
            member=member, cell=cell, kind=CellMembership.Kind.TEMPORARY, role=Role.MEMBER, start_date=start_date,
        )
    cells_changed([cell.pk])
    return member


@transaction.atomic
def member_attend_temporarily(*, cell: Organization, effective_date: dt.date, other_organization: str,
                              actor=None, decision_ref: str = "", **fields) -> Member:
    """Someone arrives with a letter of introduction: a member of this system is received by
    their card number; anyone else gets a visitor's record."""
    card = fields.get("party_card_number")
    member = card and member_receive_temporary(
        cell=cell, party_card_number=card, full_name=fields.get("full_name", ""), start_date=effective_date,
        actor=actor,
    )
    return member or member_create_visitor(
        cell=cell, effective_date=effective_date, other_organization=other_organization, actor=actor,
        decision_ref=decision_ref, **fields,
    )


@transaction.atomic
def membership_end_temporary(*, member: Member, cell: Organization, end_date: dt.date,
                             actor=None) -> CellMembership:
    """A member from another cell of the system stops attending `cell`; their home cell
    records their return. (A visitor from outside leaves through member_change_status.)"""
    membership = CellMembership.objects.select_for_update().filter(
        member=member, cell=cell, kind=CellMembership.Kind.TEMPORARY, end_date__isnull=True,
    ).first()
    if membership is None:
        raise ValidationError(_("This member is not attending the cell temporarily."))
    if end_date < membership.start_date:
        raise ValidationError({"effective_date": _(
            "The date is before the member joined the cell (%(date)s).") % {
                "date": membership.start_date.strftime("%d/%m/%Y")}})
    membership.end_date = end_date
    with audit_context(actor):
        membership.save(update_fields=["end_date"])
    cells_changed([cell.pk])
    return membership


@transaction.atomic
def membership_set_role(*, member: Member, cell: Organization, role: str, actor=None,
                        on: dt.date | None = None) -> CellMembership:
    """Change a member's role in a cell: the old term ends, a new one starts the same day."""
    on = on or timezone.localdate()
    current = CellMembership.objects.select_for_update().filter(
        member=member, cell=cell, end_date__isnull=True
    ).first()
    if current is None:
        raise ValidationError(_("This member is not on the cell's rolls."))
    if current.role == role:
        return current
    if role == Role.SECRETARY and _cell_has_secretary(cell):
        raise ValidationError({"role": _("The cell already has a secretary; end that term first.")})
    cells_changed([cell.pk])
    with audit_context(actor):
        if current.start_date >= on:
            current.role = role
            current.save(update_fields=["role"])
            return current
        current.end_date = on - dt.timedelta(days=1)
        current.save(update_fields=["end_date"])
        try:
            with transaction.atomic():
                return CellMembership.objects.create(
                    member=member, cell=cell, kind=current.kind, role=role, start_date=on
                )
        except IntegrityError:
            raise ValidationError(_("The cell already has a secretary; end that term first.")) from None


@transaction.atomic
def committee_seat_add(*, member: Member, organization: Organization, body: str, title: str = "",
                       start_date: dt.date | None = None, actor=None) -> CommitteeSeat:
    seat = CommitteeSeat(
        member=member, organization=organization, body=body, title=title,
        start_date=start_date or timezone.localdate(),
    )
    seat.full_clean()
    with audit_context(actor):
        seat.save()
    return seat


@transaction.atomic
def user_create_for_member(*, member: Member, username: str, email: str = "", password: str | None = None,
                           actor=None) -> User:
    """Give a member an account. Without a password the member sets one from the invitation
    (notifications.invitations, which the page sends in the same transaction)."""
    if member.user_id:
        raise ValidationError(_("This member already has an account."))
    email = email or member.email
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Another account uses this email.")})
    user = User(username=username, email=email, phone=_free_phone(member.phone))
    name_parts = member.full_name.rsplit(" ", 1)
    user.last_name, user.first_name = (name_parts[0], name_parts[-1]) if len(name_parts) == 2 else ("", member.full_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    with audit_context(actor):
        user.save()
        member.user = user
        member.save(update_fields=["user", "updated_at"])
    return user


def user_sessions_end(*, user_id: int, keep_session_key: str | None = None) -> int:
    """Sign the account out everywhere but in `keep_session_key` (the browser that made the
    change). Sessions are not indexed by user, so each live one is read: this runs in a worker
    (members.tasks.end_other_sessions) and only after a change of password or second factor."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).exclude(
        session_key=keep_session_key or ""
    ).iterator(chunk_size=2000):
        if session.get_decoded().get("_auth_user_id") == str(user_id):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)
