"""Consultation tests reuse the standing cast (tests/conftest.py): commune A (standing
committee: `committee`) with cells A1 (`secretary`, `member`) and A2 (`committee` is its
secretary), commune B with cell B1 (`outsider`), all under the province (`orgcom`)."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from consultations.services import PointChoice, comment_add, consultation_publish, summary_save
from tests import factories as f


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def people(cast):
    """Besides the cast: a plain member of A2, and a second member of A1."""
    return SimpleNamespace(
        a2_member=f.member(cast.tree.a2, name="Ngô Thị Hai", username="a2member"),
        neighbour=f.member(cast.tree.a1, name="Đỗ Văn Bên", username="neighbour"),
    )


def closing(days=10) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def publish(publisher, actor=None, **fields):
    values = {"title": "Dự thảo Nghị quyết Đại hội Đảng bộ tỉnh", "issuing_body": "Ban Chấp hành Đảng bộ tỉnh",
              "closing_on": closing(), "summary": "Xin ý kiến về phương hướng phát triển kinh tế - xã hội."}
    return consultation_publish(publisher=publisher, actor=actor, **{**values, **fields})


@pytest.fixture
def draft(cast, django_capture_on_commit_callbacks):
    """A draft put by commune A to its cells; its final summary goes to the province."""
    with django_capture_on_commit_callbacks(execute=True):
        return publish(cast.tree.commune_a, actor=cast.committee.user, send_final_up=True)


def comment(consultation, member, cell, text="Đề nghị bổ sung chỉ tiêu về chuyển đổi số."):
    return comment_add(consultation=consultation, member=member, cell=cell, text=text)


def send(consultation, org, *, comments=(), children=(), text="Tổng hợp ý kiến của chi bộ.", actor=None,
         group="Về kinh tế", send=True):
    points = [PointChoice(comment_id=c.pk, taken=True, group=group) for c in comments]
    points += [PointChoice(child_summary_id=s.pk, taken=True, group=group) for s in children]
    return summary_save(consultation=consultation, organization=org, text=text, points=points, send=send, actor=actor)
