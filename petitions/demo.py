"""Demo data of the petitions: at every scale some cells and communes raise petitions to the level
above over the last months; some are resolved, some answered or assigned, some forwarded to the
province (or district), some overdue. Bulk inserts, seconds at province scale."""

import datetime as dt
import uuid

from django.utils import timezone

from cells.models import Organization
from petitions import rules
from petitions.models import Petition, PetitionCategory, PetitionStep

SUBJECTS = {
    "petition": [
        ("Đề nghị nâng cấp đường liên thôn", "Đường liên thôn xuống cấp, mùa mưa ngập lầy, đề nghị cấp trên xem xét đưa vào kế hoạch nâng cấp."),
        ("Kiến nghị về chế độ phụ cấp bí thư chi bộ", "Chi bộ kiến nghị xem xét điều chỉnh mức phụ cấp cho bí thư chi bộ thôn theo quy định mới."),
        ("Kiến nghị giải quyết đơn thư tranh chấp đất đai", "Nhân dân phản ánh tranh chấp ranh giới đất kéo dài, đề nghị cấp trên chỉ đạo giải quyết dứt điểm."),
    ],
    "recommendation": [
        ("Đề xuất mở lớp bồi dưỡng nhận thức về Đảng", "Chi bộ có nhiều quần chúng ưu tú, đề xuất Đảng ủy mở lớp bồi dưỡng trong quý tới."),
        ("Đề xuất trang bị máy chiếu cho nhà văn hóa", "Để sinh hoạt chuyên đề hiệu quả hơn, đề xuất hỗ trợ trang bị máy chiếu."),
    ],
    "difficulty": [
        ("Khó khăn về địa điểm sinh hoạt chi bộ", "Nhà văn hóa thôn đang sửa chữa, chi bộ chưa có địa điểm sinh hoạt ổn định."),
        ("Vướng mắc trong chuyển sinh hoạt đảng cho đảng viên đi làm ăn xa", "Nhiều đảng viên đi làm ăn xa chưa hoàn tất thủ tục chuyển sinh hoạt tạm thời."),
    ],
    "unresolved_issue": [
        ("Tồn đọng hồ sơ đề nghị tặng Huy hiệu Đảng", "Hồ sơ đề nghị tặng Huy hiệu Đảng đợt trước chưa có kết quả, đề nghị cấp trên kiểm tra."),
        ("Tồn đọng việc thu hồi nợ quỹ hỗ trợ nông dân", "Khoản vay quỹ hỗ trợ nông dân quá hạn nhiều năm, chi bộ không đủ thẩm quyền xử lý."),
    ],
}
BODIES = ["Ban Tổ chức Đảng ủy", "Ủy ban Kiểm tra Đảng ủy", "Văn phòng Đảng ủy", "UBND xã", "Ban Tuyên giáo"]
ANSWERS = [
    "Đảng ủy đã chỉ đạo UBND xã đưa vào kế hoạch năm sau và thông báo cho chi bộ.",
    "Đã làm việc với các bên liên quan; vụ việc được giải quyết theo đúng quy định.",
    "Ban Tổ chức đã hướng dẫn thủ tục; chi bộ hoàn thiện hồ sơ theo hướng dẫn.",
]


def seed(*, rng, today: dt.date, cells, members, scale: str) -> dict:
    del members
    categories = list(PetitionCategory.objects.filter(is_active=True))
    if not categories or not cells:
        return {"petitions": 0}
    tz = timezone.get_current_timezone()
    commune_ids = sorted({cell.commune_id for cell in cells})
    parents = dict(Organization.objects.filter(pk__in=commune_ids).values_list("pk", "parent_id"))
    rate = 0.5 if scale == "commune" else 0.2
    petitions, steps = [], []

    def at(day: dt.date, hour: int = 9) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59)), tzinfo=tz)

    def add(sender_id: int, holder_id: int, above_id: int | None, scenario: str, age: int) -> None:
        category = rng.choice(categories)
        title, text = rng.choice(SUBJECTS.get(category.code) or [s for group in SUBJECTS.values() for s in group])
        raised = today - dt.timedelta(days=age)
        petition = Petition(public_id=uuid.UUID(int=rng.getrandbits(128), version=4), sender_id=sender_id,
                            holder_id=holder_id, category=category, title=title, text=text, raised_on=raised,
                            due_on=rules.due_date(category.due_days, raised), status=Petition.Status.OPEN)
        own = [PetitionStep(kind=PetitionStep.Kind.RAISED, at=at(raised), organization_id=sender_id,
                            to_organization_id=holder_id)]
        day = raised
        def later(days: int) -> dt.date:
            return min(today, day + dt.timedelta(days=days))
        if scenario in ("assigned", "answered", "resolved"):
            day = later(rng.randint(1, 4))
            petition.status, petition.assignee = Petition.Status.ASSIGNED, rng.choice(BODIES)
            own.append(PetitionStep(kind=PetitionStep.Kind.ASSIGNED, at=at(day, 10), organization_id=holder_id,
                                    assignee=petition.assignee))
        if scenario in ("forwarded", "forwarded_resolved") and above_id:
            day = later(rng.randint(2, 7))
            own.append(PetitionStep(kind=PetitionStep.Kind.FORWARDED, at=at(day, 14), organization_id=holder_id,
                                    to_organization_id=above_id,
                                    text="Vượt thẩm quyền của Đảng ủy cơ sở, chuyển cấp trên xem xét."))
            petition.holder_id, petition.status = above_id, Petition.Status.FORWARDED
            petition.due_on = rules.due_date(category.due_days, day)
            holder_id = above_id
        if scenario == "answered":
            day = later(rng.randint(3, 10))
            petition.status, petition.answer = Petition.Status.ANSWERED, rng.choice(ANSWERS)
            own.append(PetitionStep(kind=PetitionStep.Kind.ANSWERED, at=at(day, 15), organization_id=holder_id,
                                    text=petition.answer))
        if scenario in ("resolved", "forwarded_resolved"):
            done = day + dt.timedelta(days=rng.randint(3, category.due_days + 15))
            if done < today:
                day = done
                petition.status, petition.resolved_on = Petition.Status.RESOLVED, done
                petition.answer = rng.choice(ANSWERS)
                own.append(PetitionStep(kind=PetitionStep.Kind.RESOLVED, at=at(done, 16), organization_id=holder_id,
                                        text=petition.answer))
        petitions.append(petition)
        steps.append(own)

    scenarios = [("resolved", 40), ("open", 15), ("assigned", 15), ("answered", 10), ("forwarded", 12),
                 ("forwarded_resolved", 8)]
    names, weights = zip(*scenarios, strict=True)
    demo_cell = cells[0]
    # The demo secretary's cell always shows each kind of outcome.
    add(demo_cell.id, demo_cell.commune_id, parents.get(demo_cell.commune_id), "resolved", 75)
    add(demo_cell.id, demo_cell.commune_id, parents.get(demo_cell.commune_id), "forwarded", 20)
    add(demo_cell.id, demo_cell.commune_id, parents.get(demo_cell.commune_id), "open", 45)
    for cell in cells[1:]:
        for _ in range(sum(1 for _ in range(3) if rng.random() < rate)):
            add(cell.id, cell.commune_id, parents.get(cell.commune_id), rng.choices(names, weights)[0],
                rng.randint(2, 180))
    for commune_id in commune_ids:
        if parents.get(commune_id) and rng.random() < 0.4:
            add(commune_id, parents[commune_id], None, rng.choice(["open", "answered", "resolved"]),
                rng.randint(5, 120))
    Petition.objects.bulk_create(petitions, batch_size=2000)
    rows = []
    for petition, own in zip(petitions, steps, strict=True):
        for step in own:
            step.petition_id = petition.pk
            rows.append(step)
    PetitionStep.objects.bulk_create(rows, batch_size=5000)
    return {"petitions": len(petitions), "steps": len(rows)}
