"""Who sees and changes a petition: the sender cell's officers, the committees above it; nobody else (404)."""

import pytest
from django.urls import reverse

from petitions.services import petition_forward, petition_resolve
from tests import factories as f


def _pages(cast, petition):
    org, cell = cast.tree.commune_a.public_id, cast.tree.a1.public_id
    return [
        ("get", reverse("petitions_sent", kwargs={"org_id": cell})),
        ("get", reverse("petition_new", kwargs={"org_id": cell})),
        ("post", reverse("petition_new", kwargs={"org_id": cell})),
        ("get", reverse("petition_detail", kwargs={"petition_id": petition.public_id})),
        ("post", reverse("petition_act", kwargs={"petition_id": petition.public_id, "action": "answer"})),
        ("get", reverse("petition_reopen", kwargs={"petition_id": petition.public_id})),
        ("post", reverse("petition_reopen", kwargs={"petition_id": petition.public_id})),
        ("get", reverse("petitions_committee", kwargs={"org_id": org})),
        ("get", reverse("petitions_export", kwargs={"org_id": org})),
        ("get", reverse("petitions_dashboard_card", kwargs={"org_id": org})),
        ("get", reverse("api_petition_detail", kwargs={"petition_id": petition.public_id})),
        ("post", reverse("api_petition_act", kwargs={"petition_id": petition.public_id})),
        ("get", reverse("api_organization_petitions", kwargs={"organization_id": cell})),
        ("post", reverse("api_organization_petitions", kwargs={"organization_id": cell})),
        ("get", reverse("api_organization_petitions_received", kwargs={"organization_id": org})),
        ("get", reverse("api_organization_petition_figures", kwargs={"organization_id": org})),
    ]


@pytest.mark.parametrize("who", ["outsider", "member", "other_committee"])
def test_outsiders_get_a_404_on_every_page_and_endpoint(cast, petition, login, who):
    if who == "other_committee":
        person = f.member(cast.tree.b1, name="Đinh Văn Khác", username="other")
        f.seat(person, cast.tree.commune_b)
    else:
        person = getattr(cast, who)
    client = login(person)
    for method, url in _pages(cast, petition):
        response = getattr(client, method)(url, {"action": "answer", "text": "x"} if method == "post" else None,
                                           **({"content_type": "application/json"} if "/api/" in url and method == "post" else {}))
        assert response.status_code == 404, (method, url, response.status_code)
    assert client.get(reverse("api_petitions")).json()["count"] == 0


def test_an_outsider_sees_no_attachment_of_the_petition(cast, categories, media, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.petitions.conftest import raise_petition

    petition = raise_petition(cast.tree.a1, cast.secretary, categories["petition"],
                              attachments=[SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")])
    url = reverse("petition_file", kwargs={"attachment_id": petition.attachments.get().public_id})
    assert login(cast.outsider).get(url).status_code == 404
    assert login(cast.secretary).get(url).status_code == 200


def test_the_sender_the_commune_and_the_province_see_it(cast, petition, login):
    url = reverse("petition_detail", kwargs={"petition_id": petition.public_id})
    for who in ("secretary", "committee", "orgcom", "admin"):
        assert login(getattr(cast, who)).get(url).status_code == 200, who


def test_the_sender_cannot_act_on_its_own_petition(cast, petition, login):
    url = reverse("petition_act", kwargs={"petition_id": petition.public_id, "action": "resolve"})
    assert login(cast.secretary).post(url, {"resolve-text": "Tự giải quyết"}).status_code == 404


def test_once_forwarded_the_commune_reads_it_but_only_the_province_acts(cast, petition, login):
    petition_forward(petition=petition, actor=cast.committee.user)
    url = reverse("petition_act", kwargs={"petition_id": petition.public_id, "action": "answer"})
    assert login(cast.committee).post(url, {"answer-text": "Trả lời"}).status_code == 404
    detail = reverse("petition_detail", kwargs={"petition_id": petition.public_id})
    assert login(cast.committee).get(detail).status_code == 200
    assert login(cast.orgcom).post(url, {"answer-text": "Tỉnh trả lời"}).status_code == 302


def test_a_committee_cannot_reopen_what_a_cell_raised(cast, petition, login):
    petition_resolve(petition=petition, actor=cast.committee.user, text="Xong")
    url = reverse("petition_reopen", kwargs={"petition_id": petition.public_id})
    assert login(cast.committee).post(url, {"reason": "Không"}).status_code == 404
    assert login(cast.secretary).post(url, {"reason": "Chưa thỏa đáng"}).status_code == 302


def test_the_header_link_and_the_start_page_are_for_officers_only(cast, login):
    home = reverse("petitions_home")
    assert login(cast.member).get(home).status_code == 404
    assert home not in login(cast.member).get(reverse("home")).content.decode()
    page = login(cast.secretary).get(home).content.decode()
    assert reverse("petition_new", kwargs={"org_id": cast.tree.a1.public_id}) in page
    assert reverse("petitions_committee", kwargs={"org_id": cast.tree.commune_a.public_id}) not in page
    committee = login(cast.committee).get(home).content.decode()
    assert reverse("petitions_committee", kwargs={"org_id": cast.tree.commune_a.public_id}) in committee
    assert reverse("petition_new", kwargs={"org_id": cast.tree.commune_a.public_id}) in committee  # raises to the province
    assert f'href="{home}"' in login(cast.secretary).get(reverse("home")).content.decode()
