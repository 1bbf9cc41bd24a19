"""Raising, assigning, answering, forwarding, resolving and reopening: each a dated, audited step."""

import datetime as dt

import pghistory.models
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meetings.models import Meeting
from petitions.models import Petition, PetitionStep
from petitions.services import (
    petition_answer,
    petition_assign,
    petition_forward,
    petition_reopen,
    petition_resolve,
)
from tests.petitions.conftest import raise_petition


def _meeting(cell):
    now = timezone.now()
    return Meeting.objects.create(cell=cell, scheduled_date=now.date(), period=now.date().replace(day=1),
                                  starts_at=now, ends_at=now + dt.timedelta(hours=2))


def test_a_cell_raises_a_petition_to_its_commune(cast, petition):
    assert petition.sender == cast.tree.a1 and petition.holder == cast.tree.commune_a
    assert petition.status == Petition.Status.OPEN
    step = petition.steps.get()
    assert step.kind == PetitionStep.Kind.RAISED and step.to_organization == cast.tree.commune_a
    assert step.actor_name == "Trần Văn Bí"


def test_the_meeting_must_be_one_of_the_sender_cells_own(cast, categories):
    with pytest.raises(ValidationError) as error:
        raise_petition(cast.tree.a1, cast.secretary, categories["petition"], meeting=_meeting(cast.tree.b1))
    assert "meeting" in error.value.message_dict
    own = raise_petition(cast.tree.a1, cast.secretary, categories["petition"], meeting=_meeting(cast.tree.a1))
    assert own.meeting.cell == cast.tree.a1


def test_a_title_and_a_text_are_needed(cast, categories):
    with pytest.raises(ValidationError) as error:
        raise_petition(cast.tree.a1, cast.secretary, categories["petition"], title="  ", text="")
    assert {"title"} <= set(error.value.message_dict)


def test_the_province_has_nobody_above_to_raise_to(cast, categories):
    with pytest.raises(ValidationError):
        raise_petition(cast.tree.province, cast.orgcom, categories["petition"])


def test_attachments_are_checked_by_their_content(cast, categories, media):
    fake = SimpleUploadedFile("bao-cao.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        raise_petition(cast.tree.a1, cast.secretary, categories["petition"], attachments=[fake])
    assert "attachments" in error.value.message_dict
    assert not Petition.objects.exists()
    real = SimpleUploadedFile("Báo cáo.pdf", b"%PDF-1.4 a real enough pdf", content_type="application/pdf")
    petition = raise_petition(cast.tree.a1, cast.secretary, categories["petition"], attachments=[real])
    attachment = petition.attachments.get()
    assert attachment.original_name == "Báo cáo.pdf" and attachment.content_type == "application/pdf"


def test_the_commune_assigns_answers_forwards_and_the_province_resolves(cast, petition):
    petition_assign(petition=petition, actor=cast.committee.user, assignee="Ủy ban Kiểm tra Đảng ủy")
    petition_answer(petition=petition, actor=cast.committee.user, text="Đang xem xét.")
    forwarded = petition_forward(petition=petition, actor=cast.committee.user, text="Vượt thẩm quyền.")
    assert forwarded.holder == cast.tree.province and forwarded.status == Petition.Status.FORWARDED
    assert forwarded.assignee == ""
    resolved = petition_resolve(petition=petition, actor=cast.orgcom.user, text="Tỉnh đã bố trí kinh phí.")
    assert resolved.status == Petition.Status.RESOLVED and resolved.resolved_on == timezone.localdate()
    assert resolved.answer == "Tỉnh đã bố trí kinh phí."
    kinds = list(petition.steps.values_list("kind", "organization__name"))
    assert kinds == [("raised", "Chi bộ thôn Đông"), ("assigned", "Đảng bộ xã An Phú"), ("answered", "Đảng bộ xã An Phú"),
                     ("forwarded", "Đảng bộ xã An Phú"), ("resolved", "Đảng bộ tỉnh Thử")]


def test_nothing_is_above_the_province_to_forward_to(cast, petition):
    petition_forward(petition=petition, actor=cast.committee.user)
    with pytest.raises(ValidationError):
        petition_forward(petition=petition, actor=cast.orgcom.user)


def test_a_resolved_petition_is_reopened_once_with_a_reason(cast, petition):
    petition_resolve(petition=petition, actor=cast.committee.user, text="Đã xong.")
    with pytest.raises(ValidationError):
        petition_answer(petition=petition, actor=cast.committee.user, text="Thêm")
    with pytest.raises(ValidationError) as error:
        petition_reopen(petition=petition, actor=cast.secretary.user, reason=" ")
    assert "reason" in error.value.message_dict
    reopened = petition_reopen(petition=petition, actor=cast.secretary.user, reason="Chưa được giải quyết thực tế.")
    assert reopened.status == Petition.Status.REOPENED and reopened.resolved_on is None
    assert reopened.holder == cast.tree.commune_a
    assert reopened.due_on == timezone.localdate() + dt.timedelta(days=petition.category.due_days)
    petition_resolve(petition=petition, actor=cast.committee.user, text="Đã làm lại.")
    with pytest.raises(ValidationError):
        petition_reopen(petition=petition, actor=cast.secretary.user, reason="Lần nữa")


def test_every_step_is_audited_with_its_actor(cast, petition):
    petition_forward(petition=petition, actor=cast.committee.user)
    events = pghistory.models.Events.objects.tracks(Petition.objects.get(pk=petition.pk)).order_by("pgh_created_at")
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert [e.pgh_context["user"] for e in events] == [cast.secretary.user.pk, cast.committee.user.pk]
