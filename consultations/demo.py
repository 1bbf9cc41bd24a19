"""Demo data of consultations: a draft from the top of the tree, commented in every cell and
summarised at every level (most cells and some committees have sent), and a draft of the demo
commune whose final summary goes to the level above. Bulk inserts: about a second at province scale."""

import datetime as dt
import uuid

from django.utils import timezone

from cells.models import Organization
from consultations.models import Consultation, ConsultationComment, ConsultationSummary, SummaryPoint
from consultations.services import library_put
from members.models import MemberStatus

VOICES = (MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY)
COMMENTS = [
    "Đề nghị bổ sung chỉ tiêu về chuyển đổi số trong lãnh đạo của cấp ủy cơ sở.",
    "Cần làm rõ nguồn lực thực hiện chương trình xây dựng nông thôn mới nâng cao.",
    "Nhất trí với dự thảo; đề nghị nhấn mạnh công tác phát triển đảng viên trong thanh niên.",
    "Đề nghị thêm giải pháp về giảm nghèo bền vững cho các thôn vùng sâu.",
    "Nên quy định rõ trách nhiệm người đứng đầu trong giải quyết kiến nghị của nhân dân.",
]
GROUPS = ["Về kinh tế - xã hội", "Về xây dựng Đảng", ""]


def seed(*, rng, today: dt.date, cells, members, scale: str) -> dict:
    del scale  # the same shares at every scale
    def new_id():
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    root_id = int(Organization.objects.get(pk=cells[0].id).path.strip("/").split("/")[0])
    orgs = {o.pk: o for o in Organization.objects.subtree(Organization.objects.get(pk=root_id))}
    now = timezone.now()
    top = Consultation.objects.create(
        public_id=new_id(), organization=orgs[root_id], title="Dự thảo Báo cáo chính trị trình Đại hội Đảng bộ tỉnh",
        issuing_body="Ban Chấp hành Đảng bộ tỉnh", closing_on=today + dt.timedelta(days=10),
        summary="Xin ý kiến đảng viên về kết quả nhiệm kỳ qua, phương hướng, mục tiêu và giải pháp nhiệm kỳ tới.")
    commune_id = cells[0].commune_id
    commune = orgs[commune_id]
    local = Consultation.objects.create(
        public_id=new_id(), organization=commune, reports_to=orgs.get(commune.parent_id),
        title="Dự thảo Nghị quyết về phát triển kinh tế nông nghiệp giai đoạn 2026 - 2030",
        issuing_body=f"Ban Chấp hành {commune.name}", closing_on=today + dt.timedelta(days=5),
        summary="Xin ý kiến các chi bộ về mục tiêu, chỉ tiêu và giải pháp của dự thảo nghị quyết.")
    comments, by_cell = [], {}
    for consultation, its_cells in ((top, cells), (local, [c for c in cells if c.commune_id == commune_id])):
        for cell in its_cells:
            voices = [m for m in cell.members if m.status in VOICES and not m.temp_cell_id]
            chosen = rng.sample(voices, min(len(voices), rng.randint(1, 4)))
            rows = [ConsultationComment(public_id=new_id(), consultation=consultation, member_id=m.id, cell_id=cell.id,
                                        text=rng.choice(COMMENTS)) for m in chosen]
            comments += rows
            by_cell[(consultation.pk, cell.id)] = rows
    ConsultationComment.objects.bulk_create(comments, batch_size=2000)
    summaries, points = [], []

    def summary(consultation, org_id, sent: bool, sources, kind: str):
        row = ConsultationSummary(
            public_id=new_id(), consultation=consultation, organization_id=org_id,
            text=f"{orgs[org_id].name} tổng hợp {len(sources)} ý kiến; đa số nhất trí với dự thảo.",
            status=ConsultationSummary.Status.SENT if sent else ConsultationSummary.Status.DRAFT,
            sent_at=now if sent else None)
        summaries.append(row)
        for source in sources:
            points.append((row, source, kind, rng.random() < 0.7, rng.choice(GROUPS)))
        return row

    demo_cell = cells[0].id  # the demo secretary's: left to write, with its members' comments
    for consultation in (top, local):
        sent_below: dict[int, list] = {}
        cell_ids = [c.id for c in cells if (consultation.pk, c.id) in by_cell]
        for cell_id in cell_ids:
            sent = cell_id != demo_cell and rng.random() < 0.75
            row = summary(consultation, cell_id, sent, by_cell[(consultation.pk, cell_id)], "comment")
            if sent:
                sent_below.setdefault(orgs[cell_id].parent_id, []).append(row)
        # Each level above, deepest first: most have merged and sent; the publisher has not.
        above = sorted({a for cid in cell_ids for a in orgs[cid].ancestor_ids if orgs[a].path.startswith(
            consultation.organization.path)}, key=lambda pk: -orgs[pk].depth)
        for org_id in above:
            children = sent_below.get(org_id, [])
            sent = org_id != consultation.organization_id and org_id != commune_id and rng.random() < 0.6
            row = summary(consultation, org_id, sent and bool(children), children, "summary")
            if row.status == ConsultationSummary.Status.SENT:
                sent_below.setdefault(orgs[org_id].parent_id, []).append(row)
    ConsultationSummary.objects.bulk_create(summaries, batch_size=2000)
    SummaryPoint.objects.bulk_create([
        SummaryPoint(summary=row, comment=source if kind == "comment" else None,
                     child_summary=source if kind == "summary" else None, taken=taken, group=group)
        for row, source, kind, taken, group in points], batch_size=2000)
    for consultation in (top, local):
        library_put(consultation=consultation)
    return {"consultations": 2, "comments": len(comments), "summaries": len(summaries)}
