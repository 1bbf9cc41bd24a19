"""Commendation and discipline records: the rules, the status history, the attachment checks."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from conduct.models import Commendation, Discipline
from conduct.rules import disciplined_in, under_discipline, under_discipline_exists
from members.models import CellMembership, Member, MemberStatus
from tests import factories as f
from tests.conduct.conftest import DAY, commend, discipline

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def test_a_commendation_is_recorded_on_the_member_with_the_home_cell(cast, media):
    record = commend(cast.member, actor=cast.secretary.user,
                     attachment=SimpleUploadedFile("Quyết định khen.pdf", PDF, content_type="application/pdf"))
    assert record.cell == cast.tree.a1
    assert record.recorded_by == cast.secretary.user
    assert record.attachment.name.endswith("quyet-dinh-khen.pdf")
    assert record.attachment_type == "application/pdf"
    assert list(cast.member.commendations.all()) == [record]


def test_an_attachment_that_is_not_what_its_name_says_is_refused_and_nothing_is_kept(cast, media):
    fake = SimpleUploadedFile("quyet-dinh.pdf", b"MZ this is a program", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        commend(cast.member, attachment=fake)
    assert "attachment" in refused.value.message_dict
    assert not Commendation.objects.exists()
    assert not any(media.rglob("*.pdf"))


def test_an_attachment_of_another_type_is_refused(cast, media):
    with pytest.raises(ValidationError) as refused:
        commend(cast.member, attachment=SimpleUploadedFile("virus.exe", b"MZ...."))
    assert "attachment" in refused.value.message_dict


def test_a_decision_dated_in_the_future_is_refused(cast):
    with pytest.raises(ValidationError) as refused:
        commend(cast.member, decision_date=dt.date.today() + dt.timedelta(days=2))
    assert "decision_date" in refused.value.message_dict


@pytest.mark.parametrize("level", ["reprimand", "warning"])
def test_a_probationary_member_may_be_reprimanded_or_warned(cast, level):
    newcomer = f.member(cast.tree.a1, official=False, admitted=dt.date(2025, 3, 1))
    assert discipline(newcomer, level=level).level == level


@pytest.mark.parametrize("level", ["dismissal", "expulsion"])
def test_a_probationary_member_cannot_be_dismissed_or_expelled(cast, level):
    newcomer = f.member(cast.tree.a1, official=False, admitted=dt.date(2025, 3, 1))
    with pytest.raises(ValidationError) as refused:
        discipline(newcomer, level=level)
    assert "level" in refused.value.message_dict
    assert newcomer.full_name in refused.value.message_dict["level"][0]
    assert not Discipline.objects.exists()
    newcomer.refresh_from_db()
    assert newcomer.status == MemberStatus.PROBATIONARY


def test_the_probation_rule_looks_at_the_decision_date(cast):
    # Official since 2 March 2026: a decision dated before that saw a probationary member.
    member = f.member(cast.tree.a1, admitted=dt.date(2025, 3, 1))
    member.official_date = dt.date(2026, 3, 2)
    member.save()
    with pytest.raises(ValidationError):
        discipline(member, level="dismissal", decision_date=dt.date(2025, 12, 1))


def test_an_expulsion_is_a_step_of_the_status_history_in_the_same_transaction(cast):
    record = discipline(cast.member, level="expulsion", decision_number="7-QĐ/ĐU", actor=cast.committee.user)
    member = Member.objects.get(pk=cast.member.pk)
    assert member.status == MemberStatus.EXPELLED
    assert member.status_since == DAY
    change = record.status_change
    assert (change.status, change.effective_date, change.decision_ref) == (MemberStatus.EXPELLED, DAY, "7-QĐ/ĐU")
    assert not CellMembership.objects.filter(member=member, end_date__isnull=True).exists()


def test_a_failed_expulsion_leaves_the_status_alone(cast, media):
    with pytest.raises(ValidationError):
        discipline(cast.member, level="expulsion", attachment=SimpleUploadedFile("x.pdf", b"not a pdf"))
    member = Member.objects.get(pk=cast.member.pk)
    assert member.status == MemberStatus.OFFICIAL
    assert not member.status_changes.filter(status=MemberStatus.EXPELLED).exists()


def test_no_decision_is_recorded_for_a_member_who_left_the_rolls(cast):
    discipline(cast.member, level="expulsion")
    with pytest.raises(ValidationError) as refused:
        commend(Member.objects.get(pk=cast.member.pk))
    assert "member" in refused.value.message_dict


def test_under_discipline_that_year_is_a_discipline_decision_dated_in_the_year(cast, neighbour):
    discipline(cast.member, decision_date=dt.date(2025, 12, 31))
    assert disciplined_in(2025) == {cast.member.pk}
    assert disciplined_in(2026) == set()
    assert disciplined_in(2025, [neighbour.pk]) == set()
    assert under_discipline(cast.member, 2025) and not under_discipline(neighbour, 2025)
    flagged = set(Member.objects.filter(under_discipline_exists(2025)).values_list("pk", flat=True))
    assert flagged == {cast.member.pk}
