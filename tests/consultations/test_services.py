"""Publishing a draft, commenting in a cell, summaries sent up level by level, frozen once sent."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from consultations.models import Consultation, ConsultationSummary
from consultations.services import PointChoice, comment_edit, summary_save
from library.models import LibraryEntry
from tests import factories as f
from tests.consultations.conftest import closing, comment, publish, send


def test_a_committee_publishes_a_draft_with_its_document_and_it_enters_the_library(
        cast, media, django_capture_on_commit_callbacks):
    pdf = SimpleUploadedFile("du thao.pdf", b"%PDF-1.4 du thao nghi quyet", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        draft = publish(cast.tree.commune_a, actor=cast.committee.user, attachment=pdf)
    assert draft.status == Consultation.Status.OPEN and draft.attachment_type == "application/pdf"
    entry = LibraryEntry.objects.get(source_key=f"consultations.draft:{draft.public_id}")
    assert (entry.organization, entry.kind, entry.title) == (cast.tree.commune_a, "draft", draft.title)


def test_a_renamed_file_is_refused_and_nothing_is_published(cast, media):
    fake = SimpleUploadedFile("du-thao.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        publish(cast.tree.commune_a, attachment=fake)
    assert "attachment" in error.value.error_dict
    assert not Consultation.objects.exists()


def test_a_draft_is_published_only_to_cells_below_and_not_closing_in_the_past(cast):
    with pytest.raises(ValidationError):
        publish(cast.tree.a1)  # a cell has no cell under it
    with pytest.raises(ValidationError) as error:
        publish(cast.tree.commune_a, closing_on=closing(-1))
    assert "closing_on" in error.value.error_dict


def test_a_member_comments_only_in_a_cell_under_the_publisher(cast, draft):
    comment(draft, cast.member, cast.tree.a1)
    with pytest.raises(ValidationError):
        comment(draft, cast.outsider, cast.tree.b1)


def test_a_comment_is_changed_until_the_cells_summary_is_sent(cast, draft):
    mine = comment(draft, cast.member, cast.tree.a1)
    comment_edit(comment=mine, text="Sửa lại ý kiến")
    send(draft, cast.tree.a1, comments=[mine])
    with pytest.raises(ValidationError):
        comment_edit(comment=mine, text="Sửa sau khi gửi")
    with pytest.raises(ValidationError):
        comment(draft, cast.member, cast.tree.a1)


def test_comments_close_after_the_closing_date(cast, draft):
    Consultation.objects.filter(pk=draft.pk).update(closing_on=closing(-1))
    draft.refresh_from_db()
    with pytest.raises(ValidationError):
        comment(draft, cast.member, cast.tree.a1)


def test_a_sent_summary_is_final(cast, draft):
    summary = send(draft, cast.tree.a1, text="Chi bộ nhất trí.")
    assert summary.status == ConsultationSummary.Status.SENT and summary.sent_at
    with pytest.raises(ValidationError):
        send(draft, cast.tree.a1, text="Đổi ý")
    summary.refresh_from_db()
    assert summary.text == "Chi bộ nhất trí."


def test_a_draft_summary_can_be_saved_many_times_before_sending(cast, draft):
    mine = comment(draft, cast.member, cast.tree.a1)
    send(draft, cast.tree.a1, comments=[mine], text="Nháp", send=False)
    summary = send(draft, cast.tree.a1, comments=[mine], text="Nháp 2", send=False)
    assert summary.status == ConsultationSummary.Status.DRAFT
    assert [(p.comment_id, p.taken, p.group) for p in summary.points.all()] == [(mine.pk, True, "Về kinh tế")]


def test_a_cell_cannot_take_another_cells_comment(cast, people, draft):
    theirs = comment(draft, people.a2_member, cast.tree.a2)
    with pytest.raises(ValidationError):
        send(draft, cast.tree.a1, comments=[theirs])


def test_the_commune_merges_only_the_summaries_sent_by_its_cells(cast, people, draft):
    a1 = send(draft, cast.tree.a1, comments=[comment(draft, cast.member, cast.tree.a1)])
    a2_draft = send(draft, cast.tree.a2, comments=[comment(draft, people.a2_member, cast.tree.a2)], send=False)
    with pytest.raises(ValidationError):
        send(draft, cast.tree.commune_a, children=[a2_draft])
    merged = send(draft, cast.tree.commune_a, children=[a1], text="Đảng bộ xã tổng hợp.")
    assert merged.is_sent
    draft.refresh_from_db()
    assert draft.status == Consultation.Status.CLOSED  # the publisher's summary ends it
    assert draft.reports_to == cast.tree.province


def test_the_same_step_runs_at_every_level_of_a_deeper_tree(cast):
    """Province → commune → partial committee → cell: each level merges what was sent from below."""
    partial = f.org("Đảng bộ bộ phận thôn Bắc", kind="partial_committee", parent=cast.tree.commune_a)
    deep = f.org("Chi bộ xóm 1", parent=partial)
    deep_member = f.member(deep, name="Lý Văn Sâu")
    draft = publish(cast.tree.province)
    cell = send(draft, deep, comments=[comment(draft, deep_member, deep)])
    middle = send(draft, partial, children=[cell])
    with pytest.raises(ValidationError):  # a grandchild is merged by its own parent, not skipped over
        summary_save(consultation=draft, organization=cast.tree.commune_a, text="x",
                     points=[PointChoice(child_summary_id=cell.pk, taken=True)])
    commune = send(draft, cast.tree.commune_a, children=[middle])
    top = send(draft, cast.tree.province, children=[commune])
    assert [p.child_summary for p in top.points.all()] == [commune]


def test_every_write_is_audited_with_the_acting_user(cast, draft):
    import pghistory.models

    mine = comment_edit(comment=comment(draft, cast.member, cast.tree.a1), text="Sửa", actor=cast.member.user)
    summary = send(draft, cast.tree.a1, comments=[mine], actor=cast.secretary.user)
    for record, user in ((draft, cast.committee.user), (mine, cast.member.user), (summary, cast.secretary.user)):
        events = pghistory.models.Events.objects.tracks(record).order_by("pgh_created_at", "pgh_id")
        assert events.last().pgh_context["user"] == user.pk
