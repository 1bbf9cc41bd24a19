"""Conduct tests reuse the standing cast (tests/conftest.py): cell A1 with `secretary` and
`member`, `committee` on commune A's standing committee, `orgcom` on the province's
organisation committee, `outsider` secretary of B1 in commune B."""

import datetime as dt

import pytest

from conduct.services import commendation_record, discipline_record
from tests import factories as f

DAY = dt.date(2025, 6, 10)


@pytest.fixture
def neighbour(cast):
    """A plain member of the same cell as `member`."""
    return f.member(cast.tree.a1, name="Đỗ Văn Bên", username="neighbour")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def commend(member, **fields):
    values = {"kind": "certificate_of_merit", "decision_number": "12-QĐ/ĐU", "decision_date": DAY,
              "issuing_body": "Ban Thường vụ Đảng ủy xã", "reason": "Hoàn thành xuất sắc nhiệm vụ"}
    return commendation_record(member=member, **{**values, **fields})


def discipline(member, **fields):
    values = {"level": "reprimand", "decision_number": "3-QĐ/CB", "decision_date": DAY,
              "issuing_body": "Chi bộ thôn Đông", "reason": "Vi phạm quy định sinh hoạt"}
    return discipline_record(member=member, **{**values, **fields})
