"""The inbox, the unread count in the header, notification settings and the language choice."""

import datetime as dt

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from members.models import User
from notifications.models import BadAddress, ChannelPreference, Notification
from notifications.selectors import notices_opened_by_cell
from tests import factories as f


def _message(user, subject="Nhắc lịch sinh hoạt", *, minutes_ago=0, link="http://localhost:8000/meetings/x/", read=False):
    created = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return Notification.objects.create(user=user, kind="meeting_reminder", subject=subject, body="Nội dung\nDòng hai",
                                       link=link, created_at=created, read_at=created if read else None)


@pytest.fixture
def hoa(tree):
    return f.member(tree.a1, name="Lê Thị Hoa", username="hoa", email="hoa@example.org")


@pytest.fixture
def other(tree):
    return f.member(tree.b1, name="Vũ Văn Ngoài", username="ngoai", email="ngoai@example.org")


def test_the_inbox_needs_a_sign_in(db, client):
    response = client.get(reverse("inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_inbox_lists_only_the_users_own_messages_newest_first_with_the_unread_count(client, hoa, other):
    _message(hoa.user, "Thông báo cũ", minutes_ago=60, read=True)
    _message(hoa.user, "Nhắc lịch mới", minutes_ago=1)
    _message(other.user, "Việc riêng chi bộ khác")
    client.force_login(hoa.user)
    page = client.get(reverse("inbox")).content.decode()
    assert page.index("Nhắc lịch mới") < page.index("Thông báo cũ")
    assert "Việc riêng chi bộ khác" not in page
    assert '<span class="badge-count" aria-hidden="true">1</span>' in page
    assert "1 thông báo chưa đọc" in page
    assert "Hộp thư" in page and "Đánh dấu tất cả đã đọc" in page


def test_marking_one_as_read_lowers_the_count(client, hoa):
    first, second = _message(hoa.user, "Một"), _message(hoa.user, "Hai")
    client.force_login(hoa.user)
    response = client.post(reverse("inbox_read", args=[first.public_id]))
    assert response.status_code == 302 and response["Location"] == reverse("inbox")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert '<span class="badge-count" aria-hidden="true">1</span>' in client.get(reverse("inbox")).content.decode()


def test_opening_a_message_marks_it_read_and_follows_its_link_on_this_site(client, hoa):
    message = _message(hoa.user, link="http://localhost:8000/meetings/abc/?tab=docs#agenda")
    client.force_login(hoa.user)
    response = client.post(reverse("inbox_read", args=[message.public_id]), {"open": "1"})
    assert response["Location"] == "/meetings/abc/?tab=docs#agenda"
    message.refresh_from_db()
    assert message.read_at is not None


def test_a_site_opened_under_another_name_stays_on_that_name(client, hoa, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "10.0.0.5"]
    message = _message(hoa.user, link=settings.SITE_URL + "/meetings/abc/")
    client.force_login(hoa.user)
    response = client.post(reverse("inbox_read", args=[message.public_id]), {"open": "1"}, HTTP_HOST="10.0.0.5")
    assert response["Location"] == "/meetings/abc/"  # relative: the browser keeps 10.0.0.5


@pytest.mark.parametrize("link", ["//evil.example.com/", "http://localhost:8000//evil.example.com/",
                                  "http://localhost:8000/\\evil.example.com/", "javascript:alert(1)"])
def test_a_link_that_would_leave_the_site_is_not_followed(client, hoa, link):
    message = _message(hoa.user, link=link)
    client.force_login(hoa.user)
    response = client.post(reverse("inbox_read", args=[message.public_id]), {"open": "1"})
    assert response["Location"] == reverse("inbox")


def test_a_link_to_another_site_is_not_followed(client, hoa):
    message = _message(hoa.user, link="https://evil.example.com/")
    client.force_login(hoa.user)
    response = client.post(reverse("inbox_read", args=[message.public_id]), {"open": "1"})
    assert response["Location"] == reverse("inbox")


def test_mark_all_as_read(client, hoa, other):
    for n in range(3):
        _message(hoa.user, f"Tin {n}")
    theirs = _message(other.user)
    client.force_login(hoa.user)
    client.post(reverse("inbox_read_all"))
    assert not Notification.objects.filter(user=hoa.user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "badge-count" not in client.get(reverse("inbox")).content.decode()


def test_an_outsider_cannot_read_or_mark_someone_elses_message(client, hoa, other):
    message = _message(hoa.user)
    client.force_login(other.user)
    assert client.post(reverse("inbox_read", args=[message.public_id])).status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_marking_needs_a_post(client, hoa):
    message = _message(hoa.user)
    client.force_login(hoa.user)
    assert client.get(reverse("inbox_read", args=[message.public_id])).status_code == 405


@pytest.mark.parametrize("count", [3, 45])
def test_the_inbox_keeps_a_constant_number_of_queries(client, hoa, count, django_assert_max_num_queries):
    Notification.objects.bulk_create([
        Notification(user=hoa.user, kind="k", subject=f"Tin {n}", body="Nội dung") for n in range(count)])
    client.force_login(hoa.user)
    client.get(reverse("inbox"))  # warm the session
    with django_assert_max_num_queries(8):
        response = client.get(reverse("inbox"), {"page": 2 if count > 20 else 1})
    assert response.status_code == 200


def test_the_unread_badge_costs_one_query(hoa, django_assert_num_queries):
    _message(hoa.user)
    template = Template("{% load notifications %}{% unread_badge %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"user": hoa.user}))
    assert ">1<" in html


def test_more_than_99_unread_show_as_99_plus(hoa):
    Notification.objects.bulk_create([Notification(user=hoa.user, kind="k", subject="s") for _ in range(120)])
    html = Template("{% load notifications %}{% unread_badge %}").render(Context({"user": hoa.user}))
    assert ">99+<" in html and "120" in html


# --- Settings ------------------------------------------------------------------------------------

def test_settings_show_the_address_and_save_channels_and_language(client, hoa):
    client.force_login(hoa.user)
    page = client.get(reverse("notification_settings")).content.decode()
    assert "hoa@example.org" in page and "Luôn bật" in page
    response = client.post(reverse("notification_settings"), {"language": "en"})  # email unticked
    assert response.status_code == 302
    hoa.user.refresh_from_db()
    assert hoa.user.language == "en"
    assert ChannelPreference.objects.get(user=hoa.user, channel="email").enabled is False
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Notification settings" in client.get(reverse("notification_settings")).content.decode()


def test_a_bad_choice_is_explained_and_nothing_is_saved(client, hoa):
    client.force_login(hoa.user)
    response = client.post(reverse("notification_settings"), {"language": "xx", "channel_email": "on"})
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    hoa.user.refresh_from_db()
    assert hoa.user.language == "vi" and not ChannelPreference.objects.exists()


def test_a_member_sees_their_refused_address_and_can_clear_only_their_own(client, hoa, other):
    BadAddress.objects.create(channel="email", address="hoa@example.org", error="550 No such mailbox")
    BadAddress.objects.create(channel="email", address="ngoai@example.org", error="550 No such mailbox")
    client.force_login(hoa.user)
    page = client.get(reverse("notification_settings")).content.decode()
    assert "Không gửi được thư đến địa chỉ này" in page and "hoa@example.org" in page
    assert "ngoai@example.org" not in page
    client.post(reverse("notification_address_retry"), {"channel": "email"})
    assert list(BadAddress.objects.values_list("address", flat=True)) == ["ngoai@example.org"]


def test_the_header_language_switch_is_saved_on_the_account(client, hoa):
    client.force_login(hoa.user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert User.objects.get(pk=hoa.user.pk).language == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})  # ignored
    assert User.objects.get(pk=hoa.user.pk).language == "en"


def test_the_accounts_language_wins_over_the_browsers(client, hoa):
    User.objects.filter(pk=hoa.user.pk).update(language="en")
    client.force_login(User.objects.get(pk=hoa.user.pk))
    page = client.get(reverse("inbox"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "No messages yet" in page


def test_switching_language_signed_out_still_works(db, client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302


def test_notices_opened_are_counted_per_cell_for_the_roll_ups(tree, hoa, other):
    since = timezone.now() - dt.timedelta(days=30)
    _message(hoa.user, read=True)
    _message(hoa.user, "Cũ", minutes_ago=60 * 24 * 40, read=True)
    _message(other.user)  # unread
    assert notices_opened_by_cell(since=since) == {tree.a1.pk: 1, tree.b1.pk: 0}
    assert notices_opened_by_cell(since=since, kinds=["nudge_badge"]) == {tree.a1.pk: 0, tree.b1.pk: 0}
