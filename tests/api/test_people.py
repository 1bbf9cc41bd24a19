"""Me, the roster of a cell and the organisations a committee oversees, for each role."""

import pytest

from members.models import MemberStatus
from members.services import member_change_status
from tests import factories as f


def test_me_gives_my_record_cells_and_roles(cast, api):
    body = api(cast.secretary).get("/api/v1/me/").json()
    assert body["username"] == "secretary" and body["member"]["full_name"] == "Trần Văn Bí"
    assert body["cells"] == [{"cell": {"id": str(cast.tree.a1.public_id), "name": "Chi bộ thôn Đông"},
                              "kind": "home", "role": "secretary", "start_date": "2015-01-01", "manages": True}]
    assert body["committee_seats"] == []


def test_me_shows_a_committee_members_seat(cast, api):
    seats = api(cast.committee).get("/api/v1/me/").json()["committee_seats"]
    assert [s["organization"]["name"] for s in seats] == ["Đảng bộ xã An Phú"]
    assert seats[0]["body"] == "standing_committee"


def test_me_for_an_account_without_a_member_record(cast, api):
    body = api(cast.admin).get("/api/v1/me/").json()
    assert body["member"] is None and body["cells"] == [] and body["is_superuser"] is True


# --- Roster ------------------------------------------------------------------------------------


def roster(client, cell, query=""):
    return client.get(f"/api/v1/cells/{cell.public_id}/members/{query}")


@pytest.mark.parametrize("who", ["secretary", "committee", "orgcom"])
def test_officers_and_overseers_read_the_roster(cast, api, who):
    body = roster(api(getattr(cast, who)), cast.tree.a1).json()
    # As the roster page lists them: the cell committee first, then by given name.
    assert [(m["full_name"], m["role"]) for m in body["results"]] == [("Trần Văn Bí", "secretary"), ("Lê Thị Hoa", "member")]


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_a_plain_member_and_an_outsider_get_404_for_the_roster(cast, api, who):
    response = roster(api(getattr(cast, who)), cast.tree.a1)
    assert response.status_code == 404


def test_the_roster_searches_without_accents_and_filters_by_status(cast, api):
    probationary = f.member(cast.tree.a1, name="Đặng Thị Mới", official=False, party_card_number="123456789012")
    client = api(cast.secretary)
    assert [m["full_name"] for m in roster(client, cast.tree.a1, "?q=dang moi").json()["results"]] == ["Đặng Thị Mới"]
    assert [m["full_name"] for m in roster(client, cast.tree.a1, "?q=789012").json()["results"]] == ["Đặng Thị Mới"]
    body = roster(client, cast.tree.a1, "?status=probationary").json()
    assert [m["id"] for m in body["results"]] == [str(probationary.public_id)]
    assert roster(client, cast.tree.a1, "?status=nope").status_code == 400


def test_the_roster_shows_who_is_away_and_who_attends_from_elsewhere(cast, api):
    import datetime as dt

    traveller = f.member(cast.tree.b1, name="Ngô Văn Đến")
    member_change_status(member=traveller, status=MemberStatus.TEMPORARY_TRANSFER, effective_date=dt.date(2025, 1, 1),
                         temporary_cell=cast.tree.a1)
    attending = roster(api(cast.secretary), cast.tree.a1, "?status=attending").json()["results"]
    assert [(m["full_name"], m["membership"], m["comes_from"]) for m in attending] == [
        ("Ngô Văn Đến", "temporary", "Chi bộ thôn Nam")]
    away = roster(api(cast.outsider), cast.tree.b1, "?status=away").json()["results"]
    assert [(m["full_name"], m["away_to"]) for m in away] == [("Ngô Văn Đến", "Chi bộ thôn Đông")]


def test_the_roster_leaves_out_members_who_left(cast, api):
    import datetime as dt

    gone = f.member(cast.tree.a1, name="Bùi Văn Chuyển")
    member_change_status(member=gone, status=MemberStatus.TRANSFERRED_OUT, effective_date=dt.date(2024, 1, 1))
    names = [m["full_name"] for m in roster(api(cast.secretary), cast.tree.a1).json()["results"]]
    assert "Bùi Văn Chuyển" not in names


# --- Organisations -----------------------------------------------------------------------------------


def test_a_committee_member_lists_their_organisation_and_its_cells(cast, api):
    client = api(cast.committee)
    orgs = client.get("/api/v1/organizations/").json()["results"]
    assert [(o["name"], o["is_cell"], o["parent"]["name"]) for o in orgs] == [("Đảng bộ xã An Phú", False, "Đảng bộ tỉnh Thử")]
    cells = client.get(f"/api/v1/organizations/{cast.tree.commune_a.public_id}/cells/").json()["results"]
    assert sorted(c["name"] for c in cells) == ["Chi bộ thôn Đoài", "Chi bộ thôn Đông"]


def test_a_committee_member_reads_a_cells_meetings_in_their_subtree_only(cast, api):
    from meetings.services.schedule import meeting_schedule

    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5))
    client = api(cast.committee)
    assert client.get(f"/api/v1/cells/{cast.tree.a1.public_id}/meetings/").json()["count"] == 1
    assert client.get(f"/api/v1/cells/{cast.tree.b1.public_id}/meetings/").status_code == 404


@pytest.mark.parametrize("who", ["member", "secretary", "outsider"])
def test_others_see_no_organisation_and_get_404_for_its_cells(cast, api, who):
    client = api(getattr(cast, who))
    assert client.get("/api/v1/organizations/").json()["count"] == 0
    assert client.get(f"/api/v1/organizations/{cast.tree.commune_a.public_id}/cells/").status_code == 404


def test_the_province_committee_sees_both_communes_cells(cast, api):
    client = api(cast.orgcom)
    cells = client.get(f"/api/v1/organizations/{cast.tree.province.public_id}/cells/").json()
    assert cells["count"] == 3
    assert api(cast.committee).get(f"/api/v1/organizations/{cast.tree.province.public_id}/cells/").status_code == 404


# --- Calendar address ---------------------------------------------------------------------------


def test_a_member_gets_their_calendar_address_and_can_reset_it(cast, api, client):
    api_client = api(cast.member)
    first = api_client.get("/api/v1/me/calendar/").json()
    assert first == api_client.get("/api/v1/me/calendar/").json()  # the same address every time
    assert "/calendar/" in first["url"] and first["url"].endswith(".ics")
    assert first["webcal_url"].startswith("webcal://")
    path = first["url"].split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    second = api_client.post("/api/v1/me/calendar/reset/").json()
    assert second["url"] != first["url"]
    assert client.get("/" + path).status_code == 404


def test_an_account_without_a_member_record_has_no_calendar(cast, api):
    response = api(cast.admin).get("/api/v1/me/calendar/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_the_calendar_address_is_the_members_own(cast, api):
    assert api(cast.member).get("/api/v1/me/calendar/").json() != api(cast.outsider).get("/api/v1/me/calendar/").json()
