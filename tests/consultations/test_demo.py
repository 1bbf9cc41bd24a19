"""The demo seed puts a draft from the top and one from the demo commune, with comments in
every cell and summaries sent at every level."""

import datetime as dt
import random
from types import SimpleNamespace

from consultations import demo
from consultations.models import Consultation, ConsultationSummary
from library.models import LibraryEntry
from members.models import MemberStatus


def test_the_demo_seed_comments_and_summarises_at_every_level(cast, people):
    tree = cast.tree

    def cell(org, *records):
        return SimpleNamespace(id=org.pk, commune_id=org.parent_id, members=[
            SimpleNamespace(id=m.pk, status=MemberStatus.OFFICIAL, temp_cell_id=None) for m in records])

    cells = [cell(tree.a1, cast.secretary, cast.member, people.neighbour), cell(tree.a2, cast.committee, people.a2_member),
             cell(tree.b1, cast.outsider)]
    counts = demo.seed(rng=random.Random(5), today=dt.date(2026, 12, 5), cells=cells, members=[], scale="commune")
    top = Consultation.objects.get(organization=tree.province)
    local = Consultation.objects.get(organization=tree.commune_a)
    assert local.reports_to == tree.province and counts["comments"] > 0
    assert set(top.summaries.values_list("organization_id", flat=True)) == {
        tree.province.pk, tree.commune_a.pk, tree.commune_b.pk, tree.a1.pk, tree.a2.pk, tree.b1.pk}
    assert not top.summaries.get(organization=tree.a1).is_sent  # left for the demo secretary
    assert not top.summaries.filter(organization=tree.province, status=ConsultationSummary.Status.SENT).exists()
    for summary in ConsultationSummary.objects.filter(status=ConsultationSummary.Status.SENT):
        assert all(p.child_summary.is_sent for p in summary.points.filter(child_summary__isnull=False))
    assert LibraryEntry.objects.filter(source_key__startswith="consultations.draft:").count() == 2
