import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cells.models import Organization
from cells.selectors import organization_ancestors, organization_cells, organization_settings
from cells.services import organization_move, organization_update
from tests import factories as f


def test_paths_name_every_ancestor(tree):
    assert tree.a1.path == f"/{tree.province.pk}/{tree.commune_a.pk}/{tree.a1.pk}/"
    assert tree.a1.depth == 2
    assert tree.a1.ancestor_ids == [tree.province.pk, tree.commune_a.pk]
    assert [o.pk for o in organization_ancestors(tree.a1)] == [tree.province.pk, tree.commune_a.pk]


def test_subtree_holds_every_cell_under_a_commune_and_nothing_else(tree):
    assert set(organization_cells(tree.commune_a)) == {tree.a1, tree.a2}
    assert set(Organization.objects.subtree(tree.province).cells()) == {tree.a1, tree.a2, tree.b1}
    assert set(Organization.objects.subtree(tree.commune_a, include_self=False)) == {tree.a1, tree.a2}


def test_the_tree_may_be_any_depth(tree):
    parent = tree.province
    for depth in range(8):
        parent = f.org(f"Cấp {depth}", kind=Organization.Kind.DISTRICT if depth == 0 else Organization.Kind.GRASSROOTS_COMMITTEE, parent=parent) if depth < 2 else parent
    deep = f.org("Đảng bộ bộ phận", kind=Organization.Kind.PARTIAL_COMMITTEE, parent=parent)
    cell = f.org("Chi bộ sâu", parent=deep)
    group = f.org("Tổ đảng 1", kind=Organization.Kind.PARTY_GROUP, parent=cell)
    assert group.depth == 5
    assert group in Organization.objects.subtree(tree.province)


def test_subtree_query_is_an_index_scan(tree):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = Organization.objects.subtree(tree.commune_a).query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The planner may pick a plain or a bitmap index scan, and either the btree on
    # path or its pattern-ops twin, depending on table statistics; what matters is an
    # index on path searched by a prefix range, never a sequential scan.
    assert "Seq Scan" not in plan
    assert re.search(r"(Index Scan using|Bitmap Index Scan on) cells_organization_path", plan), plan
    assert re.search(r"Index Cond: \(\(\(path\)::text (>=|~>=~) ", plan), plan


def test_a_cell_cannot_stand_directly_under_a_province(tree):
    with pytest.raises(ValidationError):
        f.org("Chi bộ lạc chỗ", parent=tree.province)


def test_moving_a_commune_moves_its_whole_subtree(tree):
    # 2025: the district level is abolished, its communes move under the province.
    district = f.org("Đảng bộ huyện cũ", kind=Organization.Kind.DISTRICT, parent=tree.province)
    commune = f.org("Đảng bộ xã Dời", kind=Organization.Kind.GRASSROOTS_COMMITTEE, parent=district)
    cell = f.org("Chi bộ Dời", parent=commune)
    organization_move(org=commune, new_parent=tree.province)
    cell.refresh_from_db()
    assert cell.path == f"/{tree.province.pk}/{commune.pk}/{cell.pk}/"
    assert cell.depth == 2
    assert commune.parent_id == tree.province.pk
    assert cell not in Organization.objects.subtree(district)


def test_an_organisation_cannot_move_under_itself(tree):
    with pytest.raises(ValidationError):
        organization_move(org=tree.commune_a, new_parent=tree.a1)


def test_settings_are_inherited_from_the_nearest_ancestor(tree):
    assert organization_settings(tree.a1).regular_meeting_day == 5
    organization_update(org=tree.commune_a, regular_meeting_day=10)
    assert organization_settings(tree.a1).regular_meeting_day == 10
    organization_update(org=tree.a1, regular_meeting_day=1)
    assert organization_settings(tree.a1).regular_meeting_day == 1


def test_a_meeting_day_after_the_28th_is_refused(tree):
    with pytest.raises(ValidationError):
        organization_update(org=tree.a1, regular_meeting_day=31)
