"""The evaluation roll-up (`EvaluationYear`): counts per organisation and year, summed up the tree.

A member's evaluation hangs on its cell (the home cell when the round opened), an
organisation's on the organisation itself. Each node's own counts are read with two grouped
queries through the progress rule's SQL twin (`rules.progress_sql`); a rebuild adds them to
every id of the node's path; a refresh recomputes one chain from its nodes' own counts and
the stored rows of the children beside it (never adds to a stored row).
"""

from collections import defaultdict

from django.db import connection, transaction
from django.db.models import F, Min
from django.utils import timezone

from cells.models import Organization
from evaluations.models import EvaluationYear, Level, MemberEvaluation
from evaluations.rules import DECIDED, NOT_STARTED, progress_sql

GROUPS = ("members", "grassroots", "cells")
STEPS = ("self_assessed", "reviewed", "decided")
LEVEL_KEYS = tuple(Level.values)
COLUMNS = [f"{group}_{key}" for group in GROUPS for key in ("expected", *STEPS, *LEVEL_KEYS)]
_LOCK = 0x6576616C  # "eval"
_GRASSROOTS_SQL = ", ".join(f"'{kind}'" for kind in Organization.GRASSROOTS_KINDS)

_MEMBERS_SQL = f"""
SELECT e.cell_id, o.path, e.year, 'members', {progress_sql("e")}, e.level, count(*)
  FROM evaluations_memberevaluation e JOIN cells_organization o ON o.id = e.cell_id
 WHERE e.year = ANY(%(years)s) {{nodes}}
 GROUP BY 1, 2, 3, 4, 5, 6
"""
_ORGANIZATIONS_SQL = f"""
SELECT e.organization_id, o.path, e.year,
       CASE WHEN o.kind IN ({_GRASSROOTS_SQL}) THEN 'grassroots' ELSE 'cells' END,
       {progress_sql("e")}, e.level, count(*)
  FROM evaluations_organizationevaluation e JOIN cells_organization o ON o.id = e.organization_id
 WHERE e.year = ANY(%(years)s) {{nodes}}
 GROUP BY 1, 2, 3, 4, 5, 6
"""


def _empty() -> dict[str, int]:
    return dict.fromkeys(COLUMNS, 0)


def _add(target: dict[str, int], other: dict[str, int]) -> None:
    for key, value in other.items():
        target[key] += value


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/")]


def own_counts(years: list[int], node_ids: list[int] | None = None
               ) -> tuple[dict[tuple[int, int], dict[str, int]], dict[int, str]]:
    """{(node id, year): counts} of the evaluations hanging on each node, and the nodes' paths."""
    nodes: dict[tuple[int, int], dict[str, int]] = defaultdict(_empty)
    paths: dict[int, str] = {}
    column = {"members": "e.cell_id", "organizations": "e.organization_id"}
    with connection.cursor() as cursor:
        for kind, sql in (("members", _MEMBERS_SQL), ("organizations", _ORGANIZATIONS_SQL)):
            nodes_sql = "" if node_ids is None else f"AND {column[kind]} = ANY(%(nodes)s)"
            cursor.execute(sql.format(nodes=nodes_sql), {"years": years, "nodes": node_ids})
            for node_id, path, year, group, step, level, count in cursor.fetchall():
                paths[node_id] = path
                counts = nodes[node_id, year]
                counts[f"{group}_expected"] += count
                if step != NOT_STARTED:
                    counts[f"{group}_{step}"] += count
                if step == DECIDED and level:
                    counts[f"{group}_{level}"] += count
    return nodes, paths


def _write(rows: dict[tuple[int, int], dict[str, int]], *, years: list[int], organization_ids: list[int] | None):
    stale = EvaluationYear.objects.filter(year__in=years)
    if organization_ids is not None:
        stale = stale.filter(organization_id__in=organization_ids)
    stale.delete()
    EvaluationYear.objects.bulk_create(
        [EvaluationYear(organization_id=org_id, year=year, **counts)
         for (org_id, year), counts in rows.items() if any(counts.values())],
        batch_size=2000,
    )


def evaluation_years() -> list[int]:
    first = MemberEvaluation.objects.aggregate(first=Min("year"))["first"]
    this_year = timezone.localdate().year
    return list(range(first or this_year, this_year + 1))


@transaction.atomic
def rebuild(*, years: list[int] | None = None) -> None:
    """Recompute every EvaluationYear row of `years` (default: every year with evaluations)."""
    years = years or evaluation_years()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [_LOCK])
    nodes, paths = own_counts(years)
    rows: dict[tuple[int, int], dict[str, int]] = defaultdict(_empty)
    for (node_id, year), counts in nodes.items():
        for org_id in _path_ids(paths[node_id]):
            _add(rows[org_id, year], counts)
    _write(rows, years=years, organization_ids=None)


@transaction.atomic
def refresh(*, organization_id: int, year: int) -> bool:
    """Recompute the year for the organisation an evaluation hangs on and its ancestors, each
    from its own counts and the stored rows of its other children. False when it is gone."""
    org = Organization.objects.filter(pk=organization_id).only("path").first()
    if org is None:
        return False
    chain = _path_ids(org.path)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK, chain[0] % 2**31])
    nodes, _paths = own_counts([year], chain)
    rows: dict[tuple[int, int], dict[str, int]] = defaultdict(_empty)
    beside = (EvaluationYear.objects.filter(organization__parent_id__in=chain, year=year)
              .exclude(organization_id__in=chain).annotate(parent_id=F("organization__parent_id")))
    for row in beside:
        _add(rows[row.parent_id, year], {key: getattr(row, key) for key in COLUMNS})
    for depth in range(len(chain) - 1, -1, -1):
        counts = rows[chain[depth], year]
        _add(counts, nodes.get((chain[depth], year), _empty()))
        if depth:
            _add(rows[chain[depth - 1], year], counts)
    _write({key: value for key, value in rows.items() if key[0] in chain}, years=[year], organization_ids=chain)
    return True
