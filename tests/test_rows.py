"""common.rows.model_row: instances from plain statements load the fields read and defer the rest."""

import pytest
from django.db import connection

from common.rows import model_row
from members.models import Member
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_field_not_read_is_loaded_from_the_database_when_asked_for_never_made_up(tree):
    stored = f.member(tree.a1, name="Lê Thị Hoa")
    member = model_row(Member, connection.alias, id=stored.pk, full_name="Lê Thị Hoa")
    assert member.full_name == "Lê Thị Hoa" and member.get_deferred_fields()
    assert member.public_id == stored.public_id  # deferred: read when asked for, not a default


def test_a_name_that_is_not_a_field_is_refused():
    with pytest.raises(ValueError, match="colour"):
        model_row(Member, connection.alias, id=1, colour="đỏ")
