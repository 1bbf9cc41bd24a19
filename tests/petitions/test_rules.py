"""The petition rules and their SQL twins agree on the same rows."""

import datetime as dt

import pytest

from members.access import scope_for
from petitions import rules
from petitions.models import Petition
from petitions.services import petition_forward, petition_resolve
from tests.petitions.conftest import raise_petition

TODAY = dt.date(2026, 12, 5)


def test_the_due_date_counts_the_category_days_from_the_day_it_was_received(categories):
    categories["difficulty"].due_days = 15
    assert rules.due_date(categories["difficulty"].due_days, dt.date(2026, 1, 20)) == dt.date(2026, 2, 4)


def test_a_petition_raised_takes_its_due_date_from_the_category_data(cast, categories):
    category = categories["difficulty"]
    category.due_days = 3
    category.save()
    petition = raise_petition(cast.tree.a1, cast.secretary, category)
    assert (petition.due_on - petition.raised_on).days == 3


def _rows(cast, categories):
    """Petitions in every state, raised and due on various days."""
    made = []
    for i, (status, raised_days_ago, due_days_ago) in enumerate([
        ("open", 40, 10), ("open", 5, -25), ("assigned", 31, 1), ("answered", 30, 0), ("forwarded", 90, 60),
        ("resolved", 100, 70), ("reopened", 35, -1), ("open", 31, -1),
    ]):
        petition = raise_petition(cast.tree.a1, cast.secretary, categories["petition"], title=f"Kiến nghị {i}")
        raised = TODAY - dt.timedelta(days=raised_days_ago)
        Petition.objects.filter(pk=petition.pk).update(
            status=status, raised_on=raised, due_on=TODAY - dt.timedelta(days=due_days_ago),
            resolved_on=TODAY - dt.timedelta(days=2) if status == "resolved" else None)
        made.append(petition.pk)
    return Petition.objects.filter(pk__in=made)


def test_overdue_and_its_sql_twin_agree(cast, categories):
    rows = _rows(cast, categories)
    python = {p.pk for p in rows if rules.is_overdue(p, TODAY)}
    sql = set(rows.filter(rules.overdue_q(TODAY)).values_list("pk", flat=True))
    assert python == sql and len(python) == 3  # due 10, 1 and 60 days ago; the one due today is not late


@pytest.mark.parametrize("days", [0, 30, 31, 60])
def test_unresolved_for_more_than_n_days_and_its_sql_twin_agree(cast, categories, days):
    rows = _rows(cast, categories)
    python = {p.pk for p in rows if rules.is_long_unresolved(p, TODAY, days)}
    sql = set(rows.filter(rules.long_unresolved_q(TODAY, days)).values_list("pk", flat=True))
    assert python == sql


def test_the_age_runs_to_the_resolution_or_to_today(cast, categories):
    rows = {p.status: p for p in _rows(cast, categories)}
    assert rules.age_days(rows["resolved"], TODAY) == 98
    assert rules.age_days(rows["forwarded"], TODAY) == 90


def test_only_the_holder_committee_may_act_and_only_the_sender_may_reopen(cast, categories):
    petition = raise_petition(cast.tree.a1, cast.secretary, categories["petition"])
    scopes = {name: scope_for(getattr(cast, name).user) for name in ("secretary", "member", "committee", "orgcom", "outsider")}
    assert [n for n, s in scopes.items() if rules.may_act(s, petition)] == ["committee"]
    petition_forward(petition=petition, actor=cast.committee.user)
    petition.refresh_from_db()
    assert [n for n, s in scopes.items() if rules.may_act(s, petition)] == ["orgcom"]
    assert rules.holder_actions(scopes["orgcom"], petition) == ["assign", "answer", "resolve"]  # nobody above the province
    petition_resolve(petition=petition, actor=cast.orgcom.user, text="Đã giải quyết.")
    petition.refresh_from_db()
    assert [n for n, s in scopes.items() if rules.may_reopen(s, petition)] == ["secretary"]
    assert rules.holder_actions(scopes["orgcom"], petition) == []
