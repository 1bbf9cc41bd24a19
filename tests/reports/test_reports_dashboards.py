"""Committee dashboards: who sees what, what they show, and at what cost in queries."""

import datetime as dt

import pytest
from django.urls import reverse

from cells.models import Organization
from members.models import CommitteeSeat
from rollups import services as rollups
from tests import factories as f
from tests.reports.conftest import MAY, hold

D = dt.date


def page(client, name, **kwargs):
    query = kwargs.pop("query", "")
    return client.get(reverse(name, kwargs=kwargs) + query)


def test_the_dashboard_opens_on_the_users_own_organisation(data, login):
    response = page(login(data.committee), "dashboard")
    assert response.status_code == 302
    assert response["Location"] == reverse("org_dashboard", kwargs={"org_id": data.tree.commune_a.public_id})
    response = page(login(data.orgcom), "dashboard")
    assert response["Location"] == reverse("org_dashboard", kwargs={"org_id": data.tree.province.public_id})


def test_the_dashboard_is_not_found_for_a_member_without_a_committee_seat(data, login):
    assert page(login(data.member), "dashboard").status_code == 404
    assert page(login(data.secretary), "dashboard").status_code == 404


def test_the_dashboard_needs_a_sign_in(data, client):
    response = page(client, "dashboard")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_commune_committee_member_sees_each_cell_with_its_status_and_band(data, login):
    response = page(login(data.committee), "org_dashboard", org_id=data.tree.commune_a.public_id, query=f"?period={MAY}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chi bộ thôn Đông" in html and "Chi bộ thôn Đoài" in html
    assert "Chi bộ thôn Nam" not in html, "a cell of the sibling commune"
    units = {u.extra["unit_name"]: u for u in response.context["units"].units}
    assert units["Chi bộ thôn Đông"].status == "on_time"
    assert units["Chi bộ thôn Đoài"].status == "late"
    assert units["Chi bộ thôn Đông"].attendance_rate == pytest.approx(50.0)
    assert units["Chi bộ thôn Đông"].band.number == 4
    assert units["Chi bộ thôn Đoài"].band.number == 1
    assert "Đúng lịch" in html and "Họp muộn" in html, "in Vietnamese"
    totals = response.context["totals"]
    assert (totals.cells_due, totals.regular_on_time, totals.regular_late) == (2, 1, 1)


def test_the_table_filters_and_sorts_on_the_server(data, login):
    client = login(data.committee)
    org = data.tree.commune_a.public_id
    late = page(client, "org_dashboard", org_id=org, query=f"?period={MAY}&status=late").context["units"].units
    assert [u.extra["unit_name"] for u in late] == ["Chi bộ thôn Đoài"]
    ordered = page(client, "org_dashboard", org_id=org, query=f"?period={MAY}&sort=-attendance").context["units"].units
    assert [u.extra["unit_name"] for u in ordered] == ["Chi bộ thôn Đoài", "Chi bộ thôn Đông"]
    poor = page(client, "org_dashboard", org_id=org, query=f"?period={MAY}&band=4").context["units"].units
    assert [u.extra["unit_name"] for u in poor] == ["Chi bộ thôn Đông"]
    nonsense = page(client, "org_dashboard", org_id=org, query="?period=2026-13&sort=drop&band=9&page=x")
    assert nonsense.status_code == 200
    assert "không phải" in nonsense.content.decode(), "the bad period is explained, not a 500"


def test_the_organisation_committee_above_sees_every_commune_rolled_up(data, login):
    client = login(data.orgcom)
    response = page(client, "org_dashboard", org_id=data.tree.province.public_id, query=f"?period={MAY}")
    units = {u.extra["unit_name"]: u for u in response.context["units"].units}
    assert set(units) == {"Đảng bộ xã An Phú", "Đảng bộ xã Bình Minh"}
    assert (units["Đảng bộ xã An Phú"].cells_due, units["Đảng bộ xã An Phú"].regular_late) == (2, 1)
    assert units["Đảng bộ xã Bình Minh"].regular_missed == 1
    drill = page(client, "org_dashboard", org_id=data.tree.commune_a.public_id, query=f"?period={MAY}")
    assert drill.status_code == 200
    assert page(client, "cell_report", cell_id=data.tree.b1.public_id).status_code == 200


def test_a_cell_report_shows_the_roll_calls_and_members_at_risk(data, login):
    response = page(login(data.committee), "cell_report", cell_id=data.tree.a1.public_id, query="?period=2026")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lê Thị Hoa" in html and "Vắng không lý do" in html
    assert len(response.context["meetings"]) == 2


@pytest.mark.parametrize("name", ["org_dashboard", "org_export", "monthly_report", "monthly_report_pdf"])
def test_a_committee_member_of_a_sibling_commune_cannot_open_the_other_commune(data, login, name):
    f.seat(data.outsider, data.tree.commune_b)
    client = login(data.outsider)
    assert page(client, name, org_id=data.tree.commune_a.public_id).status_code == 404
    assert page(client, name, org_id=data.tree.province.public_id).status_code == 404
    assert page(client, "org_dashboard", org_id=data.tree.commune_b.public_id).status_code == 200


@pytest.mark.parametrize("name", ["cell_report", "cell_export"])
def test_outsiders_cannot_open_a_cell_report(data, login, name):
    f.seat(data.outsider, data.tree.commune_b)
    for who in (data.outsider, data.member, data.secretary):
        assert page(login(who), name, cell_id=data.tree.a1.public_id).status_code == 404
    assert page(login(data.committee), name, cell_id=data.tree.b1.public_id).status_code == 404


def test_an_organisation_that_is_a_cell_opens_as_a_cell_report(data, login):
    response = page(login(data.committee), "org_dashboard", org_id=data.tree.a1.public_id, query="?period=2026-05")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("cell_report", kwargs={"cell_id": data.tree.a1.public_id}))


def _grow(cast, cells: int):
    """More cells, members and meetings under commune A (the second data size)."""
    for i in range(cells):
        cell = f.org(f"Chi bộ thêm {i}", parent=cast.tree.commune_a)
        people = [f.member(cell) for _ in range(3)]
        hold(cell, D(2026, 4, 5), dict.fromkeys(people, "present"))
        hold(cell, D(2026, 5, 5), {people[0]: "unexcused", people[1]: "present", people[2]: "excused"})
    rollups.rollups_rebuild(years=[2026])


@pytest.mark.parametrize("who,target", [("committee", "commune_a"), ("orgcom", "province"), ("admin", "province")])
def test_dashboards_keep_a_constant_number_of_queries(data, login, django_assert_max_num_queries, who, target):
    client = login(getattr(data, who))
    org = getattr(data.tree, target)
    url = reverse("org_dashboard", kwargs={"org_id": org.public_id}) + "?period=2026"
    # The target of the issue: at most ten queries a page, session and header included.
    with django_assert_max_num_queries(10):
        small = client.get(url)
    _grow(data, 6)
    with django_assert_max_num_queries(10):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    cell_url = reverse("cell_report", kwargs={"cell_id": data.tree.a1.public_id}) + "?period=2026"
    with django_assert_max_num_queries(10):
        assert client.get(cell_url).status_code == 200


def test_the_monthly_report_is_a_printable_page_and_a_pdf(data, login):
    client = login(data.committee)
    org = data.tree.commune_a.public_id
    html = page(client, "monthly_report", org_id=org, query=f"?month={MAY}").content.decode()
    assert "05/2026" in html and "Chi bộ thôn Đoài" in html and "Lê Thị Hoa" not in html
    pdf = page(client, "monthly_report_pdf", org_id=org, query=f"?month={MAY}")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_superuser_sees_every_organisation(data, login):
    response = page(login(data.admin), "dashboard")
    assert response["Location"] == reverse("org_dashboard", kwargs={"org_id": data.tree.province.public_id})
    assert page(login(data.admin), "cell_report", cell_id=data.tree.b1.public_id).status_code == 200


def test_the_header_shows_reports_only_to_committee_members(data, login):
    assert "/reports/" in page(login(data.committee), "home").content.decode()
    assert "/reports/" not in page(login(data.member), "home").content.decode()


def test_a_grassroots_cell_is_listed_under_the_province(data, login):
    school = f.org("Chi bộ cơ sở Trường THPT", kind=Organization.Kind.GRASSROOTS_CELL, parent=data.tree.province)
    people = [f.member(school) for _ in range(3)]
    hold(school, D(2026, 5, 5), dict.fromkeys(people, "present"))
    rollups.rollups_rebuild(years=[2026])
    seat_holder = data.orgcom
    assert CommitteeSeat.objects.filter(member=seat_holder).exists()
    units = page(login(seat_holder), "org_dashboard", org_id=data.tree.province.public_id,
                 query=f"?period={MAY}").context["units"].units
    assert "Chi bộ cơ sở Trường THPT" in {u.extra["unit_name"] for u in units}


def test_a_member_reading_an_inbox_message_moves_the_opened_notices_rate(data, login):
    from notifications.models import Notification
    from notifications.services.inbox import notification_mark_read

    notice = Notification.objects.create(user=data.member.user, kind="meeting_reminder", subject="Họp chi bộ")
    notification_mark_read(user=data.member.user, notification=notice)
    rollups.rollups_refresh_adoption()
    response = page(login(data.committee), "org_dashboard", org_id=data.tree.commune_a.public_id,
                    query=f"?period={MAY}")
    units = {u.extra["unit_name"]: u for u in response.context["units"].units}
    assert units["Chi bộ thôn Đông"].opened_rate == 25, "one of its four members read a message"
    assert units["Chi bộ thôn Đoài"].opened_rate == 0
    assert response.context["totals"].members_opened_notices == 1


def test_december_of_last_year_shows_its_real_figures(cast, login):
    t = cast.tree
    hold(t.a1, D(2025, 12, 5), {cast.secretary: "present", cast.member: "present"})
    rollups.rollups_rebuild()
    response = page(login(cast.committee), "org_dashboard", org_id=t.commune_a.public_id, query="?period=2025-12")
    units = {u.extra["unit_name"]: u for u in response.context["units"].units}
    assert units["Chi bộ thôn Đông"].status == "on_time", "held, not missed"
    assert units["Chi bộ thôn Đông"].attendance_rate == 100


def test_the_period_picker_offers_only_periods_with_figures(data, login):
    response = page(login(data.committee), "org_dashboard", org_id=data.tree.commune_a.public_id,
                    query=f"?period={MAY}")
    months, quarters, years = (dict(options) for _label, options in response.context["period_choices"])
    assert list(months) == ["2026-06", "2026-05", "2026-04"], "from the first month with figures to now"
    assert list(quarters) == ["2026-Q2"] and list(years) == ["2026"]
    first = page(login(data.committee), "org_dashboard", org_id=data.tree.commune_a.public_id,
                 query="?period=2026-04")
    assert first.context["previous_period"] is None, "nothing to go back to"


def test_minutes_still_before_their_deadline_are_not_counted_as_late(cast, login):
    t = cast.tree
    hold(t.a1, D(2026, 6, 19), {cast.secretary: "present", cast.member: "present"})
    rollups.rollups_rebuild(years=[2026])
    response = page(login(cast.committee), "cell_report", cell_id=t.a1.public_id, query="?period=2026-06")
    totals = response.context["totals"]
    assert totals.meetings_held == 1 and totals.minutes_rate is None, "not yet due: no rate rather than 0 %"
    (meeting,) = response.context["meetings"]
    assert meeting.minutes_state == "not_yet_due" and meeting.documents_state == "missing"


def _set_attendance(cell, commune, month, *, summoned, present):
    from rollups.models import CellMonth, OrganizationMonth

    CellMonth.objects.filter(cell=cell, month=month).update(summoned=summoned, present=present)
    OrganizationMonth.objects.filter(organization=commune, month=month).update(summoned=summoned, present=present)


def test_a_percentage_is_rounded_half_up_in_one_style_on_pages_and_exports(data, login):
    import csv
    import io

    from openpyxl import load_workbook

    t = data.tree
    _set_attendance(t.a1, t.commune_a, D(2026, 5, 1), summoned=2000, present=1773)  # 88.65 %
    client = login(data.committee)
    html = page(client, "org_dashboard", org_id=t.commune_a.public_id, query=f"?period={MAY}").content.decode()
    assert "88,7 %" in html and "88,6" not in html
    monthly = page(client, "monthly_report", org_id=t.commune_a.public_id, query=f"?month={MAY}").content.decode()
    assert "88,7 %" in monthly
    url = reverse("org_export", kwargs={"org_id": t.commune_a.public_id})
    rows = list(csv.reader(io.StringIO(client.get(f"{url}?table=units&format=csv&period={MAY}")
                                       .content.decode("utf-8-sig"))))
    column = rows[0].index("Tỷ lệ dự họp")
    assert {row[0]: row[column] for row in rows[1:]}["Chi bộ thôn Đông"] == "88.7"
    sheet = load_workbook(io.BytesIO(client.get(f"{url}?table=units&format=xlsx&period={MAY}").content)).active
    values = {row[0]: row[column] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert values["Chi bộ thôn Đông"] == pytest.approx(0.887)


def test_the_cell_report_reads_its_figures_from_the_roll_ups(data, login):
    from rollups.models import CellMonth

    response = page(login(data.committee), "cell_report", cell_id=data.tree.a1.public_id, query="?period=2026")
    totals = response.context["totals"]
    rows = CellMonth.objects.filter(cell=data.tree.a1, month__year=2026)
    for name in ("summoned", "present", "excused", "unexcused", "meetings_held", "documents_due",
                 "documents_on_time", "minutes_due", "minutes_on_time", "regular_on_time"):
        assert getattr(totals, name) == sum(getattr(row, name) for row in rows), name
    may = next(m for m in response.context["meetings"] if m.period == D(2026, 5, 1))
    assert (may.counts.summoned, may.counts.present, may.counts.excused, may.counts.unexcused) == (4, 2, 1, 1)
    assert may.minutes_state == "missing" and may.documents_state == "missing"
