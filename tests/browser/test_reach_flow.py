"""Issue 17's whole path on a 360 px phone: a member with only a phone number signs in with a
code by SMS (fake eSMS gateway on 127.0.0.1), installs the app, turns on web push and SMS,
gets the meeting reminder by both (the fake push service decrypts what the phone receives and
the test hands it to the app's service worker, as the push service would), then loses signal
and still reads the next meeting.

Headless Chromium cannot reach a real push service, so the page's `pushManager.subscribe` is
answered with a subscription on the fake service (its keys made by the test); everything after
that — the page posting it, the server signing and encrypting, the worker showing it — is real.
"""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings import reminders
from meetings.services.schedule import meeting_schedule
from members.services import user_create_for_member
from notifications.models import Delivery, PushSubscription
from notifications.services.dispatch import dispatches_create
from tests import factories as f
from tests.browser.conftest import new_page, open_menu, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLACE = "Nhà văn hóa thôn Đông"

# Answers the page's subscribe with the fake service's browser (set as window.__fakePush).
FAKE_SUBSCRIBE = """
(() => {
  const made = () => window.__fakePush && {
    endpoint: window.__fakePush.endpoint,
    options: { applicationServerKey: null },
    toJSON: () => window.__fakePush,
    unsubscribe: () => Promise.resolve(true),
  };
  let current = null;
  if (self.PushManager) {
    PushManager.prototype.subscribe = function () { current = made(); return Promise.resolve(current); };
    PushManager.prototype.getSubscription = function () { return Promise.resolve(current); };
  }
})();
"""


@pytest.fixture
def phone(browser, live_server):
    page = new_page(browser, live_server, width=360, height=740, name="phone", timeout_ms=20_000,
                    service_workers="allow")
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.context.add_init_script(FAKE_SUBSCRIBE)
    yield page
    page.context.close()


def worker_registration_id(page) -> str:
    """The service worker's registration id, as DevTools knows it (to deliver a push to it)."""
    session = page.context.new_cdp_session(page)
    seen = []
    session.on("ServiceWorker.workerRegistrationUpdated", lambda event: seen.extend(event["registrations"]))
    session.send("ServiceWorker.enable")
    for _ in range(200):  # events arrive while Playwright waits; 20 s at most
        if any(not r.get("isDeleted") for r in seen):
            break
        page.wait_for_timeout(100)
    (registration,) = [r for r in seen if not r.get("isDeleted")][:1]
    return session, registration["registrationId"]


def test_a_member_with_only_a_phone_gets_the_reminder_by_push_and_sms_and_reads_it_offline(
        phone, tree, gateway, push):
    page = phone
    record = f.member(tree.a1, name="Đỗ Văn Điện", phone="0912 345 678")
    user_create_for_member(member=record, username="dienvd")
    assert not record.user.email

    # Sign in with a code by SMS.
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_role("link", name="Gửi mã đăng nhập cho tôi").click()
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_role("button", name="Nhận mã").click()
    page.wait_for_url("**/accounts/login/code/confirm/")
    (text,) = gateway.texts_to("+84912345678")
    page.get_by_label("Mã xác thực").fill(re.search(r"\d{6}", text).group(0))
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(page.base_url + "/")
    expect(page.get_by_role("heading", name="Chào đồng chí Đỗ Văn Điện")).to_be_visible()

    # Installable: a manifest and an active service worker.
    manifest = page.evaluate("""fetch(document.querySelector('link[rel=manifest]').href)
        .then((response) => response.json())""")
    assert manifest["lang"] == "vi" and manifest["display"] == "standalone"
    assert page.evaluate("navigator.serviceWorker.ready.then((registration) => Boolean(registration.active))")

    # Settings: SMS on for reminders, push on on this phone.
    browser_keys = push.browser()
    page.evaluate("(subscription) => { window.__fakePush = subscription; }", browser_keys.to_json())
    open_menu(page)
    page.get_by_role("link", name="Cài đặt").click()
    page.get_by_role("link", name=re.compile("Thông báo")).first.click()
    page.get_by_label("Tin nhắn SMS").check()
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()
    page.evaluate("(subscription) => { window.__fakePush = subscription; }", browser_keys.to_json())
    page.get_by_role("button", name="Bật trên máy này").click()
    expect(page.locator("#push [data-push-state=on]")).to_be_visible()
    assert PushSubscription.objects.filter(user=record.user, endpoint=browser_keys.endpoint).exists()
    screenshot(page, "reach-settings")

    # The meeting in 90 minutes: the two-hour reminder is due, and goes by push and SMS.
    meeting = meeting_schedule(cell=tree.a1, starts_at=timezone.now() + dt.timedelta(minutes=90), place=PLACE,
                               agenda="Kiểm điểm tháng")
    now = timezone.now()
    dispatches_create(requests=reminders.reminders_due(now), now=now)
    sent = dict(Delivery.objects.filter(member=record, key__startswith=f"meeting:{meeting.pk}:reminder:")
                .values_list("channel", "status"))
    assert sent == {"inapp": "sent", "push": "sent", "sms": "sent"}
    (sms,) = [t for t in gateway.texts_to("+84912345678") if PLACE in t]
    (pushed,) = push.pushes
    assert PLACE in pushed["payload"]["body"]

    session, registration_id = worker_registration_id(page)
    session.send("ServiceWorker.deliverPushMessage", {
        "origin": page.base_url, "registrationId": registration_id, "data": json.dumps(pushed["payload"]),
    })
    page.wait_for_function("""navigator.serviceWorker.ready
        .then((registration) => registration.getNotifications())
        .then((shown) => shown.length === 1)""")
    shown = page.evaluate("""navigator.serviceWorker.ready.then((registration) => registration.getNotifications())
        .then((shown) => shown.map((n) => ({title: n.title, body: n.body, url: n.data && n.data.url})))""")
    assert shown[0]["title"] == pushed["payload"]["title"] and PLACE in shown[0]["body"]
    assert shown[0]["url"].endswith(f"/meetings/{meeting.public_id}/")
    session.detach()

    # The home page, seen once with signal, is there without it.
    page.goto(page.base_url + "/")
    expect(page.locator("section.next-meeting")).to_contain_text(PLACE)
    page.wait_for_function("caches.open('handbook-pages').then((cache) => cache.match('/')).then(Boolean)")
    screenshot(page, "reach-home")
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("section.next-meeting")).to_contain_text(PLACE)
    expect(page.locator(".offline-note")).to_be_visible()
    screenshot(page, "reach-home-offline")
    page.context.set_offline(False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.console_errors == []
