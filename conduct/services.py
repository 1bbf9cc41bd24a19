"""Writes of the conduct registers: commendations, discipline (expulsion through the status
history) and party badges presented. Every write is atomic and audited."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cells.models import Organization
from common.audit import audit_context
from common.months import add_years
from common.text import normalize_text
from conduct.models import BadgePresentation, Commendation, Decision, Discipline
from conduct.rules import PROBATIONARY_LEVELS, badge_may_be_presented, badge_years, discipline_allowed
from conduct.uploads import checked_attachment
from members.models import GONE_STATUSES, CellMembership, Member, MemberStatus, User
from members.services import member_change_status


def home_cell(member: Member, on: dt.date | None = None) -> Organization | None:
    membership = (CellMembership.objects.current(on).filter(member=member, kind=CellMembership.Kind.HOME)
                  .select_related("cell").first())
    return membership.cell if membership else None


def _user(actor):
    return actor if isinstance(actor, User) else None


def _refresh_rollups(organization_id: int, year: int) -> None:
    """The roll-ups count commendations, discipline and badges per organisation and year; a write asks for
    its organisation's refresh on commit, as the fee services do."""
    from rollups.tasks import rollups_refresh_registers

    transaction.on_commit(lambda: rollups_refresh_registers.delay(organization_id, year), robust=True)


def _check_member(member: Member) -> Organization:
    if member.status in GONE_STATUSES:
        raise ValidationError({"member": _("This member has left the rolls; no decision can be recorded.")})
    cell = home_cell(member)
    if cell is None:
        raise ValidationError({"member": _("This member has no home cell in the system.")})
    return cell


def _check_date(day: dt.date) -> None:
    if day > timezone.localdate():
        raise ValidationError({"decision_date": _("The decision date cannot be in the future.")})


def _save(record: Decision, attachment, actor) -> None:
    if attachment:
        name, record.attachment_type = checked_attachment(attachment)
        record.attachment.save(name, attachment, save=False)
    try:
        record.full_clean()
        with audit_context(actor):
            record.save()
    except Exception:
        if record.attachment:
            record.attachment.delete(save=False)  # no row, no file
        raise


def _decision(model, *, member, cell, decision_number, decision_date, issuing_body, reason, actor,
              issuing_organization, **fields):
    return model(
        member=member, cell=cell, decision_number=normalize_text(decision_number).strip(),
        decision_date=decision_date, issuing_body=normalize_text(issuing_body).strip(),
        issuing_organization=issuing_organization, reason=normalize_text(reason).strip(),
        recorded_by=_user(actor), **fields,
    )


@transaction.atomic
def commendation_record(*, member: Member, kind: str, decision_number: str, decision_date: dt.date,
                        issuing_body: str, reason: str, actor=None, attachment=None,
                        issuing_organization: Organization | None = None) -> Commendation:
    """A commendation (certificate of merit, emulation title…) on the member's record."""
    cell = _check_member(member)
    _check_date(decision_date)
    if not issuing_body.strip() and issuing_organization is not None:
        issuing_body = issuing_organization.name
    record = _decision(Commendation, member=member, cell=cell, kind=kind, decision_number=decision_number,
                       decision_date=decision_date, issuing_body=issuing_body, reason=reason, actor=actor,
                       issuing_organization=issuing_organization)
    _save(record, attachment, actor)
    _refresh_rollups(cell.pk, decision_date.year)
    return record


def _official_on(member: Member, day: dt.date) -> bool:
    return member.official_date is not None and member.official_date <= day


@transaction.atomic
def discipline_record(*, member: Member, level: str, decision_number: str, decision_date: dt.date,
                      issuing_body: str, reason: str, actor=None, attachment=None,
                      issuing_organization: Organization | None = None) -> Discipline:
    """A discipline decision on the member's record. A probationary member may only be
    reprimanded or warned (DOMAIN.md); an expulsion records the member's step to "expelled"
    in the status history, in the same transaction."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    cell = _check_member(member)
    _check_date(decision_date)
    if not discipline_allowed(level, official=_official_on(member, decision_date)):
        allowed = ", ".join(str(Discipline.Level(choice).label) for choice in PROBATIONARY_LEVELS)
        raise ValidationError({"level": _(
            "%(name)s was a probationary member on %(day)s: a probationary member may only be given "
            "these forms of discipline: %(allowed)s.") % {
                "name": member.full_name, "day": decision_date.strftime("%d/%m/%Y"), "allowed": allowed}})
    if not issuing_body.strip() and issuing_organization is not None:
        issuing_body = issuing_organization.name
    record = _decision(Discipline, member=member, cell=cell, level=level, decision_number=decision_number,
                       decision_date=decision_date, issuing_body=issuing_body, reason=reason, actor=actor,
                       issuing_organization=issuing_organization)
    if level == Discipline.Level.EXPULSION:
        record.status_change = member_change_status(
            member=member, status=MemberStatus.EXPELLED, effective_date=decision_date, actor=actor,
            decision_ref=record.decision_number, note=record.reason,
        )
    _save(record, attachment, actor)
    _refresh_rollups(cell.pk, decision_date.year)
    return record


@transaction.atomic
def badge_present(*, member: Member, years: int, presented_on: dt.date, decision_number: str,
                  presented_by: str, actor=None) -> BadgePresentation:
    """Record that the `years` party badge was presented: the member leaves that badge's due list."""
    if presented_on > timezone.localdate():
        raise ValidationError({"presented_on": _("The date cannot be in the future.")})
    if years not in badge_years():
        raise ValidationError({"years": _("Party badges are presented for %(years)s years of membership.")
                               % {"years": ", ".join(str(y) for y in badge_years())}})
    if not badge_may_be_presented(member, years, presented_on):
        if member.admission_date is None:
            raise ValidationError({"years": _("The member's admission date is not recorded.")})
        raise ValidationError({"years": _(
            "%(name)s reaches %(years)s years of membership on %(day)s: the badge cannot be presented "
            "before then.") % {"name": member.full_name, "years": years,
                                "day": add_years(member.admission_date, years).strftime("%d/%m/%Y")}})
    badge = BadgePresentation(
        member=member, years=years, presented_on=presented_on,
        decision_number=normalize_text(decision_number).strip(),
        presented_by=normalize_text(presented_by).strip(), recorded_by=_user(actor),
    )
    badge.full_clean(validate_unique=False)
    try:
        with transaction.atomic(), audit_context(actor):
            badge.save()
    except IntegrityError:
        raise ValidationError({"years": _("This badge was already recorded as presented.")}) from None
    cell = home_cell(member)
    if cell is not None:  # a member with no home cell now counts nowhere (conduct.selectors.badge_list)
        _refresh_rollups(cell.pk, presented_on.year)
    return badge
