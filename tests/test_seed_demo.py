import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cells.models import Organization
from meetings.models import Attendance, Meeting
from meetings.selectors import meetings_upcoming_for_member
from members.access import scope_for
from members.models import Member, MemberStatus, User


def _snapshot():
    return (
        sorted(Organization.objects.values_list("depth", "name", "kind")),
        list(Member.objects.order_by("party_card_number").values_list("full_name", "gender", "ethnicity", "status")),
        Attendance.objects.filter(status="unexcused").count(),
    )


@pytest.fixture
def commune(db):
    call_command("seed_demo", "--scale", "commune", "--seed", "7", verbosity=0)


def test_the_commune_has_about_250_members_in_8_to_15_cells(commune):
    cells = Organization.objects.cells().count()
    assert 8 <= cells <= 15
    assert 230 <= Member.objects.count() <= 270


def test_names_are_vietnamese_with_diacritics_and_shares_are_plausible(commune):
    members = list(Member.objects.all())
    assert sum(1 for m in members if any(ch in m.full_name for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịỉĩọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")) > len(members) * 0.8
    women = sum(1 for m in members if m.gender == "female") / len(members)
    assert 0.25 < women < 0.55
    kinh = sum(1 for m in members if m.ethnicity == "Kinh") / len(members)
    assert 0.7 < kinh < 0.97
    assert any(m.religion for m in members)


def test_there_are_probationary_exempt_and_temporarily_transferred_members(commune):
    statuses = set(Member.objects.values_list("status", flat=True))
    assert {MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL, MemberStatus.EXEMPT, MemberStatus.TEMPORARY_TRANSFER} <= statuses


def test_a_year_of_meetings_with_attendance_around_ninety_percent(commune):
    year_ago = timezone.localdate() - dt.timedelta(days=365)
    held = Meeting.objects.filter(status="held", scheduled_date__gte=year_ago)
    assert held.filter(kind="regular").count() >= Organization.objects.cells().count() * 10
    assert held.filter(kind="thematic").exists()
    rows = Attendance.objects.filter(meeting__in=held)
    rate = rows.filter(status="present").count() / rows.count()
    assert 0.85 < rate < 0.95
    assert rows.filter(status="excused").exclude(reason="").exists()
    # A few cells missed or delayed a month.
    assert held.exclude(starts_at__date=models_f("scheduled_date")).exists()


def models_f(name):
    from django.db.models import F

    return F(name)


def test_some_members_have_repeated_unexcused_absences(commune):
    from django.db.models import Count

    repeated = (Attendance.objects.filter(status="unexcused").values("member")
                .annotate(n=Count("id")).filter(n__gte=3).count())
    assert repeated >= 1


def test_demo_accounts_exist_and_the_member_has_an_upcoming_meeting(commune):
    for username in ("demo.admin", "demo.committee", "demo.secretary", "demo.member"):
        assert User.objects.get(username=username).check_password("SoTay-2026")
    member_scope = scope_for(User.objects.get(username="demo.member"))
    assert meetings_upcoming_for_member(member_scope).exists()
    assert scope_for(User.objects.get(username="demo.secretary")).managed_cell_ids
    assert scope_for(User.objects.get(username="demo.committee")).oversight


def test_the_same_seed_gives_the_same_data(commune):
    first = _snapshot()
    call_command("seed_demo", "--scale", "commune", "--seed", "7", "--reset", verbosity=0)
    assert _snapshot() == first


def test_loading_twice_without_reset_is_refused_and_if_empty_skips(commune):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", "commune", verbosity=0)
    count = Member.objects.count()
    call_command("seed_demo", "--scale", "commune", "--if-empty", verbosity=0)
    assert Member.objects.count() == count


def test_nothing_is_recorded_in_the_future(commune):
    now, today = timezone.now(), timezone.localdate()
    assert not Attendance.objects.filter(recorded_at__gt=now).exists()
    assert not Attendance.objects.filter(meeting__ends_at__gt=now).exists()  # only ended meetings have a roll call
    assert not Meeting.objects.filter(roll_call_recorded_at__gt=now).exists()
    assert not Member.objects.filter(admission_date__gt=today).exists()
    assert not Member.objects.filter(official_date__gt=today).exists()
    assert not Member.objects.filter(status_since__gt=today).exists()
    from members.models import MemberStatusChange

    assert not MemberStatusChange.objects.filter(effective_date__gt=today).exists()


def test_every_roll_call_is_frozen_with_the_basis_of_each_summoned_member(commune):
    from meetings.rules import summon_list

    rows = Attendance.objects.all()
    assert not rows.filter(status=Attendance.Status.UNMARKED).exists()
    assert set(rows.values_list("basis", flat=True)) == set(Attendance.Basis.values)
    assert not rows.filter(basis=Attendance.Basis.EXEMPT).exclude(status=Attendance.Status.PRESENT).exists()
    assert not rows.filter(basis=Attendance.Basis.OFFICIAL, was_official=False).exists()
    # The latest held meeting of each cell: one row per member the rules summon (a status
    # may have moved since, e.g. recognised as official, so only who is compared).
    for cell in Organization.objects.cells():
        meeting = Meeting.objects.filter(cell=cell, status="held").order_by("-starts_at").first()
        frozen = set(meeting.attendances.exclude(basis=Attendance.Basis.EXEMPT).values_list("member_id", flat=True))
        assert frozen == {member.pk for member, basis in summon_list(meeting) if basis != Attendance.Basis.EXEMPT}
