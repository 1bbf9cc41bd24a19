"""Attendance and the delivery ledger partitioned by year: rows land in their year, the audit
triggers fire on the partitions, exactly-once holds, reads of one year touch one partition,
and the upkeep commands create years ahead and detach old ones."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common import partitions
from evaluations.rules import member_facts
from meetings import rules
from meetings.models import Attendance, Meeting
from meetings.selectors import member_attendance, member_attendance_fingerprint
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_schedule
from members.access import scope_for
from notifications.models import Delivery, DeliveryAttempt, Dispatch, dispatch_year
from notifications.services.dispatch import DispatchRequest, dispatches_create, dispatches_fan_out
from rollups.services import rollups_rebuild, rollups_refresh_cell
from tests import factories as f
from tests.jobs.probe.kinds import PROBE, TEMPLATES
from tests.jobs.probe.kinds import register as register_probe

THIS_YEAR = timezone.localdate().year


def _partition_of(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _partitions_read(sql: str, table: str) -> set[str]:
    """The partitions of `table` the plan of `sql` reads."""
    with connection.cursor() as cursor:
        # Tiny tables: without these the embedded PostgreSQL may plan differently, not prune less.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return set(re.findall(rf"\b{table}_(y\d{{4}}|default)\b", plan))


@pytest.fixture
def held(cast):
    """A meeting of cell A1 that started half an hour ago, its roll call saved (one absent)."""
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=timezone.now() - dt.timedelta(minutes=30))
    attendance_record(meeting=meeting, actor=cast.secretary.user, entries={
        cast.secretary.pk: ("present", ""), cast.member.pk: ("unexcused", ""),
    })
    return meeting


@pytest.fixture
def probe(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES]}]
    register_probe()
    return PROBE


@pytest.mark.django_db
def test_attendance_and_the_ledger_have_a_partition_for_this_year_the_next_and_any_other():
    for table in partitions.TABLES:
        assert set(partitions.partitions_of(table)) >= {
            f"{table}_y{THIS_YEAR}", f"{table}_y{THIS_YEAR + 1}", f"{table}_default"}


def test_a_roll_call_writes_its_rows_into_the_partition_of_the_meetings_year(held):
    rows = list(held.attendances.all())
    assert {row.year for row in rows} == {held.period.year}
    assert {_partition_of("meetings_attendance", row.pk) for row in rows} == {
        f"meetings_attendance_y{held.period.year}"}


def test_the_audit_trail_still_records_changes_made_on_a_partition(held, cast):
    row = held.attendances.get(member=cast.member)
    assert [e.pgh_label for e in row.events.order_by("pgh_id")] == ["insert"]
    Attendance.objects.filter(pk=row.pk).update(status="excused", reason="Ốm")
    Attendance.objects.filter(pk=row.pk).delete()
    assert [(e.pgh_label, e.year) for e in row.events.order_by("pgh_id")] == [
        ("insert", held.period.year), ("update", held.period.year), ("delete", held.period.year)]


def test_one_row_per_member_and_meeting_still_holds(held, cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=held, member=cast.member, status="present", basis="official")


def test_a_row_in_another_year_than_its_meetings_is_refused(held, cast):
    newcomer = f.member(cast.tree.a1, name="Ngô Văn Mới")
    with pytest.raises(IntegrityError, match="not the meeting.s year"), transaction.atomic():
        Attendance.objects.create(meeting=held, member=newcomer, status="present", basis="official",
                                  year=held.period.year - 1)


def test_a_meeting_moved_into_another_year_takes_its_rows_along(held):
    Meeting.objects.filter(pk=held.pk).update(period=dt.date(THIS_YEAR + 1, 1, 1))
    rows = list(Attendance.objects.filter(meeting=held))
    assert {row.year for row in rows} == {THIS_YEAR + 1}
    assert {_partition_of("meetings_attendance", row.pk) for row in rows} == {f"meetings_attendance_y{THIS_YEAR + 1}"}


def test_the_absences_of_a_year_read_only_that_years_partition(held):
    with CaptureQueriesContext(connection) as queries:
        absences = rules.unexcused_months(cell_id=held.cell_id, year=held.period.year)
    assert len(absences) == 1
    (sql,) = [q["sql"] for q in queries.captured_queries if "meetings_attendance" in q["sql"]]
    assert _partitions_read(sql, "meetings_attendance") == {f"y{held.period.year}"}


@pytest.mark.django_db
def test_a_members_attendance_and_evaluation_facts_read_only_that_years_partition(held, cast):
    year = held.period.year
    scope = scope_for(cast.member.user)
    for read in (lambda: member_attendance(scope, now=held.starts_at),
                 lambda: member_attendance_fingerprint(scope, now=held.starts_at),
                 lambda: member_facts(cast.member, year, today=timezone.localdate())):
        with CaptureQueriesContext(connection) as queries:
            read()
        (sql,) = [q["sql"] for q in queries.captured_queries if "FROM \"meetings_attendance\"" in q["sql"]]
        assert _partitions_read(sql, "meetings_attendance") == {f"y{year}"}, sql


@pytest.mark.parametrize("rebuild", ["nightly", "one cell"])
def test_the_roll_ups_of_a_year_read_only_that_years_partition(held, rebuild):
    year = held.period.year
    with CaptureQueriesContext(connection) as queries:
        if rebuild == "nightly":
            rollups_rebuild(years=[year])
        else:
            rollups_refresh_cell(cell_id=held.cell_id, year=year)
    reads = [q["sql"] for q in queries.captured_queries if "FROM meetings_attendance" in q["sql"]]
    assert reads
    for sql in reads:
        assert _partitions_read(sql, "meetings_attendance") == {f"y{year}"}, sql


def test_deliveries_and_attempts_land_in_their_dispatchs_year_once_each(cast, probe,
                                                                         django_capture_on_commit_callbacks):
    people = [cast.secretary.pk, cast.member.pk]
    request = DispatchRequest(key="probe:partitions", kind=probe, params={"member_ids": people})
    with django_capture_on_commit_callbacks(execute=True):
        dispatches_create(requests=[request])
    dispatch = Dispatch.objects.get(key="probe:partitions")
    deliveries = list(Delivery.objects.filter(dispatch=dispatch))
    assert deliveries and {d.year for d in deliveries} == {dispatch_year(dispatch)} == {THIS_YEAR}
    assert {_partition_of("notifications_delivery", d.pk) for d in deliveries} == {
        f"notifications_delivery_y{THIS_YEAR}"}
    attempts = list(DeliveryAttempt.objects.filter(delivery__in=deliveries))
    assert attempts and {_partition_of("notifications_deliveryattempt", a.pk) for a in attempts} == {
        f"notifications_deliveryattempt_y{THIS_YEAR}"}
    # The same subject again, and the fan-out run twice: no second row.
    with django_capture_on_commit_callbacks(execute=True):
        dispatches_create(requests=[request])
    assert dispatches_fan_out(dispatch_ids=[dispatch.pk]) == []
    Dispatch.objects.filter(pk=dispatch.pk).update(fanned_out_at=None)
    assert dispatches_fan_out(dispatch_ids=[dispatch.pk]) == []
    assert Delivery.objects.filter(dispatch=dispatch).count() == len(deliveries)


def test_an_attempt_goes_with_its_delivery(cast, probe, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dispatches_create(requests=[DispatchRequest(key="probe:gone", kind=probe,
                                                    params={"member_ids": [cast.member.pk]})])
    delivery = Delivery.objects.get(key="probe:gone")
    assert delivery.attempt_log.exists()
    with connection.cursor() as cursor:  # the database's own foreign key, not Django's cascade
        cursor.execute("DELETE FROM notifications_delivery WHERE id = %s", [delivery.pk])
    assert not DeliveryAttempt.objects.filter(delivery_id=delivery.pk).exists()


def test_a_year_without_a_partition_lands_in_the_default_one_until_it_is_made(cast, probe,
                                                                                django_capture_on_commit_callbacks):
    far = THIS_YEAR + 5
    with time_machine.travel(dt.datetime(far, 3, 2, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False):
        meeting = meeting_schedule(cell=cast.tree.a1, starts_at=timezone.now() - dt.timedelta(minutes=30))
        attendance_record(meeting=meeting, actor=cast.secretary.user, entries={cast.member.pk: ("present", "")})
        with django_capture_on_commit_callbacks(execute=True):
            dispatches_create(requests=[DispatchRequest(key="probe:far", kind=probe,
                                                        params={"member_ids": [cast.member.pk]})])
    row = meeting.attendances.get(member=cast.member)
    delivery = Delivery.objects.get(key="probe:far")
    assert _partition_of("meetings_attendance", row.pk) == "meetings_attendance_default"
    assert _partition_of("notifications_delivery", delivery.pk) == "notifications_delivery_default"
    events = row.events.count()

    call_command("partitions_ensure", "--year", str(far))

    assert _partition_of("meetings_attendance", row.pk) == f"meetings_attendance_y{far}"
    assert _partition_of("notifications_delivery", delivery.pk) == f"notifications_delivery_y{far}"
    attempt = delivery.attempt_log.get()
    assert _partition_of("notifications_deliveryattempt", attempt.pk) == f"notifications_deliveryattempt_y{far}"
    assert row.events.count() == events  # moved, not changed: nothing for the audit trail
    assert partitions.partitions_ensure(years=[far]) == []


@pytest.mark.django_db
def test_making_the_years_ahead_twice_makes_them_once():
    with time_machine.travel(dt.date(THIS_YEAR + 2, 12, 31), tick=False):
        created = partitions.partitions_ensure()
        assert partitions.partitions_ensure() == []
    assert created == [f"{table}_y{year}" for table in partitions.TABLES for year in (THIS_YEAR + 2, THIS_YEAR + 3)]


def test_an_old_year_is_detached_with_its_rows_kept_in_a_table_of_its_own(held, cast, probe, capsys,
                                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dispatches_create(requests=[DispatchRequest(key="probe:old", kind=probe,
                                                    params={"member_ids": [cast.member.pk]})])
    year = held.period.year
    counts = {"meetings_attendance": held.attendances.count(),
              "notifications_delivery": Delivery.objects.filter(year=year).count(),
              "notifications_deliveryattempt": DeliveryAttempt.objects.filter(year=year).count()}
    assert all(counts.values())

    call_command("partition_detach", "--year", str(year))

    assert f"meetings_attendance_y{year}" in capsys.readouterr().out
    assert not Attendance.objects.filter(meeting=held).exists()
    assert not Delivery.objects.filter(year=year).exists()
    with connection.cursor() as cursor:
        for table, count in counts.items():
            assert f"{table}_y{year}" not in partitions.partitions_of(table, cursor)
            cursor.execute(f"SELECT count(*) FROM {table}_y{year}")
            assert cursor.fetchone()[0] == count
    with pytest.raises(CommandError, match=str(year)):
        call_command("partition_detach", "--year", str(year))
