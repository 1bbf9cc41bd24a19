"""Demo data of the conduct registers: a few commendations a year, a rare discipline, badges
presented at past presentation dates (those of the next one are left due)."""

import datetime as dt
import uuid

from common.months import add_years
from conduct.models import BadgePresentation, Commendation, Discipline
from conduct.rules import badge_occasion, badge_years
from members.models import MemberStatus

ON_ROLLS = (MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY, MemberStatus.EXEMPT, MemberStatus.TEMPORARY_TRANSFER)
COMMENDATION_KINDS = [
    (Commendation.Kind.CERTIFICATE_OF_MERIT, "Đảng ủy xã", "Đảng viên hoàn thành xuất sắc nhiệm vụ năm {year}", 60),
    (Commendation.Kind.COMMENDATION_CERTIFICATE, "Ban Thường vụ Tỉnh ủy", "Hoàn thành xuất sắc nhiệm vụ 5 năm liền", 15),
    (Commendation.Kind.EMULATION_TITLE, "UBND xã", "Chiến sĩ thi đua cơ sở năm {year}", 20),
    (Commendation.Kind.OTHER, "Mặt trận Tổ quốc xã", "Tích cực trong phong trào xây dựng nông thôn mới", 5),
]
DISCIPLINE_REASONS = [
    (Discipline.Level.REPRIMAND, "Chi bộ", "Vi phạm quy định sinh hoạt đảng"),
    (Discipline.Level.WARNING, "Ủy ban Kiểm tra Đảng ủy xã", "Vi phạm quy định về những điều đảng viên không được làm"),
]


def seed(*, rng, today: dt.date, cells, members, scale: str) -> dict:
    """Rows for the members of the seed (demo.seeding's _Member rows): bulk inserts, seconds at district scale."""
    del cells, scale  # the members carry their home cell; the rates do not depend on the scale
    def new_id():
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    on_rolls = [m for m in members if m.status in ON_ROLLS]
    commendations, disciplines, badges = [], [], []
    weights = [w for *_, w in COMMENDATION_KINDS]
    for year in (today.year - 1, today.year):
        decided = dt.date(year, 1, 15) if year < today.year else min(today, dt.date(year, 5, 19))
        for member in on_rolls:
            if rng.random() < 0.05:
                kind, body, reason, _weight = rng.choices(COMMENDATION_KINDS, weights)[0]
                commendations.append(Commendation(
                    public_id=new_id(), member_id=member.id, cell_id=member.cell_id, kind=kind,
                    decision_number=f"{rng.randint(10, 400)}-QĐ/ĐU", decision_date=decided,
                    issuing_body=body, reason=reason.format(year=year - 1),
                ))
            if rng.random() < 0.003 and member.admission < decided:
                level, body, reason = rng.choice(DISCIPLINE_REASONS)
                disciplines.append(Discipline(
                    public_id=new_id(), member_id=member.id, cell_id=member.cell_id, level=level,
                    decision_number=f"{rng.randint(1, 60)}-QĐ/UBKT", decision_date=decided - dt.timedelta(days=10),
                    issuing_body=body, reason=reason,
                ))
    last_occasion = badge_occasion(today).previous
    for member in on_rolls:
        for years in badge_years():
            anniversary = add_years(member.admission, years)
            if today - dt.timedelta(days=6 * 365) < anniversary <= last_occasion and rng.random() < 0.95:
                badges.append(BadgePresentation(
                    public_id=new_id(), member_id=member.id, years=years,
                    presented_on=badge_occasion(anniversary).date,
                    decision_number=f"{rng.randint(100, 999)}-QĐ/TU", presented_by="Đảng ủy xã",
                ))
    Commendation.objects.bulk_create(commendations, batch_size=2000)
    Discipline.objects.bulk_create(disciplines, batch_size=2000)
    BadgePresentation.objects.bulk_create(badges, batch_size=2000)
    return {"commendations": len(commendations), "disciplines": len(disciplines), "badges": len(badges)}
