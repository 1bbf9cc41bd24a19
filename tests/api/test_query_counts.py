"""Every list and detail keeps the same number of SQL queries as the data grow (two sizes each)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.services import token_issue
from meetings.models import DraftComment, DraftResolution
from meetings.services.schedule import meeting_schedule
from notifications.models import Notification
from tests import factories as f


def signed_in(client):
    # The first call with a token also notes its last use (one UPDATE); measure from the second.
    client.get("/api/v1/me/")
    return client


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured)


def grow_meetings(cast, start, count):
    for day in range(start, start + count):
        meeting_schedule(cell=cast.tree.a1, starts_at=f.at(day), kind="extraordinary")


def grow_members(cast, count):
    for _ in range(count):
        f.member(cast.tree.a1)


@pytest.mark.parametrize(("path", "grow"), [
    ("/api/v1/meetings/", lambda cast, n: grow_meetings(cast, 3 + 10 * n, 2 + 8 * n)),
    ("/api/v1/meetings/?when=all&date_from=2020-01-01", lambda cast, n: grow_meetings(cast, 3 + 10 * n, 2 + 8 * n)),
    ("/api/v1/cells/{a1}/meetings/", lambda cast, n: grow_meetings(cast, 3 + 10 * n, 2 + 8 * n)),
    ("/api/v1/cells/{a1}/members/", lambda cast, n: grow_members(cast, 2 + 8 * n)),
    ("/api/v1/cells/{a1}/members/?q=nguyen", lambda cast, n: grow_members(cast, 2 + 8 * n)),
    ("/api/v1/notifications/", lambda cast, n: [
        Notification.objects.create(user=cast.secretary.user, kind="meeting_reminder", subject=f"Nhắc {i}", body="")
        for i in range(2 + 8 * n)]),
    ("/api/v1/auth/tokens/", lambda cast, n: [token_issue(user=cast.secretary.user, name="x") for _ in range(2 + 8 * n)]),
    ("/api/v1/me/", lambda cast, n: [f.seat(cast.secretary, org) for org in
                                     ([cast.tree.commune_b] if n == 0 else [cast.tree.province])]),
])
def test_lists_keep_a_constant_number_of_queries(cast, api, path, grow):
    client = signed_in(api(cast.secretary))
    path = path.format(a1=cast.tree.a1.public_id)
    grow(cast, 0)
    small = queries(client, path)
    grow(cast, 1)
    assert queries(client, path) == small


def test_the_committees_lists_keep_a_constant_number_of_queries(cast, api):
    client = signed_in(api(cast.orgcom))
    path = f"/api/v1/organizations/{cast.tree.province.public_id}/cells/"
    small = queries(client, path)
    for n in range(6):
        f.org(f"Chi bộ mới {n}", parent=cast.tree.commune_b)
    assert queries(client, path) == small
    assert queries(client, "/api/v1/organizations/") <= small


def test_the_meeting_detail_and_comments_keep_a_constant_number_of_queries(cast, api, meeting):
    client = signed_in(api(cast.member))
    detail, comments = f"/api/v1/meetings/{meeting.meeting.public_id}/", f"/api/v1/meetings/{meeting.meeting.public_id}/comments/"
    small = (queries(client, detail), queries(client, comments))
    draft = DraftResolution.objects.get(meeting=meeting.meeting)
    for n in range(10):
        DraftComment.objects.create(draft=draft, member=cast.member, text=f"Ý kiến {n}")
    assert (queries(client, detail), queries(client, comments)) == small


def test_the_roll_call_keeps_a_constant_number_of_queries(cast, api):
    import datetime as dt

    from django.utils import timezone

    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=timezone.now() + dt.timedelta(minutes=20), kind="extraordinary")
    client = signed_in(api(cast.secretary))
    path = f"/api/v1/meetings/{meeting.public_id}/roll-call/"
    small = queries(client, path)
    grow_members(cast, 10)
    assert queries(client, path) == small
