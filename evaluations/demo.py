"""Demo data of the yearly evaluation: three past years decided (about 85 % of members and 95 %
of grassroots organisations good or excellent, as the seed district reported) and this year's
round in progress, in every grassroots organisation. Member rows go in with COPY (province
scale: about 400,000), the rest with bulk inserts; the roll-up is rebuilt at the end."""

import datetime as dt
import importlib
import uuid
from collections import defaultdict

from django.apps import apps
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from psycopg.types.json import Jsonb

from conduct.models import Discipline
from evaluations import figures, rules
from evaluations.models import EvaluationRound, EvaluationScheme, Level, MemberEvaluation, OrganizationEvaluation
from members.models import CommitteeSeat, Member, MemberStatus

# (level, weight, score range) of a decided year.
MEMBER_LEVELS = [(Level.EXCELLENT, 12, (90, 98)), (Level.GOOD, 73, (70, 89)), (Level.COMPLETED, 13, (50, 69)),
                 (Level.NOT_COMPLETED, 2, (35, 49))]
GRASSROOTS_LEVELS = [(Level.EXCELLENT, 14, (90, 97)), (Level.GOOD, 81, (70, 89)), (Level.COMPLETED, 4, (50, 69)),
                     (Level.NOT_COMPLETED, 1, (40, 49))]
CELL_LEVELS = [(Level.EXCELLENT, 13, (90, 97)), (Level.GOOD, 77, (70, 89)), (Level.COMPLETED, 8, (50, 69)),
               (Level.NOT_COMPLETED, 2, (40, 49))]
# This year's progress: not started, self-assessed, reviewed, decided.
PROGRESS_WEIGHTS = [45, 30, 15, 10]
SELF_TEXTS = ["Chấp hành tốt chủ trương, đường lối của Đảng; tham gia đầy đủ sinh hoạt chi bộ.",
              "Hoàn thành nhiệm vụ được giao; cần tích cực hơn trong phát biểu xây dựng nghị quyết.",
              "Gương mẫu nơi cư trú, đóng đảng phí đầy đủ, đúng hạn."]
MEMBER_COLUMNS = ["public_id", "round_id", "year", "member_id", "cell_id", "points", "score", "self_text",
                  "self_level", "self_assessed_at", "facts", "proposed_level", "review_note", "votes_for",
                  "official_members", "reviewed_at", "level", "decision_note", "decided_at"]


def _points(scheme_criteria, score: int) -> dict[str, int]:
    """Points per criterion adding up to `score`, spread in proportion to each maximum."""
    total = sum(points for _id, points in scheme_criteria)
    given = {str(pk): min(maximum, score * maximum // total) for pk, maximum in scheme_criteria}
    left = score - sum(given.values())
    for pk, maximum in scheme_criteria:
        extra = min(left, maximum - given[str(pk)])
        given[str(pk)] += extra
        left -= extra
    return given


def _level(rng, levels, *, disciplined: bool = False):
    level, _weight, (low, high) = rng.choices(levels, weights=[w for _l, w, _r in levels])[0]
    if disciplined and level == Level.EXCELLENT:
        level, low, high = Level.GOOD, 70, 89
    return level, rng.randint(low, high)


def seed(*, rng, today: dt.date, cells, members, scale: str) -> dict:
    """`cells` and `members` are demo.seeding's rows (_Cell, _Member). Returns counts."""
    del scale  # the shares do not depend on the scale
    # The national form of the migration; seed_demo --reset empties the table (TRUNCATE … CASCADE
    # from the organisations), so it is put back here when missing.
    importlib.import_module("evaluations.migrations.0002_national_scheme").create(apps, None)
    scheme = EvaluationScheme.objects.get(organization__isnull=True)
    criteria = [(c.pk, c.max_points) for c in scheme.criteria.all()]
    tz = timezone.get_current_timezone()
    points_of = {score: Jsonb(_points(criteria, score)) for score in range(scheme.total_points + 1)}
    no_points, no_facts = Jsonb({}), Jsonb({})

    def _aware(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)
    past = [today.year - 3, today.year - 2, today.year - 1]
    years = [*past, today.year]
    communes = sorted({cell.commune_id for cell in cells})
    cells_of = defaultdict(list)
    for cell in cells:
        cells_of[cell.commune_id].append(cell.id)
    commune_of = {cell.id: cell.commune_id for cell in cells}
    officials = defaultdict(int)
    for member in members:
        if member.status == MemberStatus.OFFICIAL:
            officials[member.cell_id] += 1
    disciplined = set(Discipline.objects.filter(decision_date__year__in=years)
                      .values_list("member_id", "decision_date__year"))

    def new_id():
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    rounds = EvaluationRound.objects.bulk_create([
        EvaluationRound(public_id=new_id(), organization_id=commune, year=year, scheme=scheme,
                        deadline=dt.date(year, 12, 20) if year < today.year else max(dt.date(year, 12, 20),
                                                                                       today + dt.timedelta(days=10)))
        for commune in communes for year in years])
    round_of = {(r.organization_id, r.year): r.pk for r in rounds}

    def member_rows():
        for member in members:
            if member.status not in rules.EVALUATED_STATUSES:
                continue
            for year in years:
                if member.admission.year > year:
                    continue
                level, score = _level(rng, MEMBER_LEVELS, disciplined=(member.id, year) in disciplined)
                step = 3 if year < today.year else rng.choices(range(4), weights=PROGRESS_WEIGHTS)[0]
                day = dt.date(year, 12, 1) if year < today.year else min(today, dt.date(year, 12, 1))
                official = officials[member.cell_id]
                votes = min(official, official // 2 + 1 + rng.randint(0, official // 2))
                yield (new_id(), round_of[commune_of[member.cell_id], year], year, member.id, member.cell_id,
                       points_of[score] if step else no_points, score if step else None,
                       rng.choice(SELF_TEXTS) if step else "", rules.level_for_score(score, scheme) if step else "",
                       _aware(day, 20) if step else None, no_facts,
                       level if step >= 2 else "", "", votes if step >= 2 else None,
                       official if step >= 2 else None, _aware(day, 21) if step >= 2 else None,
                       level if step == 3 else "", "", _aware(day, 22) if step == 3 else None)

    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {MemberEvaluation._meta.db_table} ({', '.join(MEMBER_COLUMNS)}) FROM STDIN") as copy:
            for row in member_rows():
                copy.write_row(row)
                count += 1

    # Who votes on an organisation's review: a cell's official members, a commune's committee.
    voters = dict(officials) | {row["organization_id"]: row["n"] for row in (
        CommitteeSeat.objects.current(today).filter(organization_id__in=communes).values("organization_id")
        .annotate(n=Count("member_id", distinct=True)))}
    units = []
    for commune in communes:
        for year in years:
            for org_id, levels in [(commune, GRASSROOTS_LEVELS), *((cell, CELL_LEVELS) for cell in cells_of[commune])]:
                level, score = _level(rng, levels)
                done = year < today.year
                step = 3 if done else rng.choices(range(4), weights=[55, 25, 10, 10])[0]
                day = dt.date(year, 12, 5) if done else min(today, dt.date(year, 12, 5))
                base, reviewed = voters.get(org_id, 0), step >= 2
                units.append(OrganizationEvaluation(
                    public_id=new_id(), round_id=round_of[commune, year], year=year, organization_id=org_id,
                    points=_points(criteria, score) if step else {}, score=score if step else None,
                    self_level=rules.level_for_score(score, scheme) if step else "",
                    self_assessed_at=_aware(day, 9) if step else None,
                    proposed_level=level if reviewed else "", votes_for=min(base, base // 2 + 1) if reviewed else None,
                    official_members=base if reviewed else None, reviewed_at=_aware(day, 19) if reviewed else None,
                    level=level if step == 3 else "", decided_at=_aware(day + dt.timedelta(days=10), 9) if step == 3 else None))
    OrganizationEvaluation.objects.bulk_create(units, batch_size=2000)
    # The demo member has this year's self-assessment still to do.
    MemberEvaluation.objects.filter(year=today.year, member__in=Member.objects.filter(
        user__username="demo.member")).update(
        points={}, score=None, self_text="", self_level="", self_assessed_at=None, proposed_level="",
        votes_for=None, official_members=None, reviewed_at=None, level="", decided_at=None)
    figures.rebuild(years=years)
    return {"member_evaluations": count, "organization_evaluations": len(units)}
