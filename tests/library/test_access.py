"""Members see exactly what reached them: their cells' documents and those from above, the
committees their subtree's; an outsider gets a 404 and the search never shows it."""

import pytest
from django.urls import reverse

from library import selectors
from members.access import scope_for
from tests.library.conftest import pdf_upload, put


@pytest.fixture
def shelves(cast):
    return {
        "province": put("province", cast.tree.province),
        "commune_a": put("commune_a", cast.tree.commune_a),
        "a1": put("a1", cast.tree.a1),
        "a2": put("a2", cast.tree.a2),
        "commune_b": put("commune_b", cast.tree.commune_b),
        "b1": put("b1", cast.tree.b1, file=pdf_upload()),
    }


def _visible(user):
    return {e.source_key for e in selectors.entries_visible(scope_for(user))}


def test_a_member_sees_their_cell_and_every_level_above_it(cast, shelves):
    assert _visible(cast.member.user) == {"province", "commune_a", "a1"}


def test_a_commune_committee_sees_its_subtree_and_the_levels_above(cast, shelves):
    assert _visible(cast.committee.user) == {"province", "commune_a", "a1", "a2"}


def test_the_province_committee_sees_everything_under_it(cast, shelves):
    assert _visible(cast.orgcom.user) == set(shelves)


def test_the_superuser_sees_everything(cast, shelves):
    assert _visible(cast.admin) == set(shelves)


def test_an_account_without_a_cell_sees_nothing(cast, shelves):
    from tests import factories as f

    assert _visible(f.user("lonely")) == set()


def test_an_outsider_gets_404_for_the_page_the_file_and_the_bookmark(cast, shelves, login):
    entry = shelves["b1"]
    client = login(cast.member)
    for name in ("library_entry", "library_file"):
        assert client.get(reverse(name, args=[entry.public_id])).status_code == 404
    assert client.post(reverse("library_bookmark", args=[entry.public_id])).status_code == 404
    assert not entry.bookmarks.exists()


def test_the_search_never_shows_an_outsiders_document(cast, shelves, login):
    response = login(cast.member).get(reverse("library"), {"q": "nghi quyet"})
    keys = {e.source_key for e in response.context["entries"]}
    assert keys == {"province", "commune_a", "a1"}


def test_another_organisations_library_is_404(cast, shelves, login):
    response = login(cast.member).get(reverse("library"), {"org": cast.tree.b1.public_id})
    assert response.status_code == 404
    assert login(cast.member).get(reverse("library"), {"org": "not-a-uuid"}).status_code == 404


def test_only_a_committee_posts_for_its_organisation(cast, login):
    url = reverse("library_upload", args=[cast.tree.commune_a.public_id])
    assert login(cast.member).get(url).status_code == 404
    assert login(cast.orgcom).get(url).status_code == 404  # a seat above opens reading, not posting here
    assert login(cast.committee).get(url).status_code == 200


def test_only_the_posting_committee_takes_an_upload_out(cast, login):
    from library.services import directive_upload
    from tests.library.conftest import DAY

    entry = directive_upload(organization=cast.tree.commune_a, upload=pdf_upload(), title="Kế hoạch",
                             issued_by="Đảng ủy xã", issued_on=DAY)
    url = reverse("library_remove", args=[entry.public_id])
    assert login(cast.member).post(url).status_code == 404
    assert login(cast.committee).post(url).status_code == 302
    assert not type(entry).objects.filter(pk=entry.pk).exists()
