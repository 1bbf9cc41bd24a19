"""Parts of the member pages that are the same for every member of a cell, kept in the cache.

The member's home shows the next meetings of the member's cells, their documents and the cells'
recent resolutions; the meeting list shows a cell's meetings; a meeting's page shows its documents
and the comments on its draft (the same for all but the cell's officers, whose list has buttons to
remove a document: theirs is never kept). Those parts are rendered once per
cell (or set of cells), language and variant, and kept under the cells' generation tokens
(common/cell_versions.py): the services that change what they show (a meeting scheduled, moved,
cancelled or held, a document posted or removed, a draft or comment, minutes, an excuse, a cell
renamed) call `cells_changed`, and the next request renders afresh. What is the member's own (the
excuse, the attendance, the officer's links) is never in them. The officers' cell home is kept the
same way, per cell and variant; what it reads beyond the meetings (fees, memberships, statuses, the
series) is listed in meetings/views/cell.py.

A member's own part that is costly to render (the year's attendance) is kept under the hash of
what it shows instead (`rendered`): PostgreSQL computes that hash of its rows on every request
(meetings.selectors.member_attendance_fingerprint); the rows are read and rendered only when it is new.

An entry also ends at the next moment its text changes by itself (a countdown at midnight, a
"in progress" pill at a meeting's start or end), and after MAX_AGE at most: what a write outside
the services (the admin site, a bulk fix in a shell) leaves stale lasts no longer than that. A
cache that is down, or `HANDBOOK_PAGE_CACHE = False`, renders every page in full.
"""

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from common import cell_versions

logger = logging.getLogger(__name__)

MAX_AGE = 600


class Slot:
    """Where one part of one page is kept; a slot without a key keeps nothing."""

    def __init__(self, key: str | None):
        self.key = key

    def get(self) -> dict | None:
        if self.key is None:
            return None
        try:
            entry = cache.get(self.key)
        except Exception:  # an accelerator: the page is built without it
            logger.warning("page cache unavailable", exc_info=True)
            return None
        # Checked here too, not only by the cache's own expiry: the clock decides what the part says.
        if entry is None or entry["until"] <= timezone.now().timestamp():
            return None
        return entry["value"]

    def put(self, value: dict, *, until: dt.datetime | None = None) -> None:
        if self.key is None:
            return
        now = timezone.now().timestamp()
        ends = min(now + MAX_AGE, until.timestamp() if until else now + MAX_AGE)
        if ends - now < 1:
            return
        try:
            cache.set(self.key, {"until": ends, "value": value}, int(ends - now))
        except Exception:
            logger.warning("page cache unavailable", exc_info=True)


def slot(name: str, cell_ids, *variant) -> Slot:
    """The slot of the part `name` of the cells `cell_ids`, in the current language. Call it before
    reading what the part shows, so a change committed meanwhile is a new token, not a stale entry."""
    if not settings.HANDBOOK_PAGE_CACHE:
        return Slot(None)
    tokens = cell_versions.tokens(cell_ids)
    if tokens is None:
        return Slot(None)
    parts = [name, translation.get_language() or settings.LANGUAGE_CODE, *map(str, variant), tokens]
    return Slot("page-part:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40])


def rendered(name: str, content, render) -> str:
    """A part rendered by `render()`, kept under the hash of `content()` (everything the part shows,
    as text, or a hash of it) and the language: content-addressed like the calendar feeds, so a
    change is a new key and there is nothing to invalidate. For what is one member's own (their
    attendance); `content` is not asked for when nothing is kept."""
    if not settings.HANDBOOK_PAGE_CACHE or not getattr(cache, "available", True):
        return render()
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = "page-part:" + hashlib.sha256(f"{name}|{language}|{content()}".encode()).hexdigest()[:40]
    try:
        html = cache.get(key)
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
        return render()
    if html is None:
        html = render()
        try:
            cache.set(key, html, MAX_AGE)
        except Exception:
            logger.warning("page cache unavailable", exc_info=True)
    return html


def next_change(meetings, *, now: dt.datetime, daily: bool = False, moments=()) -> dt.datetime | None:
    """The first moment after `now` at which a part showing these meetings reads differently: a
    meeting starts or ends (its pill, whether it is still upcoming), or, for parts that count the
    days to a meeting, the next local midnight, or one of the other `moments` the part depends on
    (a deadline passing)."""
    moments = [moment for moment in moments if moment > now] + [
        moment for meeting in meetings for moment in (meeting.starts_at, meeting.ends_at) if moment > now]
    if daily:
        tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
        moments.append(timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min)))
    return min(moments, default=None)
