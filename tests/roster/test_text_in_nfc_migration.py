"""Names stored in decomposed form (NFD) before input was normalised are rewritten in NFC by
members' migration 0003: found by search again, without a history row per record."""

import importlib
import unicodedata

import pghistory.models
import pytest
from django.apps import apps
from django.db import connection

from members.models import Member, User
from members.selectors import roster_memberships
from tests import factories as f

migration = importlib.import_module("members.migrations.0003_text_in_nfc")

NAME = "Nguyễn Thị Ánh"
NFD = unicodedata.normalize("NFD", NAME)


def _store_as_typed_long_ago(member, **columns):
    # Straight to the table: the services normalise, which is what the old rows missed.
    Member.objects.filter(pk=member.pk).update(**columns)


def _run(batch=migration.BATCH):
    with connection.schema_editor() as editor:
        return migration.text_to_nfc(apps, editor, batch=batch)


@pytest.fixture
def decomposed(cast):
    member = f.member(cast.tree.a1, name="Tạm", username="anh")
    _store_as_typed_long_ago(member, full_name=NFD, workplace=unicodedata.normalize("NFD", "Hợp tác xã Đông"),
                             religion=unicodedata.normalize("NFD", "Phật giáo"))
    User.objects.filter(pk=member.user_id).update(first_name=unicodedata.normalize("NFD", "Ánh"))
    return member


def test_a_name_stored_in_nfd_is_not_found_by_its_search_column_before(decomposed):
    assert not Member.objects.filter(search_name="nguyen thi anh").exists()


def test_the_migration_rewrites_the_text_in_nfc_and_search_finds_it(decomposed):
    counts = _run()
    decomposed.refresh_from_db()
    assert decomposed.full_name == NAME and unicodedata.is_normalized("NFC", decomposed.full_name)
    assert decomposed.workplace == "Hợp tác xã Đông" and decomposed.religion == "Phật giáo"
    assert User.objects.get(pk=decomposed.user_id).first_name == "Ánh"
    assert decomposed.search_name == "nguyen thi anh"  # the generated column followed
    assert counts == {"members_member": 1, "members_user": 1}


def test_the_roster_search_finds_the_member_after_the_migration(cast, decomposed):
    _run()
    found = roster_memberships(cast.tree.a1, query="Ánh")
    assert decomposed.pk in {m.member_id for m in found}


def _events(member):
    return pghistory.models.Events.objects.tracks(member).count()


def test_only_rows_that_change_are_written_and_no_history_is_added(cast, decomposed):
    untouched = cast.member.updated_at
    events = _events(decomposed)
    _run()
    cast.member.refresh_from_db()
    assert cast.member.updated_at == untouched
    assert _events(decomposed) == events


def test_the_migration_works_in_small_batches_and_again_changes_nothing(cast, fill_cell):
    members = fill_cell(cast.tree.a2, 5)
    for member in members:
        _store_as_typed_long_ago(member, full_name=unicodedata.normalize("NFD", f"Đỗ Thị Ngọc {member.pk}"))
    assert _run(batch=2)["members_member"] == 5
    assert _run(batch=2)["members_member"] == 0
    assert all(unicodedata.is_normalized("NFC", name) for name in Member.objects.values_list("full_name", flat=True))
