"""Who is told what, and when: meeting reminders, change notices and nudges to secretaries.

The rules take `now` and return what is due as dispatch requests, each named by a key
that says what it is about ("meeting:12:reminder:4320@20261205T1930"); notifications (the
floor below) records each key once in its ledger and delivers it. The kinds registered
here tell that floor whom a message reaches and what it says; their templates are in
meetings/templates/meetings/email/. Numbers come from settings.HANDBOOK_RULES and the
organisation settings (DOMAIN.md: they change every few years). The services ask for the
immediate sends explicitly (meetings.followups); the scans here are the rest and the safety net.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cells.models import Organization
from cells.selectors import organization_settings
from common.months import add_months, add_years, month_start
from conduct.rules import badge_notice_occasion, badge_presented, badges_due
from fees.models import FeeMonth, FeeSheet
from fees.rules import unpaid_months
from meetings.models import Attendance, Meeting, MeetingDocument, Minutes, ReminderChoice
from meetings.rules import (
    FEES,
    MEETINGS_WITH_DOCUMENTS,
    SUMMONED_BASES,
    counted_meetings_of,
    effective_reminder_offsets,
    reminder_offset_due,
    risk_level,
    risk_thresholds,
    summoned_members,
    unexcused_months,
)
from meetings.services.schedule import same_as_told, told_values
from members.models import CellMembership, Member, MemberStatus, Role
from members.rules import probation_ends
from members.selectors_tree import upper_level_member_ids
from notifications import kinds
from notifications.models import Delivery
from notifications.services.dispatch import DispatchRequest

REMINDER = "meeting_reminder"
POSTPONED = "meeting_postponed"
CANCELLED = "meeting_cancelled"
CHANGED = "meeting_changed"
NUDGE_SCHEDULE = "nudge_no_regular_meeting"
NUDGE_DOCUMENTS = "nudge_documents"
NUDGE_ROLL_CALL = "nudge_roll_call"
NUDGE_MINUTES = "nudge_minutes"
NUDGE_ABSENCES = "nudge_absences"
NUDGE_FEES = "nudge_unpaid_fees"
NUDGE_PROBATION = "nudge_probation"
NUDGE_BADGE = "nudge_badge"

# Nudges the upper level hears about too (DOMAIN.md: the commune standing committee checks
# that every cell met on time, and follows members needing attention, admissions and badges).
UPPER_LEVEL_TOLD = {NUDGE_SCHEDULE, NUDGE_ABSENCES, NUDGE_FEES, NUDGE_PROBATION, NUDGE_BADGE}


def _rules() -> dict:
    return settings.HANDBOOK_RULES


def _stamp(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y%m%dT%H%M")


def _url(name: str, fallback: str, **kwargs) -> str:
    # Pages built on other branches may not be routed yet; their agreed paths still work.
    try:
        path = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        path = fallback
    return settings.SITE_URL + path


def meeting_url(meeting: Meeting) -> str:
    return _url("meeting_detail", f"/meetings/{meeting.public_id}/", meeting_id=meeting.public_id)


def _member_url(member: Member) -> str:
    return _url("member_detail", f"/members/{member.public_id}/", member_id=member.public_id)


def _headline(agenda: str) -> str:
    for line in agenda.splitlines():
        if line.strip():
            return line.strip()[:160]
    return ""


def _nudge_day(now: dt.datetime) -> dt.date:
    """The last day whose date-based nudges are due: today from the nudge hour, else yesterday."""
    local = timezone.localtime(now)
    return local.date() if local.hour >= _rules()["nudge_hour"] else local.date() - dt.timedelta(days=1)


# --- Reminders and change notices ------------------------------------------------------------

def _settings_by_cell(cells: list[Organization]) -> dict:
    ancestor_ids = {i for cell in cells for i in cell.ancestor_ids}
    ancestors = Organization.objects.in_bulk(ancestor_ids)
    return {
        cell.pk: organization_settings(cell, [ancestors[i] for i in cell.ancestor_ids if i in ancestors])
        for cell in cells
    }


def _longest_offset_minutes() -> int:
    # A member's lead times are among the default and the allowed ones (rules.effective_reminder_offsets).
    longest = max(_rules()["reminder_offsets_minutes"], default=0)
    for offsets, choices in (
            Organization.objects.filter(Q(reminder_offsets_minutes__isnull=False)
                                        | Q(reminder_choices_minutes__isnull=False))
            .values_list("reminder_offsets_minutes", "reminder_choices_minutes").distinct()):
        longest = max(longest, *(offsets or ()), *(choices or ()), 0)
    return longest


def _choices_by_cell(cell_ids: list[int], on: dt.date) -> dict[int, set[tuple[int, ...]]]:
    """The distinct lead times chosen by members on the rolls of each cell: one query."""
    found: dict[int, set[tuple[int, ...]]] = {}
    for cell_id, offsets in (
            CellMembership.objects.current(on).filter(cell_id__in=cell_ids, member__reminder_choice__isnull=False)
            .values_list("cell_id", "member__reminder_choice__offsets_minutes").distinct()):
        found.setdefault(cell_id, set()).add(tuple(offsets))
    return found


def _reminder_key(meeting_id: int, offset: int, stamp: str) -> str:
    return f"meeting:{meeting_id}:reminder:{offset}@{stamp}"


def reminders_due(now: dt.datetime) -> list[DispatchRequest]:
    """One reminder per meeting and lead time that has come for some member: the cell's
    default, or what its members chose among the lead times it allows (rules.effective_reminder_offsets).

    Each member is reminded at their nearest lead time that has passed (rules.reminder_offset_due:
    one reminder, not a burst, and none for lead times that passed before a postponement was
    told); which members a reminder reaches is decided when it goes out (`_reminded_member_ids`).
    A constant number of queries, whatever the number of meetings and members.
    """
    horizon = now + dt.timedelta(minutes=_longest_offset_minutes())
    meetings = list(
        Meeting.objects.filter(status__in=Meeting.OPEN_STATUSES, starts_at__gt=now, starts_at__lte=horizon)
        .select_related("cell")
    )
    cells = {m.cell_id: m.cell for m in meetings}
    by_cell = _settings_by_cell(list(cells.values()))
    # Who is on the rolls today stands for who is summoned: a reminder that reaches nobody is harmless.
    chosen = _choices_by_cell(list(cells), timezone.localdate(now)) if cells else {}
    requests = []
    for meeting in meetings:
        cell = by_cell[meeting.cell_id]
        wanted = {cell.reminder_offsets_minutes} | {
            effective_reminder_offsets(offsets, allowed=cell.reminder_choices_minutes,
                                       default=cell.reminder_offsets_minutes)
            for offsets in chosen.get(meeting.cell_id, ())
        }
        due = {reminder_offset_due(offsets, meeting=meeting, now=now) for offsets in wanted} - {None}
        stamp = _stamp(meeting.starts_at)
        requests += [
            DispatchRequest(key=_reminder_key(meeting.pk, offset, stamp), kind=REMINDER,
                            params={"meeting_id": meeting.pk, "offset": offset, "starts": stamp,
                                    "scanned": now.isoformat()})
            for offset in sorted(due, reverse=True)
        ]
    return requests


def _reminded_member_ids(meeting: Meeting, offset: int, now: dt.datetime) -> list[int]:
    """The summoned members a reminder at `offset` reaches: it is one of their lead times and
    the nearest that has passed. Not those the ledger shows reminded of this start at a nearer
    lead time already: a member who changed choice meanwhile is never reminded again earlier."""
    summoned = list(summoned_members(meeting).order_by().values_list("pk", flat=True))
    chosen = dict(ReminderChoice.objects.filter(member_id__in=summoned).values_list("member_id", "offsets_minutes"))
    cell = organization_settings(meeting.cell)
    mine = {
        member_id: effective_reminder_offsets(chosen.get(member_id), allowed=cell.reminder_choices_minutes,
                                              default=cell.reminder_offsets_minutes)
        for member_id in summoned
    }
    wanted = [member_id for member_id, offsets in mine.items()
              if reminder_offset_due(offsets, meeting=meeting, now=now) == offset]
    stamp = _stamp(meeting.starts_at)
    # Every lead time a member of the cell could have been reminded at, nearer than this one.
    nearer = {o for offsets in (cell.reminder_offsets_minutes, cell.reminder_choices_minutes, *chosen.values())
              for o in offsets if o < offset}
    reminded = set(Delivery.objects.filter(
        kind=REMINDER, member_id__in=wanted, key__in=[_reminder_key(meeting.pk, o, stamp) for o in nearer],
    ).values_list("member_id", flat=True)) if wanted and nearer else set()
    return [member_id for member_id in wanted if member_id not in reminded]


def change_notices_due(now: dt.datetime, *, meeting_ids: list[int] | None = None) -> list[DispatchRequest]:
    """A notice for each meeting postponed (to a new time) or cancelled before it took place,
    and one for each burst of changes of date, time or place whose delay has run out."""
    since = now - dt.timedelta(days=_rules()["nudge_catch_up_days"])
    meetings = Meeting.objects.filter(
        status__in=[Meeting.Status.POSTPONED, Meeting.Status.CANCELLED], updated_at__gte=since, starts_at__gt=now,
    )
    if meeting_ids is not None:
        meetings = meetings.filter(pk__in=meeting_ids)
    requests = []
    for meeting in meetings.only("pk", "status", "starts_at"):
        if meeting.status == Meeting.Status.POSTPONED:
            stamp = _stamp(meeting.starts_at)
            requests.append(DispatchRequest(key=f"meeting:{meeting.pk}:postponed@{stamp}", kind=POSTPONED,
                                            params={"meeting_id": meeting.pk, "starts": stamp}))
        else:
            requests.append(DispatchRequest(key=f"meeting:{meeting.pk}:cancelled", kind=CANCELLED,
                                            params={"meeting_id": meeting.pk}))
    return requests + _changes_due(now, meeting_ids=meeting_ids)


def claim_change(meeting: Meeting) -> bool:
    """Clear the pending burst of `meeting` as it was read, if no edit came since: True when
    this caller got it (a conditional UPDATE, so of two scans only one does)."""
    return meeting.change_notice_due_at is not None and bool(Meeting.objects.filter(
        pk=meeting.pk, change_notice_due_at=meeting.change_notice_due_at, sequence=meeting.sequence,
    ).update(change_notice_due_at=None, announced=None))


def _changes_due(now: dt.datetime, *, meeting_ids: list[int] | None) -> list[DispatchRequest]:
    """One notice per burst of changes (meetings.services.schedule.meeting_update), with the
    final values. Each burst is claimed by a conditional UPDATE that clears it only if no edit
    came meanwhile: of two scans only one gets the row, and an edit that raced the scan starts
    a new burst. Call inside the transaction that records the requests (tasks.scan_reminders),
    so a failure leaves the burst pending."""
    pending = Meeting.objects.filter(change_notice_due_at__lte=now)
    if meeting_ids is not None:
        pending = pending.filter(pk__in=meeting_ids)
    requests = []
    for meeting in pending.only("pk", "status", "starts_at", "ends_at", "place", "sequence", "announced",
                                "change_notice_due_at"):
        told = meeting.announced
        if (not claim_change(meeting) or told is None or not meeting.is_open or meeting.ends_at <= now
                or same_as_told(meeting, told)):
            continue  # taken by another scan, over, or back where members were told: nothing to say
        requests.append(DispatchRequest(
            key=f"meeting:{meeting.pk}:changed:{meeting.sequence}", kind=CHANGED,
            params={"meeting_id": meeting.pk, "sequence": meeting.sequence, "was": told,
                    "now": told_values(meeting)},
        ))
    return requests


# --- Nudges to secretaries (and the upper level) --------------------------------------------

def _nudges_no_regular_meeting(now: dt.datetime) -> list[DispatchRequest]:
    """From the 25th: cells with no regular meeting scheduled for next month."""
    day = _nudge_day(now)
    if day.day < _rules()["next_month_schedule_by_day"]:
        return []
    next_month = add_months(month_start(day), 1)
    scheduled = Meeting.objects.filter(cell=OuterRef("pk"), kind=Meeting.Kind.REGULAR, period=next_month).exclude(
        status=Meeting.Status.CANCELLED)
    cells = Organization.objects.cells().active().filter(~Exists(scheduled)).values_list("pk", flat=True)
    month = f"{next_month:%Y-%m}"
    return [DispatchRequest(key=f"cell:{pk}:no-regular-meeting:{month}", kind=NUDGE_SCHEDULE,
                            params={"cell_id": pk, "month": month}) for pk in cells]


def _nudges_documents(now: dt.datetime) -> list[DispatchRequest]:
    """A meeting starts within the notice period and no document is posted for it."""
    before = dt.timedelta(days=_rules()["documents_days_before"])
    posted = MeetingDocument.objects.filter(meeting=OuterRef("pk")).exclude(
        kind__in=[MeetingDocument.Kind.MINUTES, MeetingDocument.Kind.RESOLUTION])
    meetings = Meeting.objects.filter(
        status__in=Meeting.OPEN_STATUSES, kind__in=MEETINGS_WITH_DOCUMENTS,
        starts_at__gt=now, starts_at__lte=now + before,
    ).filter(~Exists(posted)).values_list("pk", "starts_at", "created_at")
    # A meeting called at shorter notice than that could not have met the rule.
    return [
        DispatchRequest(key=f"meeting:{pk}:documents-missing", kind=NUDGE_DOCUMENTS, params={"meeting_id": pk})
        for pk, starts_at, created_at in meetings if created_at <= starts_at - before
    ]


def _nudges_roll_call(now: dt.datetime) -> list[DispatchRequest]:
    """The roll call is still missing a day after the meeting ended."""
    after = dt.timedelta(hours=_rules()["roll_call_within_hours"])
    catch_up = dt.timedelta(days=_rules()["nudge_catch_up_days"])
    meetings = Meeting.objects.filter(
        status__in=Meeting.OPEN_STATUSES, roll_call_recorded_at__isnull=True,
        ends_at__lte=now - after, ends_at__gt=now - after - catch_up,
    ).values_list("pk", flat=True)
    return [DispatchRequest(key=f"meeting:{pk}:roll-call-missing", kind=NUDGE_ROLL_CALL, params={"meeting_id": pk})
            for pk in meetings]


def _nudges_minutes(now: dt.datetime) -> list[DispatchRequest]:
    """The minutes are not completed two days after a meeting that was held."""
    within = dt.timedelta(days=_rules()["minutes_within_days"])
    catch_up = dt.timedelta(days=_rules()["nudge_catch_up_days"])
    finalized = Minutes.objects.filter(meeting=OuterRef("pk"), finalized_at__isnull=False)
    meetings = Meeting.objects.filter(
        Q(status=Meeting.Status.HELD) | Q(roll_call_recorded_at__isnull=False),
        ends_at__lte=now - within, ends_at__gt=now - within - catch_up,
    ).exclude(status=Meeting.Status.CANCELLED).filter(~Exists(finalized)).values_list("pk", flat=True)
    return [DispatchRequest(key=f"meeting:{pk}:minutes-missing", kind=NUDGE_MINUTES, params={"meeting_id": pk})
            for pk in meetings]


def absence_nudges_due(now: dt.datetime, *, meeting_id: int | None = None) -> list[DispatchRequest]:
    """Members who reached the warning of meetings.rules.risk_level this calendar year: months
    with an absence without reason, counted per cell by meetings.rules.unexcused_months (the
    same figure as the cell home and the dashboards).

    After a roll call (`meeting_id`): the members of that meeting. The periodic scan is the
    safety net for the roll calls recorded within the catch-up period."""
    year = timezone.localdate(now).year
    warning, _removal = risk_thresholds()
    if meeting_id is not None:
        meetings = Meeting.objects.filter(pk=meeting_id)
    else:
        since = now - dt.timedelta(days=_rules()["nudge_catch_up_days"])
        meetings = Meeting.objects.filter(roll_call_recorded_at__gte=since)
    wanted: dict[int, set[int]] = {}
    for cell_id, member_id in (Attendance.objects.filter(
            meeting__in=meetings.filter(counted_meetings_of(), period__year=year), year=year,
            status=Attendance.Status.UNEXCUSED, basis__in=SUMMONED_BASES,
            member__in=Member.objects.on_rolls()).values_list("meeting__cell_id", "member_id").distinct()):
        wanted.setdefault(cell_id, set()).add(member_id)
    requests = []
    for cell_id, member_ids in sorted(wanted.items()):
        for member_id, absences in sorted(unexcused_months(cell_id=cell_id, year=year, member_ids=member_ids).items()):
            if absences.months >= warning:
                requests.append(DispatchRequest(
                    key=f"member:{member_id}:unexcused:{year}", kind=NUDGE_ABSENCES,
                    params={"member_id": member_id, "year": year, "cell_id": cell_id},
                ))
    return requests


def unpaid_fee_nudges_due(now: dt.datetime, *, cell_ids: list[int] | None = None) -> list[DispatchRequest]:
    """Members whose months with the party fee unpaid this calendar year (fees.rules.unpaid_months,
    the figure of the cell home and the dashboards) reach the warning, then the removal
    threshold of meetings.rules.risk_level: one nudge per member, year and level.

    A month becomes unpaid when it ends, so the scan looks at every cell with a ledger during
    the first days of a month, and otherwise at the cells whose sheets were recorded lately."""
    today = timezone.localdate(now)
    year = today.year
    if cell_ids is None:
        catch_up = _rules()["nudge_catch_up_days"]
        ledgers = FeeMonth.objects.filter(month__year=year)
        if today.day > catch_up:
            ledgers = ledgers.filter(cell_id__in=FeeSheet.objects.filter(
                recorded_at__gte=now - dt.timedelta(days=catch_up)).values("cell_id"))
        cell_ids = list(ledgers.values_list("cell_id", flat=True).distinct())
    requests = []
    for cell_id in sorted(cell_ids):
        for member_id, unpaid in sorted(unpaid_months(cell_id=cell_id, year=year, today=today).items()):
            level = risk_level(unpaid.months, FEES)
            if level:
                requests.append(DispatchRequest(
                    key=f"member:{member_id}:unpaid-fees:{year}:{level}", kind=NUDGE_FEES,
                    params={"member_id": member_id, "year": year, "cell_id": cell_id},
                ))
    return requests


def _nudges_probation(now: dt.datetime) -> list[DispatchRequest]:
    """Probation ends within the notice period (the cell must consider recognition)."""
    rules = _rules()
    day, months, notice = _nudge_day(now), rules["probation_months"], rules["probation_notice_days"]
    earliest = add_months(day, -months) - dt.timedelta(days=3)  # generous bounds, exact check below
    latest = add_months(day + dt.timedelta(days=notice), -months) + dt.timedelta(days=3)
    members = Member.objects.filter(
        status=MemberStatus.PROBATIONARY, admission_date__gte=earliest, admission_date__lte=latest,
    ).values_list("pk", "admission_date")
    requests = []
    for pk, admitted in members:
        ends = probation_ends(admitted)
        if ends - dt.timedelta(days=notice) <= day <= ends:
            requests.append(DispatchRequest(key=f"member:{pk}:probation-end:{ends:%Y-%m-%d}", kind=NUDGE_PROBATION,
                                            params={"member_id": pk, "ends": f"{ends:%Y-%m-%d}"}))
    return requests


def _nudges_badges(now: dt.datetime) -> list[DispatchRequest]:
    """Members whose 30, 40, 45… years of membership fall before the next presentation date,
    from HANDBOOK_RULES["badge_notice_days"] before it, until the badge is recorded as presented
    (the rule: conduct.rules, which the committee's badge list reads too)."""
    occasion = badge_notice_occasion(_nudge_day(now))
    if occasion is None:
        return []
    return [
        DispatchRequest(key=f"member:{due.member_id}:badge:{due.years}", kind=NUDGE_BADGE,
                        params={"member_id": due.member_id, "years": due.years, "presented": f"{occasion.date:%Y-%m-%d}"})
        for due in badges_due(occasion)
    ]


def nudges_due(now: dt.datetime) -> list[DispatchRequest]:
    return [
        *_nudges_no_regular_meeting(now), *_nudges_documents(now), *_nudges_roll_call(now),
        *_nudges_minutes(now), *absence_nudges_due(now), *unpaid_fee_nudges_due(now), *_nudges_probation(now),
        *_nudges_badges(now),
    ]


# --- Recipients and wording (the kinds) -------------------------------------------------------

def _grassroots_committee(cell: Organization) -> Organization | None:
    return (Organization.objects.filter(pk__in=cell.ancestor_ids, kind=Organization.Kind.GRASSROOTS_COMMITTEE)
            .order_by("-depth").first())


def officers_to_tell(cell: Organization, *, upper_level: bool) -> QuerySet[Member]:
    """The cell's secretary (the deputy when there is none) and, when the upper level is
    told, the committee member in charge of the cell, or without one the standing committee
    of the cell's grassroots organisation."""
    today = timezone.localdate()
    roles = list(CellMembership.objects.current(today).filter(
        cell=cell, role__in=[Role.SECRETARY, Role.DEPUTY_SECRETARY]).values_list("member_id", "role"))
    ids = [m for m, role in roles if role == Role.SECRETARY] or [m for m, _ in roles]
    if upper_level:
        # The standing-committee member in charge of the cell when there is one, else the committee.
        ids += upper_level_member_ids(cell, _grassroots_committee(cell), today)
    return Member.objects.on_rolls().filter(pk__in=ids)


def _meeting(params: dict) -> Meeting | None:
    return Meeting.objects.select_related("cell").filter(pk=params["meeting_id"]).first()


def _home_cell(member: Member) -> Organization | None:
    membership = (CellMembership.objects.current().filter(member=member, kind=CellMembership.Kind.HOME)
                  .select_related("cell").first())
    return membership.cell if membership else None


def _meeting_recipients(params: dict) -> QuerySet[Member]:
    meeting = _meeting(params)
    return summoned_members(meeting) if meeting else Member.objects.none()


def _reminder_recipients(params: dict) -> QuerySet[Member]:
    meeting = _meeting(params)
    if meeting is None or _stamp(meeting.starts_at) != params["starts"]:
        return Member.objects.none()  # gone or moved: the new time has its own reminders
    # Who is due is judged at the fan-out, never before the scan that found the reminder due (a
    # fan-out that waited in the queue judges by now: a nearer lead time passed meanwhile wins).
    scanned = params.get("scanned")
    moment = max(timezone.now(), dt.datetime.fromisoformat(scanned)) if scanned else timezone.now()
    return Member.objects.filter(pk__in=_reminded_member_ids(meeting, params["offset"], moment))


def _meeting_context(meeting: Meeting) -> dict:
    return {"meeting": meeting, "cell": meeting.cell, "agenda_headline": _headline(meeting.agenda),
            "link": meeting_url(meeting)}


def _reminder_context(params: dict) -> dict | None:
    meeting = _meeting(params)
    if (meeting is None or not meeting.is_open or meeting.starts_at <= timezone.now()
            or _stamp(meeting.starts_at) != params["starts"]):
        return None  # cancelled or moved since: the new time has its own reminder
    return {**_meeting_context(meeting), "offset_minutes": params["offset"]}


def _postponed_context(params: dict) -> dict | None:
    meeting = _meeting(params)
    if meeting is None or meeting.status != Meeting.Status.POSTPONED or _stamp(meeting.starts_at) != params["starts"]:
        return None
    return _meeting_context(meeting)


def _cancelled_context(params: dict) -> dict | None:
    meeting = _meeting(params)
    if meeting is None or meeting.status != Meeting.Status.CANCELLED:
        return None
    return _meeting_context(meeting)


def _changed_context(params: dict) -> dict | None:
    meeting = _meeting(params)
    if (meeting is None or not meeting.is_open or meeting.sequence != params["sequence"]
            or meeting.ends_at <= timezone.now()):
        return None  # changed again (its own notice follows), postponed, cancelled or over
    was = params["was"]
    was_starts, was_ends = dt.datetime.fromisoformat(was["starts_at"]), dt.datetime.fromisoformat(was["ends_at"])
    return {**_meeting_context(meeting), "was_starts_at": was_starts, "was_ends_at": was_ends,
            "was_place": was["place"], "time_changed": (was_starts, was_ends) != (meeting.starts_at, meeting.ends_at),
            "place_changed": was["place"] != meeting.place}


def _meeting_officers(kind: str):
    def recipients(params: dict) -> QuerySet[Member]:
        meeting = _meeting(params)
        return officers_to_tell(meeting.cell, upper_level=kind in UPPER_LEVEL_TOLD) if meeting else Member.objects.none()
    return recipients


def _member_officers(kind: str):
    def recipients(params: dict) -> QuerySet[Member]:
        member = Member.objects.filter(pk=params["member_id"]).first()
        # About the cell named (absences: the cell whose meetings were missed), else the home cell.
        if params.get("cell_id"):
            cell = Organization.objects.filter(pk=params["cell_id"]).first()
        else:
            cell = _home_cell(member) if member else None
        return officers_to_tell(cell, upper_level=kind in UPPER_LEVEL_TOLD) if cell else Member.objects.none()
    return recipients


def _cell_officers(params: dict) -> QuerySet[Member]:
    cell = Organization.objects.filter(pk=params["cell_id"]).first()
    return officers_to_tell(cell, upper_level=True) if cell else Member.objects.none()


def _schedule_context(params: dict) -> dict | None:
    cell = Organization.objects.filter(pk=params["cell_id"]).first()
    month = dt.date.fromisoformat(params["month"] + "-01")
    if cell is None or Meeting.objects.filter(cell=cell, kind=Meeting.Kind.REGULAR, period=month).exclude(
            status=Meeting.Status.CANCELLED).exists():
        return None  # scheduled meanwhile
    return {"cell": cell, "month": month,
            "link": _url("meeting_new", f"/cells/{cell.public_id}/meetings/new/", cell_id=cell.public_id)}


def _documents_context(params: dict) -> dict | None:
    meeting = _meeting(params)
    if meeting is None or not meeting.is_open or meeting.documents.exclude(
            kind__in=[MeetingDocument.Kind.MINUTES, MeetingDocument.Kind.RESOLUTION]).exists():
        return None
    return {**_meeting_context(meeting), "days": _rules()["documents_days_before"]}


def _roll_call_context(params: dict) -> dict | None:
    meeting = _meeting(params)
    if meeting is None or meeting.roll_call_recorded_at is not None or meeting.status == Meeting.Status.CANCELLED:
        return None
    return {**_meeting_context(meeting), "hours": _rules()["roll_call_within_hours"], "link": _url(
        "roll_call", f"/meetings/{meeting.public_id}/roll-call/", meeting_id=meeting.public_id)}


def _minutes_context(params: dict) -> dict | None:
    meeting = _meeting(params)
    if meeting is None or Minutes.objects.filter(meeting=meeting, finalized_at__isnull=False).exists():
        return None
    return {**_meeting_context(meeting), "days": _rules()["minutes_within_days"], "link": _url(
        "minutes_edit", f"/meetings/{meeting.public_id}/minutes/", meeting_id=meeting.public_id)}


def _absences_context(params: dict) -> dict | None:
    member = Member.objects.filter(pk=params["member_id"]).first()
    if member is None:
        return None
    cell = (Organization.objects.filter(pk=params["cell_id"]).first() if params.get("cell_id")
            else _home_cell(member))
    if cell is None:
        return None
    absences = unexcused_months(cell_id=cell.pk, year=params["year"], member_ids=[member.pk]).get(member.pk)
    if absences is None:
        return None  # corrected meanwhile
    meetings = [a.meeting for a in Attendance.objects.filter(
        counted_meetings_of("meeting__"), member=member, meeting__cell=cell, year=params["year"],
        status=Attendance.Status.UNEXCUSED, basis__in=SUMMONED_BASES,
    ).select_related("meeting").order_by("meeting__starts_at")]
    return {"member": member, "cell": cell, "year": params["year"], "months": absences.months,
            "count": absences.total, "meetings": meetings, "limit": risk_thresholds()[1],
            "link": _member_url(member)}


def _unpaid_fees_context(params: dict) -> dict | None:
    member = Member.objects.filter(pk=params["member_id"]).first()
    cell = Organization.objects.filter(pk=params["cell_id"]).first()
    if member is None or cell is None:
        return None
    today = timezone.localdate()
    unpaid = unpaid_months(cell_id=cell.pk, year=params["year"], today=today, member_ids=[member.pk]).get(member.pk)
    if unpaid is None or risk_level(unpaid.months, FEES) is None:
        return None  # paid meanwhile
    months = list(FeeMonth.objects.filter(
        member=member, cell=cell, month__year=params["year"], month__lt=month_start(today),
    ).filter(amount_paid__lt=F("amount_due")).order_by("month").values_list("month", flat=True))
    return {"member": member, "cell": cell, "year": params["year"], "months": unpaid.months, "owed": unpaid.owed,
            "unpaid": months, "limit": risk_thresholds(FEES)[1],
            "link": _url("fees_sheet", f"/cells/{cell.public_id}/fees/", cell_id=cell.public_id)}


def _probation_context(params: dict) -> dict | None:
    member = Member.objects.filter(pk=params["member_id"]).first()
    if member is None or member.status != MemberStatus.PROBATIONARY:
        return None  # recognised (or gone) meanwhile
    return {"member": member, "cell": _home_cell(member), "ends": dt.date.fromisoformat(params["ends"]),
            "link": _member_url(member)}


def _badge_context(params: dict) -> dict | None:
    member = Member.objects.on_rolls().filter(pk=params["member_id"]).first()
    if member is None or member.admission_date is None or badge_presented(member.pk, params["years"]):
        return None  # gone, or presented meanwhile
    return {"member": member, "cell": _home_cell(member), "years": params["years"],
            "anniversary": add_years(member.admission_date, params["years"]),
            "presented": dt.date.fromisoformat(params["presented"]), "link": _member_url(member)}


def register_kinds() -> None:
    email = "meetings/email/"
    kinds.register(REMINDER, template=email + "reminder", recipients=_reminder_recipients,
                   context=_reminder_context, reminder=True)
    kinds.register(POSTPONED, template=email + "postponed", recipients=_meeting_recipients,
                   context=_postponed_context, reminder=True)
    kinds.register(CANCELLED, template=email + "cancelled", recipients=_meeting_recipients,
                   context=_cancelled_context, reminder=True)
    kinds.register(CHANGED, template=email + "changed", recipients=_meeting_recipients, context=_changed_context,
                   reminder=True)
    kinds.register(NUDGE_SCHEDULE, template=email + "nudge-schedule", recipients=_cell_officers,
                   context=_schedule_context)
    kinds.register(NUDGE_DOCUMENTS, template=email + "nudge-documents",
                   recipients=_meeting_officers(NUDGE_DOCUMENTS), context=_documents_context)
    kinds.register(NUDGE_ROLL_CALL, template=email + "nudge-roll-call",
                   recipients=_meeting_officers(NUDGE_ROLL_CALL), context=_roll_call_context)
    kinds.register(NUDGE_MINUTES, template=email + "nudge-minutes",
                   recipients=_meeting_officers(NUDGE_MINUTES), context=_minutes_context)
    kinds.register(NUDGE_ABSENCES, template=email + "nudge-absences",
                   recipients=_member_officers(NUDGE_ABSENCES), context=_absences_context)
    kinds.register(NUDGE_FEES, template="fees/email/nudge-unpaid-fees",
                   recipients=_member_officers(NUDGE_FEES), context=_unpaid_fees_context)
    kinds.register(NUDGE_PROBATION, template=email + "nudge-probation",
                   recipients=_member_officers(NUDGE_PROBATION), context=_probation_context)
    kinds.register(NUDGE_BADGE, template=email + "nudge-badge",
                   recipients=_member_officers(NUDGE_BADGE), context=_badge_context)


register_kinds()
