"""The registers' roll-up (rollups.RegisterYear): the same figures as the registers' live
selectors, after a rebuild and after the on-commit refresh of a single write; the
dashboard's card reads it in one query."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from admissions.models import Step
from admissions.selectors import admission_figures
from admissions.services import admission_plan_set
from conduct.models import BadgePresentation, Commendation, Discipline
from conduct.rules import badge_occasion
from conduct.selectors import badge_list, yearly_counts
from conduct.services import badge_present
from members.models import CellMembership, Member
from members.rules import AdmissionCategory
from rollups import services as rollups
from rollups.models import RegisterYear
from tests import factories as f
from tests.admissions.conftest import advance, register
from tests.conduct.conftest import commend, discipline
from tests.reports.conftest import TODAY

D = dt.date
YEARS = [2025, 2026]


def _admit(cell, on, **fields):
    return f.member(cell, admitted=on, official=False, **fields)


@pytest.fixture
def registers(cast):
    """Two communes, three cells: admissions in 2025 and 2026 in several categories, plans,
    commendations, a discipline, badges due and one presented."""
    t = cast.tree
    _admit(t.a1, D(2025, 3, 2), gender=Member.Gender.FEMALE, religion="Công giáo", date_of_birth=D(2000, 1, 1))
    _admit(t.a1, D(2026, 2, 3), workplace_kind=Member.Workplace.NON_STATE, ethnicity="Tày")
    _admit(t.a2, D(2026, 4, 9), gender=Member.Gender.FEMALE, date_of_birth=D(1999, 5, 5))
    _admit(t.b1, D(2026, 1, 15), religion="Phật giáo")
    admission_plan_set(organization=t.commune_a, year=2026, target=4, target_non_state=1, target_female=2)
    admission_plan_set(organization=t.commune_a, year=2025, target=2)
    admission_plan_set(organization=t.commune_b, year=2026, target=3, target_religious=1)
    commend(cast.member, decision_date=D(2025, 6, 10))
    commend(cast.member, kind=Commendation.Kind.EMULATION_TITLE, decision_date=D(2026, 1, 20))
    commend(cast.committee, kind=Commendation.Kind.EMULATION_TITLE, decision_date=D(2026, 2, 20))
    discipline(cast.outsider, decision_date=D(2026, 3, 1))
    # 30 and 40 years reached before the presentation of 2 September 2026.
    veteran = f.member(t.a1, admitted=D(1996, 7, 1))
    f.member(t.b1, admitted=D(1986, 8, 15))
    f.member(t.a2, admitted=D(1996, 8, 1))
    badge_present(member=veteran, years=30, presented_on=TODAY, decision_number="1-QĐ", presented_by="Đảng ủy")
    rollups.rollups_rebuild(years=YEARS)
    return cast


def _organizations(cast):
    t = cast.tree
    return [t.province, t.commune_a, t.commune_b, t.a1, t.a2, t.b1]


def _live(org, year) -> dict:
    _rows, admissions = admission_figures(org, year)
    _units, conduct = yearly_counts(org, year)
    homes = CellMembership.objects.current().filter(kind=CellMembership.Kind.HOME, cell__path__startswith=org.path)
    presented = BadgePresentation.objects.filter(presented_on__year=year,
                                                 member_id__in=homes.values("member_id")).count()
    due = len(badge_list(org, badge_occasion(TODAY))[0]) if year == TODAY.year else 0
    return {
        "admitted": admissions.admitted, "by_category": admissions.by_category, "target": admissions.target,
        "targets": admissions.targets,
        "commendations": {k: n for k, n in conduct.commendations.items() if n},
        "disciplines": {k: n for k, n in conduct.disciplines.items() if n},
        "badges_presented": presented, "badges_due": due,
    }


def _stored(org, year) -> dict:
    row = RegisterYear.objects.filter(organization=org, year=year).first() or RegisterYear(year=year)
    return {
        "admitted": row.admitted,
        "by_category": {key: getattr(row, f"admitted_{key}") for key in AdmissionCategory.ALL},
        "target": row.target, "targets": {key: getattr(row, f"target_{key}") for key in AdmissionCategory.ALL},
        "commendations": row.commendations, "disciplines": row.disciplines,
        "badges_presented": row.badges_presented, "badges_due": row.badges_due,
    }


def _assert_matches_live(cast):
    for org in _organizations(cast):
        for year in YEARS:
            assert _stored(org, year) == _live(org, year), (org.name, year)


def test_the_rebuild_holds_the_live_figures_of_every_register(registers):
    _assert_matches_live(registers)
    province = RegisterYear.objects.get(organization=registers.tree.province, year=2026)
    assert (province.admitted, province.target, province.admission_rate) == (3, 7, Decimal("42.9"))
    assert province.commendations == {"emulation_title": 2}
    assert province.disciplines == {"reprimand": 1}
    assert (province.badges_due, province.badges_due_on, province.badges_presented) == (2, D(2026, 9, 2), 1)
    assert RegisterYear.objects.get(organization=registers.tree.province, year=2025).badges_due_on is None


def test_the_rebuild_overwrites_and_drops_what_is_gone(registers):
    before = list(RegisterYear.objects.order_by("organization_id", "year").values())
    rollups.rollups_rebuild(years=YEARS)
    assert list(RegisterYear.objects.order_by("organization_id", "year").values()) == before
    Discipline.objects.all().delete()
    rollups.rollups_rebuild(years=YEARS)
    assert RegisterYear.objects.get(organization=registers.tree.commune_b, year=2026).disciplines == {}
    _assert_matches_live(registers)


def _write_plan(cast):
    admission_plan_set(organization=cast.tree.commune_b, year=2025, target=6, target_young=2)


def _write_commendation(cast):
    commend(cast.outsider, kind=Commendation.Kind.ORDER_OR_MEDAL, decision_date=D(2025, 11, 2))


def _write_discipline(cast):
    discipline(cast.committee, level=Discipline.Level.WARNING, decision_date=D(2026, 5, 4))


def _write_badge(cast):
    due = Member.objects.get(admission_date=D(1986, 8, 15))
    badge_present(member=due, years=40, presented_on=TODAY, decision_number="2-QĐ", presented_by="Đảng ủy")


def _write_admission(cast):
    candidate = register(cast.tree.a2, on=D(2025, 3, 1), workplace_kind=Member.Workplace.NON_STATE)
    advance(candidate, Step.CEREMONY, sponsors=(cast.committee, cast.orgcom), issuer=cast.tree.commune_a)


@pytest.mark.parametrize("write", [_write_plan, _write_commendation, _write_discipline, _write_badge,
                                   _write_admission])
def test_a_single_write_refreshes_its_chain_on_commit(registers, django_capture_on_commit_callbacks, write):
    before = {(org.pk, year): _stored(org, year) for org in _organizations(registers) for year in YEARS}
    with django_capture_on_commit_callbacks(execute=True):
        write(registers)
    after = {(org.pk, year): _stored(org, year) for org in _organizations(registers) for year in YEARS}
    assert after != before  # the write moved a figure...
    _assert_matches_live(registers)  # ...and every row still equals the live registers


def test_a_refresh_of_a_gone_organisation_does_nothing(db):
    assert rollups.registers_refresh(organization_id=987654, years=[2026]) is False


def _dashboard(client, org):
    return client.get(reverse("org_dashboard", kwargs={"org_id": org.public_id}) + "?period=2026")


def test_the_dashboard_card_shows_the_rolled_up_registers(registers, login):
    response = _dashboard(login(registers.committee), registers.tree.commune_a)
    assert response.status_code == 200
    card = response.context["registers"]
    assert (card.admitted, card.target, card.admitted_non_state, card.target_non_state) == (2, 4, 1, 1)
    html = response.content.decode()
    assert 'data-figure="admitted">2<' in html and 'data-figure="target">4<' in html
    assert 'data-figure="admission-rate">50' in html
    assert 'data-figure="commendations">2<' in html and 'data-figure="badges-due">1<' in html
    assert reverse("admissions_committee", args=[registers.tree.commune_a.public_id]) in html


def test_an_organisation_without_registers_shows_an_empty_card(cast, login):
    response = _dashboard(login(cast.committee), cast.tree.commune_a)
    assert response.status_code == 200 and response.context["registers"] is None


def test_outsiders_do_not_see_another_communes_registers(registers, login):
    assert _dashboard(login(registers.outsider), registers.tree.commune_a).status_code == 404
    assert _dashboard(login(registers.committee), registers.tree.commune_b).status_code == 404


def _grow(cast, cells: int):
    for i in range(cells):
        cell = f.org(f"Chi bộ thêm {i}", parent=cast.tree.commune_a)
        people = [_admit(cell, D(2026, 3, i + 1), gender=Member.Gender.FEMALE) for _ in range(3)]
        commend(people[0], decision_date=D(2026, 4, 1))
        f.member(cell, admitted=D(1996, 7, 2))
    rollups.rollups_rebuild(years=YEARS)


def test_the_dashboard_and_the_refresh_keep_a_constant_number_of_queries(
        registers, login, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    client = login(registers.committee)
    with django_assert_max_num_queries(10):
        assert _dashboard(client, registers.tree.commune_a).status_code == 200
    with CaptureQueriesContext(connection) as small:
        rollups.registers_refresh(organization_id=registers.tree.a1.pk, years=[2026])
    _grow(registers, 6)
    with django_assert_max_num_queries(10):
        large = _dashboard(client, registers.tree.commune_a)
    assert large.context["registers"].admitted == 2 + 18
    with CaptureQueriesContext(connection) as grown:
        rollups.registers_refresh(organization_id=registers.tree.a1.pk, years=[2026])
    assert len(grown) == len(small)
    _assert_matches_live(registers)
