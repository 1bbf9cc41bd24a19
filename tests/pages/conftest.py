from types import SimpleNamespace

import pytest

from meetings.services.schedule import meeting_schedule
from tests import factories as f


@pytest.fixture
def meetings(cast):
    """The member's next meeting, and one of a cell in another commune (out of the member's scope)."""
    return SimpleNamespace(
        next=meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3), place="Nhà văn hóa thôn Đông"),
        elsewhere=meeting_schedule(cell=cast.tree.b1, starts_at=f.at(4)),
    )
