"""Dashboard figures for the committees, read from the roll-up tables: per month and per cell."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_schedule
from rollups.services import rollups_rebuild
from tests import factories as f


def early_this_month() -> dt.datetime:
    starts_at = dt.datetime.combine(timezone.localdate().replace(day=1), dt.time(8),
                                    tzinfo=timezone.get_current_timezone())
    if starts_at > timezone.now():  # the very first hours of a month
        starts_at -= dt.timedelta(hours=2)
    return starts_at


@pytest.fixture
def held(cast):
    """A1 held its regular meeting early this month (one present, one excused); figures rebuilt."""
    today = timezone.localdate()
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=early_this_month())
    attendance_record(meeting=meeting, entries={cast.secretary.pk: ("present", ""), cast.member.pk: ("excused", "Ốm")})
    rollups_rebuild(years=[today.year])
    return meeting


def months(client, org, query=""):
    return client.get(f"/api/v1/organizations/{org.public_id}/months/{query}")


def cell_figures(client, org, query=""):
    return client.get(f"/api/v1/organizations/{org.public_id}/cell-figures/{query}")


def test_the_commune_committee_reads_its_month_figures(cast, api, held):
    body = months(api(cast.committee), cast.tree.commune_a).json()
    this_month = body["results"][0]
    assert this_month["month"] == timezone.localdate().replace(day=1).isoformat()
    assert (this_month["summoned"], this_month["present"], this_month["excused"]) == (2, 1, 1)
    assert this_month["attendance_rate"] == 50.0
    assert this_month["regular_held"] == 1


def test_the_commune_committee_reads_each_cells_figures_for_a_month(cast, api, held):
    rows = cell_figures(api(cast.committee), cast.tree.commune_a).json()["results"]
    by_cell = {row["cell"]["name"]: row for row in rows}
    assert set(by_cell) <= {"Chi bộ thôn Đông", "Chi bộ thôn Đoài"}
    assert by_cell["Chi bộ thôn Đông"]["regular_held_on"] == timezone.localdate(held.starts_at).isoformat()
    assert by_cell["Chi bộ thôn Đông"]["present"] == 1


def test_the_province_sees_every_commune_and_a_cell_its_own_month_rows(cast, api, held):
    client = api(cast.orgcom)
    assert months(client, cast.tree.province).json()["results"][0]["present"] == 1
    cell_rows = months(client, cast.tree.a1).json()["results"]
    assert cell_rows[0]["present"] == 1


@pytest.mark.parametrize("who", ["member", "secretary", "outsider"])
def test_others_get_404_for_a_communes_figures(cast, api, held, who):
    client = api(getattr(cast, who))
    assert months(client, cast.tree.commune_a).status_code == 404
    assert cell_figures(client, cast.tree.commune_a).status_code == 404


def test_the_commune_committee_gets_404_for_a_sibling_commune(cast, api, held):
    assert months(api(cast.committee), cast.tree.commune_b).status_code == 404


def test_months_can_be_chosen_and_bad_months_are_a_400(cast, api, held):
    client = api(cast.committee)
    month = timezone.localdate().strftime("%Y-%m")
    assert months(client, cast.tree.commune_a, f"?month_from={month}&month_to={month}").json()["count"] == 1
    # Only months with figures, as the dashboard's period picker offers them.
    assert months(client, cast.tree.commune_a, "?month_from=2019-01&month_to=2019-02").json()["count"] == 0
    for query in ["?month_from=2026-13", "?month_to=26-05", "?month_from=2026-05&month_to=2026-04", "?month_to="]:
        response = months(client, cast.tree.commune_a, query)
        assert response.status_code == 400, query
    assert cell_figures(client, cast.tree.commune_a, "?month=mai").status_code == 400


def test_the_figures_keep_a_constant_number_of_queries(cast, api, held):
    client = api(cast.orgcom)
    client.get("/api/v1/me/")  # the first call also notes the token's use

    def count(path):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    paths = [f"/api/v1/organizations/{cast.tree.province.public_id}/cell-figures/",
             f"/api/v1/organizations/{cast.tree.province.public_id}/months/?month_from=2020-01"]
    small = [count(path) for path in paths]
    for n in range(5):
        f.org(f"Chi bộ mới {n}", parent=cast.tree.commune_b)
    rollups_rebuild(years=[2020, timezone.localdate().year])
    assert [count(path) for path in paths] == small


def test_the_figures_are_those_the_dashboards_show_rounded_half_up(cast, api, login):
    """5 of 16 summoned came: 31.25 %, which the pages show as 31,3 % (half up, not 31.2)."""
    others = [f.member(cast.tree.a1) for _ in range(14)]
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=early_this_month())
    came = [cast.secretary, cast.member, *others[:3]]
    attendance_record(meeting=meeting, entries={m.pk: ("present", "") for m in came}
                      | {m.pk: ("unexcused", "") for m in others[3:]})
    rollups_rebuild(years=[timezone.localdate().year])
    key = timezone.localdate().strftime("%Y-%m")
    client = api(cast.committee)
    month = months(client, cast.tree.commune_a, f"?month_from={key}&month_to={key}").json()["results"][0]
    cell = {row["cell"]["name"]: row for row in cell_figures(client, cast.tree.commune_a).json()["results"]}
    cell_month = months(client, cast.tree.a1, f"?month_from={key}&month_to={key}").json()["results"][0]
    assert month["attendance_rate"] == cell["Chi bộ thôn Đông"]["attendance_rate"] == cell_month["attendance_rate"] == 31.3

    page = login(cast.committee)
    dashboard = page.get(reverse("org_dashboard", args=[cast.tree.commune_a.public_id]), {"period": key}).context
    cell_report = page.get(reverse("cell_report", args=[cast.tree.a1.public_id]), {"period": key}).context
    unit = {u.extra["unit_name"]: u for u in dashboard["units"].units}["Chi bộ thôn Đông"]
    for answer, shown in [(month, dashboard["totals"]), (cell["Chi bộ thôn Đông"], unit), (cell_month, cell_report["totals"])]:
        for rate in ("attendance_rate", "on_time_rate", "documents_rate", "minutes_rate"):
            value = getattr(shown, rate)
            assert answer[rate] == (None if value is None else float(value)), rate
        assert answer["summoned"] == shown.summoned == 16
        assert answer["present"] == shown.present == 5
    assert dashboard["totals"].attendance_rate == Decimal("31.3")
