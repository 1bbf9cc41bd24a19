"""Demo data for the admissions register: each grassroots organisation's plan for this year and
last, the candidacy behind every admission of the last twelve months, and candidates still in
preparation in about a third of the cells. Bulk inserts only (seconds at district scale)."""

import datetime as dt
from collections import defaultdict

from admissions.models import AdmissionPlan, Candidate, Step
from demo import names
from members import rules
from members.models import Member, MemberStatus

# Days before the ceremony each earlier step was taken (a typical year of preparation).
STEP_DAYS_BEFORE = {"registered_on": 320, "course_on": 260, "sponsors_on": 150, "vote_on": 90, "decision_on": 40}
OPEN_STAGES = (Step.REGISTERED, Step.COURSE, Step.SPONSORS, Step.VOTE, Step.DECISION)


def _plan(rng, organization_id: int, year: int, admissions: list[set[str]]) -> AdmissionPlan:
    # The plan was set at the start of the year: the result lands around it (the seed district
    # reached 107.4 %).
    actual = len(admissions)
    target = max(1, round(actual / rng.uniform(0.85, 1.2)))
    counts = defaultdict(int)
    for categories in admissions:
        for key in categories:
            counts[key] += 1
    plan = AdmissionPlan(organization_id=organization_id, year=year, target=target)
    for key in (rules.AdmissionCategory.NON_STATE, rules.AdmissionCategory.RELIGIOUS, rules.AdmissionCategory.YOUNG):
        setattr(plan, f"target_{key}", min(target, max(0, round(counts[key] / rng.uniform(0.8, 1.2)))))
    return plan


def _sponsors(rng, officials: list, before: dt.date) -> tuple[int, int] | None:
    eligible = [m.id for m in officials if m.official_date and m.official_date < before]
    return tuple(rng.sample(eligible, 2)) if len(eligible) >= 2 else None


def seed(*, rng, today: dt.date, cells, members, scale) -> dict:
    """`cells` and `members` are demo.seeding's rows (_Cell, _Member). Returns counts."""
    commune_of = {cell.id: cell.commune_id for cell in cells}
    officials = defaultdict(list)
    for m in members:
        if m.official:
            officials[m.cell_id].append(m)

    recent = [m for m in members if m.status == MemberStatus.PROBATIONARY]
    counted = [m for m in members if m.admission.year >= today.year - 1]
    wanted = {m.id for m in recent} | {m.id for m in counted}
    records = {row["id"]: row for row in Member.objects.filter(pk__in=wanted).values(
        "id", "full_name", "date_of_birth", "gender", "ethnicity", "religion", "workplace_kind", "workplace",
        "phone")}
    by_year = defaultdict(list)  # (commune, year) -> [categories of each admission]
    candidates = []
    for m in recent:
        record = records.get(m.id)
        if record is None or record["date_of_birth"] is None:
            continue
        sponsors = _sponsors(rng, officials[m.cell_id], m.admission - dt.timedelta(days=150))
        if sponsors is None:
            continue
        dates = {field: m.admission - dt.timedelta(days=days) for field, days in STEP_DAYS_BEFORE.items()}
        candidates.append(Candidate(
            cell_id=m.cell_id, stage=Step.CEREMONY, member_id=m.id, ceremony_on=m.admission,
            full_name=record["full_name"], date_of_birth=record["date_of_birth"], gender=record["gender"] or "male",
            ethnicity=record["ethnicity"], religion=record["religion"], workplace_kind=record["workplace_kind"],
            workplace=record["workplace"], phone=record["phone"], course_certificate=f"CN-{rng.randint(100, 9999)}",
            sponsor_1_id=sponsors[0], sponsor_2_id=sponsors[1], votes_for=rng.randint(6, 12), votes_against=0,
            official_members=12, decision_number=f"{rng.randint(10, 400)}-QĐ/ĐU",
            decision_organization_id=commune_of[m.cell_id], **dates,
        ))
    for m in counted:
        record = records.get(m.id)
        if record is not None:
            by_year[(commune_of[m.cell_id], m.admission.year)].append(rules.admission_categories(
                date_of_birth=record["date_of_birth"], gender=record["gender"], ethnicity=record["ethnicity"],
                religion=record["religion"], workplace_kind=record["workplace_kind"], admitted_on=m.admission))

    # Candidates still in preparation: one in about a third of the cells, at a step of their way.
    for cell in cells:
        if rng.random() > 0.33 or len(officials[cell.id]) < 2:
            continue
        gender = "female" if rng.random() < 0.45 else "male"
        middle, given = (names.MIDDLE_FEMALE, names.GIVEN_FEMALE) if gender == "female" else (
            names.MIDDLE_MALE, names.GIVEN_MALE)
        stage = rng.choice(OPEN_STAGES)
        registered = today - dt.timedelta(days=rng.randint(200, 330))
        candidate = Candidate(
            cell_id=cell.id, stage=stage, registered_on=registered, gender=gender,
            full_name=f"{rng.choice(names.SURNAMES)[0]} {rng.choice(middle)} {rng.choice(given)}",
            date_of_birth=today - dt.timedelta(days=rng.randint(19 * 365, 35 * 365)),
            workplace_kind=rng.choice(["other", "non_state", "state"]),
        )
        reached = OPEN_STAGES.index(stage)
        if reached >= 1:
            candidate.course_on, candidate.course_certificate = registered + dt.timedelta(days=60), "CN-2026"
        if reached >= 2:
            candidate.sponsors_on = registered + dt.timedelta(days=120)
            sponsors = _sponsors(rng, officials[cell.id], candidate.sponsors_on)
            if sponsors is None:
                candidate.stage, candidate.sponsors_on = Step.COURSE, None
                reached = 1
            else:
                candidate.sponsor_1_id, candidate.sponsor_2_id = sponsors
        if reached >= 3:
            candidate.vote_on, candidate.votes_for, candidate.votes_against = (
                registered + dt.timedelta(days=150), 9, 1)
            candidate.official_members = 12
        if reached >= 4:
            candidate.decision_on = registered + dt.timedelta(days=180)
            candidate.decision_number = f"{rng.randint(10, 400)}-QĐ/ĐU"
            candidate.decision_organization_id = cell.commune_id
        candidates.append(candidate)
    Candidate.objects.bulk_create(candidates, batch_size=2000)

    communes = sorted(set(commune_of.values()))
    plans = [_plan(rng, commune, year, by_year[(commune, year)])
             for commune in communes for year in (today.year - 1, today.year)]
    AdmissionPlan.objects.bulk_create(plans, batch_size=2000)
    return {"candidates": len(candidates), "plans": len(plans)}
