"""The demo's library: directives of the province and of a commune as real PDF and Word files
whose text is searchable, and the meetings' documents put there by the registered sources."""

import datetime as dt
from types import SimpleNamespace

from library import demo, selectors
from library.models import LibraryEntry
from meetings.services.documents import document_add
from meetings.services.schedule import meeting_schedule
from members.access import scope_for
from tests import factories as f
from tests.library.conftest import pdf_upload


def test_the_demo_puts_directives_and_meeting_documents_in_the_library(cast, django_capture_on_commit_callbacks):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3))
    document_add(meeting=meeting, upload=pdf_upload(text="Phòng, chống thiên tai."))  # before the library existed
    cells = [SimpleNamespace(commune_id=cast.tree.commune_a.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(rng=None, today=dt.date(2026, 12, 5), cells=cells, members=[], scale="commune")
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(rng=None, today=dt.date(2026, 12, 5), cells=cells, members=[], scale="commune")  # idempotent
    assert LibraryEntry.objects.count() == 4
    assert set(LibraryEntry.objects.values_list("kind", flat=True)) == {"directive", "resolution", "meeting_document"}
    found = selectors.entries_search(scope_for(cast.member.user), selectors.Filters(text="so tay dien tu"))
    assert [e.title for e in found] == ["Nghị quyết số 12-NQ/TU về chuyển đổi số trong sinh hoạt chi bộ"]
    found = selectors.entries_search(scope_for(cast.member.user), selectors.Filters(text="thien tai"))
    assert len(found) == 2  # the commune's plan and the meeting's report
    assert not selectors.entries_search(scope_for(cast.outsider.user), selectors.Filters(text="thien tai")).exists()
