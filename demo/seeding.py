"""Build a realistic, deterministic demo organisation with bulk COPY.

One random generator seeded by `--seed` drives every choice, so a seed always gives the
same tree, people and meetings (dates are relative to today). Rows are streamed with
PostgreSQL COPY, and row triggers (the audit history) are switched off for the load
when the database role may do so: demo data is not history.
"""

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from cells.models import Organization
from common.months import add_months, month_start, months_between
from demo import names
from meetings.models import Attendance, DraftResolution, Meeting
from members.models import CellMembership, CommitteeSeat, MemberStatus, Role

SCALES = {
    # scale: (district level?, grassroots organisations, cells per organisation, members per cell)
    "commune": (False, 1, (12, 12), (12, 30)),
    "district": (True, 30, (8, 12), (25, 42)),
    "province": (False, 100, (45, 55), (15, 25)),
}
DEMO_MEMBER_PHONE = "0912 345 678"
DEMO_USERS = ("demo.admin", "demo.committee", "demo.secretary", "demo.member", "demo.province")


@dataclass
class SeedResult:
    minutes: int = 0
    documents: int = 0
    organizations: int = 0
    cells: int = 0
    members: int = 0
    accounts: int = 0
    meetings: int = 0
    attendances: int = 0
    demo_cell: str = ""
    demo_commune: str = ""


@dataclass
class _Member:
    id: int
    cell_id: int
    official: bool
    admission: dt.date
    official_date: dt.date | None
    status: str
    chronic: bool = False
    user_id: int | None = None
    temp_cell_id: int | None = None
    temp_from: dt.date | None = None
    exempt_from: dt.date | None = None


@dataclass
class _Cell:
    id: int
    commune_id: int
    name: str
    agency: bool
    troubled: bool
    members: list = field(default_factory=list)
    secretary_user_id: int | None = None


def _ids(table: str, count: int) -> list[int]:
    if count == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [count]
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(table: str, columns: list[str], rows) -> int:
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def demo_loaded() -> bool:
    from members.models import User

    return User.objects.filter(username="demo.admin").exists()


def reset_all() -> None:
    """Empty every table of the handbook's own data (used by --reset)."""
    tables = [
        Attendance._meta.db_table, Meeting._meta.db_table, CommitteeSeat._meta.db_table,
        CellMembership._meta.db_table, "members_memberstatuschange", "members_member",
        Organization._meta.db_table, "members_user",
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE '%%event'"
        )
        events = [row[0] for row in cursor.fetchall()]
        if events:
            cursor.execute(f"TRUNCATE {', '.join(events)}")


class Seeder:
    def __init__(self, *, scale: str, seed: int, password: str, today: dt.date | None = None, log=print):
        self.scale, self.seed, self.password, self.log = scale, seed, password, log
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.result = SeedResult()
        self.card_seq = 0
        self.tz = timezone.get_current_timezone()

    # --- helpers -----------------------------------------------------------------------
    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def aware(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    def person_name(self, gender: str) -> str:
        surname = _weighted(self.rng, names.SURNAMES)
        if gender == "male":
            return f"{surname} {self.rng.choice(names.MIDDLE_MALE)} {self.rng.choice(names.GIVEN_MALE)}"
        return f"{surname} {self.rng.choice(names.MIDDLE_FEMALE)} {self.rng.choice(names.GIVEN_FEMALE)}"

    # --- the run ---------------------------------------------------------------------------
    @transaction.atomic
    def run(self) -> SeedResult:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                # Skip row triggers (audit events, FK checks) for the bulk load only.
                cursor.execute("SET LOCAL session_replication_role = replica")
        self.build_tree()
        self.build_members()
        self.build_accounts()
        self.build_meetings()
        self.build_demo_reminder_meeting()
        self.build_demo_accounts()
        self.build_demo_discussion()
        self.build_registers()
        if self.scale == "province":
            self.build_demo_merge()
        with connection.cursor() as cursor:
            # COPY leaves the planner without statistics; plans are bad until autovacuum runs.
            cursor.execute("ANALYZE")
        return self.result

    def build_demo_merge(self) -> None:
        """Two communes merged on 1 July of last year (the 2025 reform), through the service:
        the second closes, stands under the first with its history, and its cells move."""
        from members.services_tree import organizations_merge

        *_, target_id, source_id = self.communes
        target, source = Organization.objects.get(pk=target_id), Organization.objects.get(pk=source_id)
        organizations_merge(sources=[source], target=target, on=dt.date(self.today.year - 1, 7, 1))

    def build_registers(self) -> None:
        """The member registers, each seeded by its own app."""
        from admissions import demo as admissions_demo
        from conduct import demo as conduct_demo
        from consultations import demo as consultations_demo
        from evaluations import demo as evaluations_demo
        from fees import demo as fees_demo
        from library import demo as library_demo
        from petitions import demo as petitions_demo

        admissions_demo.seed(rng=self.rng, today=self.today, cells=self.cells, members=self.members, scale=self.scale)
        conduct_demo.seed(rng=self.rng, today=self.today, cells=self.cells, members=self.members, scale=self.scale)
        consultations_demo.seed(rng=self.rng, today=self.today, cells=self.cells, members=self.members,
                                scale=self.scale)
        fees_demo.seed(rng=self.rng, today=self.today, cells=self.cells, members=self.members, scale=self.scale)
        evaluations_demo.seed(rng=self.rng, today=self.today, cells=self.cells, members=self.members,
                              scale=self.scale)
        # The library indexes what the meetings hold, and adds directives from above.
        library_demo.seed(rng=self.rng, today=self.today, cells=self.cells, members=self.members, scale=self.scale)
        petitions_demo.seed(rng=self.rng, today=self.today, cells=self.cells, members=self.members, scale=self.scale)

    def build_tree(self) -> None:
        with_district, n_grassroots, cells_range, _ = SCALES[self.scale]
        rng = self.rng
        rows = []
        province_id, = _ids("cells_organization", 1)
        rows.append((province_id, None, Organization.Kind.PROVINCE, "Đảng bộ tỉnh Sơn Hà", f"/{province_id}/", 0, 5))
        top_id, top_path, top_depth = province_id, f"/{province_id}/", 0
        if with_district:
            district_id, = _ids("cells_organization", 1)
            rows.append((district_id, province_id, Organization.Kind.DISTRICT, "Đảng bộ huyện Tân Lạc",
                         f"{top_path}{district_id}/", 1, None))
            top_id, top_path, top_depth = district_id, f"{top_path}{district_id}/", 1
        self.cells: list[_Cell] = []
        self.communes: list[int] = []
        commune_ids = _ids("cells_organization", n_grassroots)
        used_names = set()
        for index, commune_id in enumerate(commune_ids):
            place = names.PLACE_NAMES[index % len(names.PLACE_NAMES)]
            if index >= len(names.PLACE_NAMES):
                place = f"{place} {index // len(names.PLACE_NAMES) + 1}"
            prefix = "xã" if index == 0 else rng.choice(names.COMMUNE_PREFIXES)
            commune_name = f"Đảng bộ {prefix} {place}"
            while commune_name in used_names:
                commune_name += " "
            used_names.add(commune_name)
            commune_path = f"{top_path}{commune_id}/"
            rows.append((commune_id, top_id, Organization.Kind.GRASSROOTS_COMMITTEE, commune_name.strip(),
                         commune_path, top_depth + 1, None))
            self.communes.append(commune_id)
            n_cells = rng.randint(*cells_range)
            cell_ids = _ids("cells_organization", n_cells)
            agencies = list(names.AGENCY_CELLS)
            rng.shuffle(agencies)
            for c, cell_id in enumerate(cell_ids):
                agency = c >= n_cells // 2 and agencies
                if agency:
                    label = f"Chi bộ {agencies.pop()}"
                else:
                    hamlet = names.HAMLETS[c % len(names.HAMLETS)]
                    label = f"Chi bộ {hamlet}" if c < len(names.HAMLETS) else f"Chi bộ thôn {c + 1}"
                rows.append((cell_id, commune_id, Organization.Kind.CELL, label, f"{commune_path}{cell_id}/",
                             top_depth + 2, None))
                self.cells.append(_Cell(cell_id, commune_id, label, bool(agency), rng.random() < 0.06))
        places = {}
        for cell in self.cells:
            places[cell.id] = "Hội trường UBND xã" if cell.agency else f"Nhà văn hóa {cell.name.removeprefix('Chi bộ ')}"
        self.places = places
        self.result.organizations = _copy(
            "cells_organization",
            ["id", "public_id", "parent_id", "kind", "name", "code", "path", "depth", "is_active", "address",
             "regular_meeting_day", "created_at"],
            ((i, self.uuid(), parent, kind, name, "", path, depth, True,
              places.get(i, ""), day, self.now) for i, parent, kind, name, path, depth, day in rows),
        )
        self.result.cells = len(self.cells)
        self.province_id = province_id
        self.demo_commune_id = self.communes[0]
        self.result.demo_commune = rows[2 if with_district else 1][3]

    def build_members(self) -> None:
        _, _, _, size_range = SCALES[self.scale]
        rng, today = self.rng, self.today
        sizes = [rng.randint(*size_range) for _ in self.cells]
        if self.scale == "commune":
            # Aim at ~250 members in the commune whatever the draw.
            while sum(sizes) > 260:
                sizes[sizes.index(max(sizes))] -= 1
            while sum(sizes) < 240:
                sizes[sizes.index(min(sizes))] += 1
        total = sum(sizes)
        ids = _ids("members_member", total)
        members_rows, status_rows, membership_rows = [], [], []
        self.members: list[_Member] = []
        next_id = iter(ids)
        for cell, size in zip(self.cells, sizes, strict=True):
            for position in range(size):
                member_id = next(next_id)
                gender = "female" if rng.random() < (0.45 if cell.agency else 0.36) else "male"
                age = int(rng.triangular(23, 88, 45))
                born = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
                # Admitted at least a year before today: a probationary member is drawn below.
                admitted_age = rng.randint(18, min(45, age - 1))
                admission = born + dt.timedelta(days=admitted_age * 365 + rng.randint(0, 300))
                if position >= 3 and age <= 55 and rng.random() < 0.07:
                    # Probationary: admitted within the last 12 months.
                    admission = today - dt.timedelta(days=rng.randint(20, 360))
                official_date = admission + dt.timedelta(days=365 + rng.randint(0, 30))
                official = official_date <= today
                status, since = (MemberStatus.OFFICIAL, official_date) if official else (MemberStatus.PROBATIONARY, admission)
                exempt = official and age >= 75 and rng.random() < 0.35 and position >= 3
                if exempt:
                    since = max(official_date, today - dt.timedelta(days=rng.randint(60, 1500)))
                    status = MemberStatus.EXEMPT
                self.card_seq += 1
                card = f"{35:02d}{self.seed % 100:02d}{self.card_seq:08d}"
                citizen = f"0{35:02d}{self.seed % 10}{self.card_seq:08d}"
                if cell.agency:
                    workplace_kind, workplace = (
                        ("non_state", rng.choice(names.WORKPLACES_NON_STATE)) if "Công ty" in cell.name or "Hợp tác" in cell.name
                        else ("state", rng.choice(names.WORKPLACES_STATE))
                    )
                else:
                    workplace_kind, workplace = ("other", "") if rng.random() < 0.8 else ("non_state", rng.choice(names.WORKPLACES_NON_STATE))
                m = _Member(member_id, cell.id, official, admission, official_date if official else None, status,
                            chronic=rng.random() < 0.025 and not exempt, exempt_from=since if exempt else None)
                far = rng.random() < 0.03
                members_rows.append((
                    member_id, self.uuid(), self.person_name(gender), born, gender,
                    _weighted(rng, names.ETHNICITIES), _weighted(rng, names.RELIGIONS), citizen,
                    f"09{rng.randint(10_000_000, 99_999_999)}", "", card, admission, m.official_date,
                    workplace_kind, workplace, far, status, since, self.now, self.now,
                ))
                status_rows.append((member_id, MemberStatus.PROBATIONARY, admission, f"QĐ kết nạp số {rng.randint(10, 999)}-QĐ/ĐU"))
                if official:
                    status_rows.append((member_id, MemberStatus.OFFICIAL, official_date, f"QĐ công nhận số {rng.randint(10, 999)}-QĐ/ĐU"))
                if exempt:
                    status_rows.append((member_id, MemberStatus.EXEMPT, since, f"QĐ miễn sinh hoạt số {rng.randint(10, 99)}-QĐ/CB"))
                role = Role.MEMBER
                if position == 0:
                    role = Role.SECRETARY
                elif position == 1:
                    role = Role.DEPUTY_SECRETARY
                elif position in (2, 3, 4) and size >= 9 + 6 * (position - 2):
                    role = Role.COMMITTEE_MEMBER
                membership_rows.append((member_id, cell.id, "home", role, max(admission, dt.date(2015, 1, 1))))
                cell.members.append(m)
                self.members.append(m)
        # One member of the demo cell works far away and attends another cell meanwhile,
        # and one member in every twentieth cell elsewhere likewise.
        transfer_from = today - dt.timedelta(days=150)
        for index, cell in enumerate(self.cells):
            if index % 20 != 0 or len(self.cells) < 2:
                continue
            candidates = [m for m in cell.members[5:] if m.status == MemberStatus.OFFICIAL and not m.chronic]
            if not candidates:
                continue
            m = candidates[0]
            target = self.cells[(index + 1) % len(self.cells)]
            m.status, m.temp_cell_id, m.temp_from = MemberStatus.TEMPORARY_TRANSFER, target.id, transfer_from
            row = list(members_rows[self.members.index(m)])
            row[16], row[17] = MemberStatus.TEMPORARY_TRANSFER, transfer_from
            members_rows[self.members.index(m)] = tuple(row)
            status_rows.append((m.id, MemberStatus.TEMPORARY_TRANSFER, transfer_from, "Giấy giới thiệu sinh hoạt tạm thời"))
            membership_rows.append((m.id, target.id, "temporary", Role.MEMBER, transfer_from))
            target.members.append(m)
        self.members_rows = members_rows
        self.result.members = _copy(
            "members_member",
            ["id", "public_id", "full_name", "date_of_birth", "gender", "ethnicity", "religion", "citizen_id",
             "phone", "email", "party_card_number", "admission_date", "official_date", "workplace_kind",
             "workplace", "far_from_home", "status", "status_since", "created_at", "updated_at"],
            members_rows,
        )
        _copy("members_memberstatuschange",
              ["member_id", "status", "effective_date", "decision_ref", "note", "recorded_at"],
              ((mid, st, day, ref, "", self.now) for mid, st, day, ref in status_rows))
        _copy("members_cellmembership", ["member_id", "cell_id", "kind", "role", "start_date"], membership_rows)

    def build_accounts(self) -> None:
        """Most members have an account (the seed district reported 96 % adoption)."""
        rng = self.rng
        password = make_password(self.password)
        with_account = [m for m in self.members if rng.random() < 0.93]
        ids = _ids("members_user", len(with_account))
        rows = []
        by_id = {row[0]: row for row in self.members_rows}
        for m, user_id in zip(with_account, ids, strict=True):
            m.user_id = user_id
            row = by_id[m.id]
            full_name = row[2]
            last, first = full_name.rsplit(" ", 1)
            roll = rng.random()
            last_login = (
                self.now - dt.timedelta(days=rng.uniform(0, 29)) if roll < 0.85
                else self.now - dt.timedelta(days=rng.uniform(31, 200)) if roll < 0.95 else None
            )
            rows.append((user_id, password, last_login, False, row[10], first, last, "", False, True,
                         self.now - dt.timedelta(days=400), "vi"))
        self.result.accounts = _copy(
            "members_user",
            ["id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email",
             "is_staff", "is_active", "date_joined", "language"],
            rows,
        )
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS seed_links")
            cursor.execute("CREATE TEMP TABLE seed_links (member_id bigint, user_id bigint) ON COMMIT DROP")
        _copy("seed_links", ["member_id", "user_id"], ((m.id, m.user_id) for m in with_account))
        with connection.cursor() as cursor:
            cursor.execute("UPDATE members_member m SET user_id = l.user_id FROM seed_links l WHERE l.member_id = m.id")
        for cell in self.cells:
            secretary = cell.members[0]
            cell.secretary_user_id = secretary.user_id

    def _meeting_plan(self, cell: _Cell):
        """Yield (kind, scheduled date, actual date or None if missed, title) for one cell."""
        rng, today = self.rng, self.today
        first = add_months(month_start(today), -11)
        months = months_between(first, add_months(first, 13))
        for month in months:
            scheduled = month.replace(day=5)
            actual = scheduled
            if scheduled < today:
                roll = rng.random()
                miss, late = (0.15, 0.25) if cell.troubled else (0.015, 0.05)
                if roll < miss:
                    actual = None
                elif roll < miss + late:
                    actual = scheduled + dt.timedelta(days=rng.randint(2, 9))
                    if actual >= today:
                        actual = scheduled
            yield Meeting.Kind.REGULAR, scheduled, actual, ""
            if month.month in (2, 5, 8, 11):
                scheduled = month.replace(day=15)
                actual = scheduled if (scheduled >= today or rng.random() < (0.7 if cell.troubled else 0.93)) else None
                yield Meeting.Kind.THEMATIC, scheduled, actual, rng.choice(names.THEMATIC_TOPICS)

    def build_meetings(self) -> None:
        rng, today = self.rng, self.today
        meeting_rows, attendance_rows, minutes_rows, document_rows, draft_rows = [], [], [], [], []
        horizon = today + dt.timedelta(days=62)
        document = self.demo_document()
        for cell in self.cells:
            start_hour = 14 if cell.agency else 19
            start_minute = 0 if cell.agency else 30
            plans = [p for p in self._meeting_plan(cell) if p[1] <= horizon]
            ids = _ids("meetings_meeting", sum(1 for p in plans if p[2] is not None))
            id_iter = iter(ids)
            for kind, scheduled, actual, title in plans:
                if actual is None:
                    continue  # missed: no meeting was held or recorded that month
                meeting_id = next(id_iter)
                starts = self.aware(actual, start_hour, start_minute)
                ends = starts + dt.timedelta(minutes=150 if kind == Meeting.Kind.THEMATIC else 120)
                held = ends < self.now
                status = Meeting.Status.HELD if held else Meeting.Status.PLANNED
                if not held and actual != scheduled:
                    status = Meeting.Status.POSTPONED
                # Only a meeting that has ended has a roll call, and it was never saved in the future.
                recorded = min(ends + dt.timedelta(hours=rng.choice([1, 2, 3, 20, 30, 70])), self.now) if held else None
                agenda = names.REGULAR_AGENDA if kind == Meeting.Kind.REGULAR else f"Chuyên đề: {title}"
                reason = "Trùng lịch công tác của xã" if actual != scheduled else ""
                meeting_rows.append((
                    meeting_id, self.uuid(), cell.id, kind, title, scheduled, scheduled.replace(day=1), starts, ends,
                    self.places[cell.id], agenda, status, reason if status == Meeting.Status.POSTPONED else "",
                    1 if actual != scheduled else 0, recorded, cell.secretary_user_id, self.now, self.now,
                ))
                self._plan_document(document_rows, document, meeting_id, starts, held, cell)
                if not held:
                    if kind == Meeting.Kind.REGULAR and starts - self.now < dt.timedelta(days=35) and (
                            cell is self.cells[0] or rng.random() < 0.4):
                        draft_rows.append((meeting_id, names.DRAFT_RESOLUTION, self.now - dt.timedelta(days=1)))
                    continue
                officials_present = 0
                for m in cell.members:
                    temporary_here = m.temp_cell_id == cell.id
                    if m.admission > actual:
                        continue
                    if temporary_here and actual < m.temp_from:
                        continue
                    if not temporary_here and m.temp_cell_id and actual >= m.temp_from:
                        continue  # away on temporary transfer: summoned elsewhere
                    official_then = m.official_date is not None and m.official_date <= actual
                    # The summons as meetings.rules.summon_basis froze it on the day of the meeting.
                    if m.exempt_from and actual >= m.exempt_from:
                        if rng.random() < 0.1:  # not summoned; a few came anyway
                            attendance_rows.append((meeting_id, m.id, "present", "", Attendance.Basis.EXEMPT,
                                                    official_then, cell.secretary_user_id, recorded, scheduled.year))
                        continue
                    if temporary_here:
                        basis = Attendance.Basis.TEMPORARY_TRANSFER
                    else:
                        basis = Attendance.Basis.OFFICIAL if official_then else Attendance.Basis.PROBATIONARY
                    roll = rng.random()
                    unexcused, excused = (0.3, 0.1) if m.chronic else (0.025, 0.06)
                    if roll < unexcused:
                        status_, reason_ = "unexcused", ""
                    elif roll < unexcused + excused:
                        status_, reason_ = "excused", rng.choice(["Ốm", "Đi công tác", "Việc gia đình", "Đi làm xa", "Trực cơ quan"])
                    else:
                        status_, reason_ = "present", ""
                    officials_present += official_then and status_ == "present"
                    attendance_rows.append((meeting_id, m.id, status_, reason_, basis, official_then,
                                            cell.secretary_user_id, recorded, scheduled.year))
                self._plan_minutes(minutes_rows, meeting_id, kind, agenda, ends, cell, officials_present)
        self.result.meetings = _copy(
            "meetings_meeting",
            ["id", "public_id", "cell_id", "kind", "title", "scheduled_date", "period", "starts_at", "ends_at", "place",
             "agenda", "status", "status_reason", "sequence", "roll_call_recorded_at", "created_by_id",
             "created_at", "updated_at"],
            meeting_rows,
        )
        self.result.attendances = _copy(
            "meetings_attendance",
            # `year`: the partition, the year of the meeting's period (meetings.models.Attendance).
            ["meeting_id", "member_id", "status", "reason", "basis", "was_official", "recorded_by_id", "recorded_at",
             "year"],
            attendance_rows,
        )
        self.result.minutes = _copy(
            "meetings_minutes",
            ["meeting_id", "number", "chair_id", "minute_taker_id", "contents", "opinions", "conclusions",
             "votes_for", "votes_against", "votes_abstain", "resolution", "finalized_at", "updated_by_id",
             "updated_at"],
            minutes_rows,
        )
        self.result.documents = _copy(
            "meetings_meetingdocument",
            ["public_id", "meeting_id", "kind", "title", "file", "content_type", "size", "uploaded_by_id",
             "uploaded_at"],
            document_rows,
        )
        _copy("meetings_draftresolution", ["meeting_id", "text", "published_at", "updated_at"],
              ((meeting_id, text, published, published) for meeting_id, text, published in draft_rows))

    def demo_document(self) -> tuple[str, int]:
        """One real PDF that every demo meeting document points to (stored once)."""
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage
        from weasyprint import HTML

        name = "demo/bao-cao-tinh-hinh-thang.pdf"
        if not default_storage.exists(name):
            pdf = HTML(string=names.DEMO_DOCUMENT_HTML).write_pdf()
            name = default_storage.save(name, ContentFile(pdf))
        return name, default_storage.size(name)

    def _plan_document(self, rows, document, meeting_id, starts, held, cell) -> None:
        """Most cells post the month's report a few days ahead; some late, some never."""
        roll = self.rng.random()
        on_time, late = (0.45, 0.2) if cell.troubled else (0.8, 0.08)
        if roll < on_time:
            posted = starts - dt.timedelta(days=self.rng.randint(2, 6), hours=self.rng.randint(0, 10))
        elif roll < on_time + late:
            posted = starts - dt.timedelta(hours=self.rng.randint(1, 12))
        else:
            return
        if posted > self.now:
            return
        name, size = document
        rows.append((self.uuid(), meeting_id, "preparatory", "Báo cáo tình hình thực hiện nhiệm vụ tháng", name,
                     "application/pdf", size, cell.secretary_user_id, posted))

    def _plan_minutes(self, rows, meeting_id, kind, agenda, ends, cell, officials_present) -> None:
        """Minutes completed within two days for most meetings; late or still missing for some."""
        roll = self.rng.random()
        on_time, late = (0.55, 0.25) if cell.troubled else (0.88, 0.08)
        if roll < on_time:
            finalized = ends + dt.timedelta(hours=self.rng.randint(1, 44))
        elif roll < on_time + late:
            finalized = ends + dt.timedelta(hours=self.rng.randint(50, 200))
        else:
            return  # not written yet: the cell home and the dashboards show it missing
        if finalized > self.now:
            finalized = None
        chair, taker = cell.members[0], cell.members[1] if len(cell.members) > 1 else cell.members[0]
        resolution = names.DRAFT_RESOLUTION if kind == Meeting.Kind.REGULAR else ""
        rows.append((
            meeting_id, f"{ends.month:02d}{self.rng.randint(1, 9)}", chair.id, taker.id, agenda,
            "Các đồng chí thống nhất với báo cáo; đề nghị bổ sung giải pháp thu đảng phí đúng hạn.",
            "Chi bộ thống nhất nội dung nghị quyết.", officials_present, 0, 0, resolution, finalized,
            cell.secretary_user_id, finalized or ends,
        ))
    def build_demo_reminder_meeting(self) -> None:
        """A meeting of the demo cell two days ahead: inside the 3-day reminder window, so the
        demo's worker and beat deliver its reminder to demo.member within a minute."""
        cell = self.cells[0]
        starts = self.aware(self.today + dt.timedelta(days=2), 19, 30)
        meeting_id, = _ids("meetings_meeting", 1)
        self.result.meetings += _copy(
            "meetings_meeting",
            ["id", "public_id", "cell_id", "kind", "title", "scheduled_date", "period", "starts_at", "ends_at", "place",
             "agenda", "status", "status_reason", "sequence", "created_by_id", "created_at", "updated_at"],
            [(meeting_id, self.uuid(), cell.id, Meeting.Kind.EXTRAORDINARY, "Phòng, chống bão lũ cuối năm",
              starts.date(), starts.date().replace(day=1), starts, starts + dt.timedelta(minutes=90),
              self.places[cell.id], "Triển khai phương án phòng, chống bão lũ cuối năm\nPhân công đảng viên phụ trách hộ",
              Meeting.Status.PLANNED, "", 0, cell.secretary_user_id, self.now, self.now)],
        )

    def build_demo_discussion(self) -> None:
        """In the demo cell: comments on the next regular meeting's draft and an advance excuse,
        written through the same services the pages use."""
        from meetings.services.discussion import draft_comment_add
        from meetings.services.excuses import excuse_submit
        from members.models import Member

        cell = self.cells[0]
        meeting = (Meeting.objects.filter(cell_id=cell.id, kind=Meeting.Kind.REGULAR, starts_at__gt=self.now)
                   .order_by("starts_at").first())
        if meeting is None or not DraftResolution.objects.filter(meeting=meeting).exists():
            return
        voices = [m for m in cell.members[2:] if m.status == MemberStatus.OFFICIAL and not m.temp_cell_id][:3]
        records = Member.objects.in_bulk([m.id for m in voices])
        for m, text in zip(voices, names.DRAFT_COMMENTS, strict=False):
            draft_comment_add(meeting=meeting, member=records[m.id], text=text)
        if len(voices) == 3:
            excuse_submit(meeting=meeting, member=records[voices[2].id], reason="Đi công tác tại Hà Nội")

    def build_demo_accounts(self) -> None:
        """The named demo logins, through the same services a real site uses."""
        from members.models import Member, User
        from members.services import committee_seat_add, member_update, user_create_for_member

        demo_cell = self.cells[0]
        demo_cell_org = Organization.objects.get(pk=demo_cell.id)
        self.result.demo_cell = demo_cell_org.name
        admin = User.objects.create_superuser("demo.admin", "demo.admin@example.org", self.password,
                                              first_name="Quản trị", last_name="Hệ thống")
        admin.is_staff = True
        admin.save(update_fields=["is_staff"])

        def attach(member: _Member, username: str) -> User:
            record = Member.objects.get(pk=member.id)
            if record.user_id:
                User.objects.filter(pk=record.user_id).delete()  # replace the bulk account
                record.refresh_from_db()
            return user_create_for_member(member=record, username=username, email=f"{username}@example.org",
                                          password=self.password)

        attach(demo_cell.members[0], "demo.secretary")
        regular = next(m for m in demo_cell.members[5:] if m.status == MemberStatus.OFFICIAL and not m.temp_cell_id)
        attach(regular, "demo.member")
        # The demo shows sign-in by phone: a code "sent" to this number (HANDBOOK_SMS_BACKEND=console
        # in the demo prints the text in the terminal of `make run`).
        member_update(member=Member.objects.get(pk=regular.id), phone=DEMO_MEMBER_PHONE)
        commune_cells = [c for c in self.cells if c.commune_id == self.demo_commune_id]
        committee_member = commune_cells[1].members[0] if len(commune_cells) > 1 else demo_cell.members[1]
        attach(committee_member, "demo.committee")
        committee_seat_add(
            member=Member.objects.get(pk=committee_member.id),
            organization=Organization.objects.get(pk=self.demo_commune_id),
            body=CommitteeSeat.Body.STANDING_COMMITTEE, title="Phó Bí thư Thường trực Đảng ủy",
            start_date=self.today - dt.timedelta(days=500),
        )
        province_member = commune_cells[-1].members[1]
        attach(province_member, "demo.province")
        committee_seat_add(
            member=Member.objects.get(pk=province_member.id),
            organization=Organization.objects.get(pk=self.province_id),
            body=CommitteeSeat.Body.ORGANIZATION_COMMITTEE, title="Chuyên viên Ban Tổ chức Tỉnh ủy",
            start_date=self.today - dt.timedelta(days=500),
        )
