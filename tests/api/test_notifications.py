"""The member's notifications through the API: list, unread filter, mark read; someone else's is 404."""

from notifications.models import Notification


def notify(user, subject="Nhắc lịch sinh hoạt"):
    return Notification.objects.create(user=user, kind="meeting_reminder", subject=subject, body="Tối nay 19:30")


def test_a_member_lists_and_reads_their_notifications(cast, api):
    first = notify(cast.member.user, "Một")
    notify(cast.member.user, "Hai")
    notify(cast.outsider.user, "Của người khác")
    client = api(cast.member)
    body = client.get("/api/v1/notifications/").json()
    assert [n["subject"] for n in body["results"]] == ["Hai", "Một"]
    read = client.post(f"/api/v1/notifications/{first.public_id}/read/").json()
    assert read["read_at"] is not None
    assert [n["subject"] for n in client.get("/api/v1/notifications/?unread=true").json()["results"]] == ["Hai"]
    assert client.post("/api/v1/notifications/read-all/").status_code == 204
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 0


def test_someone_elses_notification_is_a_404(cast, api):
    theirs = notify(cast.outsider.user)
    response = api(cast.member).post(f"/api/v1/notifications/{theirs.public_id}/read/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
