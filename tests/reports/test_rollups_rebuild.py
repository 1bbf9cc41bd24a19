"""Roll-ups: the incremental refresh after each roll call equals the nightly rebuild."""

import datetime as dt

import pytest
import time_machine

from cells.models import Organization
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_cancel, meeting_postpone, meeting_schedule
from rollups import services
from rollups.models import CellMonth, MemberYear, OrganizationMonth
from rollups.tasks import rollups_refresh_adoption
from tests import factories as f
from tests.reports.conftest import hold, local

D = dt.date
PRESENT, EXCUSED, UNEXCUSED = "present", "excused", "unexcused"


def snapshot():
    def rows(model, key):
        skip = {"id", "computed_at"}
        return {
            tuple(getattr(row, k) for k in key): {
                field.attname: getattr(row, field.attname)
                for field in model._meta.concrete_fields if field.attname not in skip
            }
            for row in model.objects.all()
        }
    return (
        rows(CellMonth, ["cell_id", "month"]),
        rows(OrganizationMonth, ["organization_id", "month"]),
        rows(MemberYear, ["member_id", "cell_id", "year"]),
    )


@pytest.fixture
def deep_tree(db):
    """province → district → commune → partial committee → cell (depth 4), plus a sibling commune."""
    province = f.org("Đảng bộ tỉnh Thử", kind=Organization.Kind.PROVINCE)
    district = f.org("Đảng bộ huyện Thử", kind=Organization.Kind.DISTRICT, parent=province)
    commune = f.org("Đảng bộ xã Sâu", kind=Organization.Kind.GRASSROOTS_COMMITTEE, parent=district)
    partial = f.org("Đảng bộ bộ phận thôn", kind=Organization.Kind.PARTIAL_COMMITTEE, parent=commune)
    deep = f.org("Chi bộ xóm Trong", parent=partial)
    shallow = f.org("Chi bộ xóm Ngoài", parent=commune)
    sibling = f.org("Đảng bộ xã Bên", kind=Organization.Kind.GRASSROOTS_COMMITTEE, parent=district)
    far = f.org("Chi bộ xóm Xa", parent=sibling)
    # A grassroots cell is its own grassroots organisation, straight under the district.
    lone = f.org("Chi bộ cơ sở Trường học", kind=Organization.Kind.GRASSROOTS_CELL, parent=district)
    people = {cell: [f.member(cell, role="secretary" if i == 0 else "member") for i in range(4)]
              for cell in (deep, shallow, far)}
    people[lone] = [f.member(lone, role="secretary"), *(f.member(lone) for _ in range(3))]
    return province, district, commune, partial, deep, shallow, sibling, far, people


def build_year(deep_tree):
    """Five months of meetings with late, missed, postponed, cancelled and corrected roll calls."""
    province, district, commune, partial, deep, shallow, sibling, far, people = deep_tree
    a, b, c, d = people[deep]
    roll = {a: PRESENT, b: PRESENT, c: PRESENT, d: PRESENT}
    hold(deep, D(2026, 1, 5), roll)
    hold(deep, D(2026, 2, 5), {**roll, d: UNEXCUSED}, held_on=D(2026, 2, 9))  # late
    hold(deep, D(2026, 2, 15), {**roll, c: EXCUSED}, kind="thematic")
    # March: missed. April: d absent without reason, then corrected to excused, then back.
    april = hold(deep, D(2026, 4, 5), {**roll, d: UNEXCUSED, c: UNEXCUSED})
    attendance_record(meeting=april, entries={c.pk: (EXCUSED, "Đi công tác")})
    hold(deep, D(2026, 5, 5), {**roll, d: UNEXCUSED})
    # A meeting postponed into the future and one cancelled count for nothing yet.
    june = meeting_schedule(cell=deep, starts_at=local(D(2026, 6, 25)))
    meeting_postpone(meeting=june, starts_at=local(D(2026, 6, 28)), reason="Mưa bão")
    extra = meeting_schedule(cell=deep, starts_at=local(D(2026, 6, 27)), kind="extraordinary")
    meeting_cancel(meeting=extra, reason="Không cần thiết")

    e, g, h, i = people[shallow]
    hold(shallow, D(2026, 3, 5), {e: PRESENT, g: PRESENT, h: EXCUSED, i: PRESENT})
    hold(shallow, D(2026, 4, 6), {e: PRESENT, g: UNEXCUSED, h: PRESENT, i: PRESENT}, held_on=D(2026, 4, 12))
    hold(shallow, D(2026, 6, 5), {e: PRESENT, g: UNEXCUSED, h: PRESENT, i: PRESENT})

    j, k, m, n = people[far]
    hold(far, D(2026, 5, 5), {j: PRESENT, k: PRESENT, m: PRESENT, n: UNEXCUSED})

    lone = next(cell for cell in people if cell.kind == Organization.Kind.GRASSROOTS_CELL)
    hold(lone, D(2026, 5, 6), dict.fromkeys(people[lone], PRESENT))


def test_the_incremental_refresh_equals_the_rebuild(deep_tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        build_year(deep_tree)
    incremental = snapshot()
    assert incremental[0], "the roll calls refreshed the roll-ups"
    services.rollups_rebuild(years=[2026])
    assert snapshot() == incremental
    services.rollups_rebuild(years=[2026])
    assert snapshot() == incremental, "the rebuild is idempotent"


def test_the_rebuild_from_nothing_counts_each_month(deep_tree):
    build_year(deep_tree)
    services.rollups_rebuild(years=[2026])
    deep = deep_tree[4]
    months = {row.month.month: row for row in CellMonth.objects.filter(cell=deep)}
    assert sorted(months) == [1, 2, 3, 4, 5, 6]
    assert (months[1].regular_on_time, months[1].regular_late, months[1].regular_missed) == (1, 0, 0)
    assert (months[2].regular_on_time, months[2].regular_late) == (0, 1)
    assert months[2].regular_held_on == D(2026, 2, 9) and months[2].regular_scheduled_date == D(2026, 2, 5)
    assert months[3].regular_missed == 1 and months[3].regular_held == 0
    assert months[6].regular_missed == 0, "the current month is not missed yet"
    assert [months[m].thematic_quarter for m in (1, 2, 3, 4)] == [0, 1, 1, 0]
    assert (months[4].summoned, months[4].present, months[4].excused, months[4].unexcused) == (4, 2, 1, 1)
    assert months[2].meetings_held == 2 and months[2].summoned == 8


def test_members_reach_risk_and_removal_in_the_month_of_their_absences(deep_tree):
    build_year(deep_tree)
    services.rollups_rebuild(years=[2026])
    deep, people = deep_tree[4], deep_tree[8]
    d = people[deep][3]
    year = MemberYear.objects.get(member=d, cell=deep, year=2026)
    assert (year.unexcused_months, year.at_risk_from, year.removal_from) == (3, D(2026, 4, 1), D(2026, 5, 1))
    by_month = dict(CellMonth.objects.filter(cell=deep).values_list("month", "members_at_risk"))
    assert by_month[D(2026, 3, 1)] == 0 and by_month[D(2026, 4, 1)] == 1 and by_month[D(2026, 6, 1)] == 1
    removal = dict(CellMonth.objects.filter(cell=deep).values_list("month", "members_to_remove"))
    assert removal[D(2026, 4, 1)] == 0 and removal[D(2026, 5, 1)] == 1


def test_an_organisation_counts_its_whole_subtree_at_any_depth(deep_tree):
    build_year(deep_tree)
    services.rollups_rebuild(years=[2026])
    province, district, commune, partial, deep, shallow, sibling, far, _ = deep_tree
    may = D(2026, 5, 1)

    def row(org):
        return OrganizationMonth.objects.get(organization=org, month=may)

    assert row(partial).summoned == 4 and row(partial).cells_due == 1
    assert row(commune).cells_due == 2 and row(commune).summoned == 4 and row(commune).regular_missed == 1
    assert row(district).cells_due == 4 and row(district).summoned == 12 and row(district).unexcused == 2
    assert row(province).summoned == row(district).summoned
    assert not OrganizationMonth.objects.filter(organization=deep).exists(), "a plain cell has its cell rows"
    lone = next(cell for cell in deep_tree[8] if cell.kind == Organization.Kind.GRASSROOTS_CELL)
    assert row(lone).summoned == 4 and row(lone).cells_due == 1, "a grassroots cell is its own organisation"
    assert not CellMonth.objects.filter(cell=far, month=D(2026, 4, 1)).exists(), \
        "a cell owes nothing before it first met or was created"


def test_a_correction_of_the_roll_call_moves_the_figures(deep_tree, django_capture_on_commit_callbacks):
    deep, people = deep_tree[4], deep_tree[8]
    a, b, c, d = people[deep]
    with django_capture_on_commit_callbacks(execute=True):
        meeting = hold(deep, D(2026, 5, 5), {a: PRESENT, b: PRESENT, c: PRESENT, d: UNEXCUSED})
    commune = deep_tree[2]
    assert OrganizationMonth.objects.get(organization=commune, month=D(2026, 5, 1)).unexcused == 1
    with django_capture_on_commit_callbacks(execute=True):
        attendance_record(meeting=meeting, entries={d.pk: (PRESENT, "")})
    assert OrganizationMonth.objects.get(organization=commune, month=D(2026, 5, 1)).unexcused == 0
    assert not MemberYear.objects.filter(member=d).exists()


def test_adoption_counts_accounts_and_recent_sign_ins(cast):
    from django.utils import timezone

    from members.models import User

    services.rollups_rebuild(years=[2026])
    User.objects.filter(username="member").update(last_login=timezone.now() - dt.timedelta(days=3))
    services.rollups_refresh_adoption()
    row = CellMonth.objects.get(cell=cast.tree.a1, month=D(2026, 6, 1))
    assert (row.members, row.members_with_account, row.members_signed_in) == (2, 2, 1)
    assert row.members_opened_notices == 0  # measured (notifications tells), and nobody read one
    commune = OrganizationMonth.objects.get(organization=cast.tree.commune_a, month=D(2026, 6, 1))
    assert (commune.members, commune.members_with_account) == (4, 4)


def test_completing_the_minutes_and_removing_a_document_move_the_compliance_at_once(
        deep_tree, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meetings.services.documents import document_add, document_delete
    from meetings.services.minutes import minutes_finalize, minutes_save

    deep, people = deep_tree[4], deep_tree[8]
    a, b, c, d = people[deep]
    with time_machine.travel(local(D(2026, 6, 1), 8), tick=False), django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_schedule(cell=deep, starts_at=local(D(2026, 6, 5)))
        document = document_add(meeting=meeting, upload=SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n%%EOF\n"),
                                title="Báo cáo tháng")
    with time_machine.travel(local(D(2026, 6, 5), 21), tick=False), django_capture_on_commit_callbacks(execute=True):
        attendance_record(meeting=meeting, entries={m.pk: (PRESENT, "") for m in (a, b, c, d)})
    month = D(2026, 6, 1)
    assert CellMonth.objects.get(cell=deep, month=month).documents_on_time == 1
    assert CellMonth.objects.get(cell=deep, month=month).minutes_on_time == 0
    with time_machine.travel(local(D(2026, 6, 6), 9), tick=False), django_capture_on_commit_callbacks(execute=True):
        minutes_save(meeting=meeting, chair=a, minute_taker=b, contents="Nội dung")
        minutes_finalize(meeting=meeting)
    assert CellMonth.objects.get(cell=deep, month=month).minutes_on_time == 1
    with django_capture_on_commit_callbacks(execute=True):
        document_delete(document=document)
    assert CellMonth.objects.get(cell=deep, month=month).documents_on_time == 0


def test_exempt_members_who_came_are_not_summoned_and_unmarked_members_are(cast):
    from members.models import Member, MemberStatus

    t = cast.tree
    exempt, unmarked = f.member(t.a1), f.member(t.a1)
    Member.objects.filter(pk=exempt.pk).update(status=MemberStatus.EXEMPT)
    hold(t.a1, D(2026, 5, 5), {cast.secretary: PRESENT, cast.member: UNEXCUSED, exempt: PRESENT})
    services.rollups_rebuild(years=[2026])
    row = CellMonth.objects.get(cell=t.a1, month=D(2026, 5, 1))
    assert unmarked.attendances.get().status == "unmarked"
    assert (row.summoned, row.present, row.unexcused) == (3, 1, 1), \
        "the exempt member who came is welcome but not summoned; the unmarked member was summoned"


def test_minutes_whose_deadline_is_ahead_are_not_yet_due_rather_than_late(cast):
    t = cast.tree
    yesterday = hold(t.a1, D(2026, 6, 19), {cast.secretary: PRESENT, cast.member: PRESENT})
    hold(t.a1, D(2026, 6, 2), {cast.secretary: PRESENT, cast.member: PRESENT}, kind="extraordinary")
    services.rollups_rebuild(years=[2026])
    row = CellMonth.objects.get(cell=t.a1, month=D(2026, 6, 1))
    assert row.meetings_held == 2
    assert (row.minutes_due, row.minutes_on_time) == (1, 0), "only the meeting of 2 June owed its minutes by now"
    assert (row.documents_due, row.documents_on_time) == (1, 0), "an extraordinary meeting owes no documents"
    assert yesterday.kind == "regular"


def test_the_rebuild_covers_every_year_with_meetings(cast):
    t = cast.tree
    hold(t.a1, D(2025, 12, 5), {cast.secretary: PRESENT, cast.member: PRESENT})
    services.rollups_rebuild()
    december = CellMonth.objects.get(cell=t.a1, month=D(2025, 12, 1))
    assert (december.regular_held, december.regular_on_time, december.regular_missed) == (1, 1, 0)
    assert OrganizationMonth.objects.get(organization=t.commune_a, month=D(2025, 12, 1)).regular_held == 1
    assert CellMonth.objects.filter(cell=t.a1, month=D(2026, 6, 1)).exists()


def test_the_nightly_task_rebuilds_the_last_year_only_in_january():
    assert services.nightly_years(D(2026, 1, 10)) == [2025, 2026]
    assert services.nightly_years(D(2026, 6, 20)) == [2026]


def test_the_command_rebuilds_a_range_of_years(cast):
    from django.core.management import call_command

    t = cast.tree
    hold(t.a1, D(2024, 11, 5), {cast.secretary: PRESENT, cast.member: PRESENT})
    hold(t.a1, D(2025, 12, 5), {cast.secretary: PRESENT, cast.member: PRESENT})
    call_command("rollups_rebuild", "--years", "2025-2026")
    months = set(CellMonth.objects.filter(cell=t.a1).values_list("month", flat=True))
    assert D(2025, 12, 1) in months and D(2026, 6, 1) in months and D(2024, 11, 1) not in months
    call_command("rollups_rebuild")
    assert CellMonth.objects.filter(cell=t.a1, month=D(2024, 11, 1), regular_held=1).exists()


def test_a_member_who_reads_an_inbox_message_counts_as_opening_notices(cast):
    from notifications.models import Notification
    from notifications.services.inbox import notification_mark_read

    services.rollups_rebuild(years=[2026])
    notice = Notification.objects.create(user=cast.member.user, kind="meeting_reminder", subject="Họp chi bộ")
    Notification.objects.create(user=cast.secretary.user, kind="meeting_reminder", subject="Họp chi bộ")
    notification_mark_read(user=cast.member.user, notification=notice)
    rollups_refresh_adoption.delay()  # the beat entry below, eager in tests
    row = CellMonth.objects.get(cell=cast.tree.a1, month=D(2026, 6, 1))
    assert (row.members, row.members_opened_notices) == (2, 1)
    commune = OrganizationMonth.objects.get(organization=cast.tree.commune_a, month=D(2026, 6, 1))
    assert commune.members_opened_notices == 1


def test_the_adoption_snapshot_is_taken_every_ten_minutes_not_only_at_night():
    from handbook.celery import app

    entries = [e for e in app.conf.beat_schedule.values() if e["task"] == "rollups.refresh_adoption"]
    assert len(entries) == 1
    assert entries[0]["schedule"].minute == set(range(0, 60, 10))
