"""The installable app on a 360 px phone: manifest and service worker, the next meeting without
signal, kept pages forgotten at sign-out; the compact header; no page scrolls sideways."""

import pytest
from django.core.signals import request_started
from django.urls import reverse
from playwright.sync_api import expect

from meetings.models import Attendance
from meetings.services.documents import document_add
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_schedule
from tests import factories as f
from tests.browser.conftest import new_page, screenshot, sign_in
from tests.meetings.conftest import pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEPT = "caches.open('handbook-pages').then((cache) => cache.match(%r)).then(Boolean)"
KEPT_AS_MADE = ("caches.open('handbook-pages').then((cache) => cache.match(%r))"
                ".then((kept) => kept && kept.text()).then((text) => Boolean(text) && text.includes(%r))")
FORGOTTEN = "caches.open('handbook-pages').then((cache) => cache.match(%r)).then((found) => !found)"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def phone(browser, live_server):
    page = new_page(browser, live_server, width=360, height=740, name="phone", service_workers="allow")
    yield page
    page.context.close()


@pytest.fixture
def server_paths():
    """Paths the live server was asked for (it runs in this process)."""
    paths = []

    def record(sender, environ=None, **kwargs):
        paths.append(environ.get("PATH_INFO", "") if environ else "")

    request_started.connect(record, dispatch_uid="pwa-flow-paths")
    yield paths
    request_started.disconnect(dispatch_uid="pwa-flow-paths")


@pytest.fixture
def week(cast):
    """Cell A1's next meeting with a document, and a meeting held last month."""
    t = cast.tree
    held = meeting_schedule(cell=t.a1, starts_at=f.at(-30), agenda="Kiểm điểm tháng")
    attendance_record(meeting=held, entries={
        cast.secretary.pk: (Attendance.Status.PRESENT, ""), cast.member.pk: (Attendance.Status.PRESENT, ""),
    })
    upcoming = meeting_schedule(cell=t.a1, starts_at=f.at(3), place="Nhà văn hóa thôn Đông",
                                agenda="1. Kiểm điểm tháng\n2. Phương hướng tháng tới")
    document_add(meeting=upcoming, upload=pdf("Báo cáo tháng.pdf"), title="Báo cáo tháng")
    return upcoming


def header_height(page) -> float:
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_the_member_installs_the_app_and_reads_the_next_meeting_without_signal(phone, cast, week, server_paths):
    page = phone
    sign_in(page, "member")
    page.goto(page.base_url + "/")
    assert page.evaluate("navigator.serviceWorker.ready.then((registration) => Boolean(registration.active))")
    manifest = page.evaluate("""fetch(document.querySelector('link[rel=manifest]').href)
        .then((response) => response.json().then((body) => [response.status, body]))""")
    assert manifest[0] == 200 and manifest[1]["lang"] == "vi" and manifest[1]["short_name"]
    page.wait_for_function(KEPT % "/")  # the first page, seen before the worker took control, is kept too
    document_url = reverse("document_download", args=[week.documents.get().public_id])
    page.wait_for_function(KEPT % document_url)  # the next meeting's document, fetched for later
    page.get_by_role("link", name="Xem chi tiết").click()
    page.wait_for_function(KEPT % reverse("meeting_detail", args=[week.public_id]))
    page.go_back()
    made_at = page.locator(".site-footer time").get_attribute("datetime")
    page.wait_for_function(KEPT_AS_MADE % ("/", made_at))  # this very copy

    page.context.set_offline(True)
    asked_before = len(server_paths)
    page.reload()
    card = page.locator("section.next-meeting")
    expect(card).to_contain_text("Nhà văn hóa thôn Đông")
    expect(page.locator(".offline-note")).to_be_visible()
    expect(page.locator(".offline-note")).to_contain_text("Không có kết nối")
    assert page.locator(".site-footer time").get_attribute("datetime") == made_at
    assert "/" not in server_paths[asked_before:]  # the kept copy, not the server
    screenshot(page, "pwa-home-offline")

    page.get_by_role("link", name="Xem chi tiết").click()
    expect(page.get_by_text("Báo cáo tháng").first).to_be_visible()
    assert page.evaluate(f"fetch({document_url!r}).then((response) => response.status)") == 200

    page.goto(page.base_url + reverse("settings_index"))  # never opened: not kept
    expect(page.get_by_role("heading", name="Không có kết nối")).to_be_visible()
    screenshot(page, "pwa-offline-page")

    page.context.set_offline(False)
    page.goto(page.base_url + "/")
    page.locator(".menu > summary").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()
    page.goto(page.base_url + reverse("account_login"))
    page.wait_for_function(FORGOTTEN % "/")
    assert not page.evaluate(KEPT % reverse("meeting_detail", args=[week.public_id]))
    assert page.console_errors == []


def test_the_phone_header_is_one_short_row_with_the_menu_behind_a_button(phone, cast, week):
    page = phone
    sign_in(page, "committee")
    page.goto(page.base_url + "/")
    assert header_height(page) <= 100
    menu = page.locator(".menu > .header-nav")
    expect(menu).to_be_hidden()
    page.get_by_text("Danh mục", exact=True).click()
    expect(menu.get_by_role("link", name="Cài đặt")).to_be_visible()
    expect(menu.get_by_role("link", name="Báo cáo")).to_be_visible()
    assert fits_the_screen(page)
    screenshot(page, "pwa-menu-open")
    sizes = page.evaluate("""[...document.querySelectorAll('label, th, .stat-label, .count-label, .pill, dt')]
        .filter((node) => node.offsetParent !== null)
        .map((node) => parseFloat(getComputedStyle(node).fontSize))""")
    assert all(size >= 14 for size in sizes), sizes


def test_no_main_page_scrolls_sideways_on_a_phone(phone, cast, week):
    page = phone
    t = cast.tree
    pages = {
        "member": ["/", reverse("meeting_detail", args=[week.public_id]), reverse("inbox"),
                   reverse("settings_index"), reverse("notification_settings"), reverse("calendar_settings"),
                   reverse("fees_mine"), "/no-such-page/"],
        "secretary": ["/", reverse("cell_home", args=[t.a1.public_id]), reverse("cell_meetings", args=[t.a1.public_id]),
                      reverse("roster", args=[t.a1.public_id]), reverse("meeting_new", args=[t.a1.public_id]),
                      reverse("roll_call", args=[week.public_id]), reverse("member_detail", args=[cast.member.public_id]),
                      reverse("fees_sheet", args=[t.a1.public_id]), reverse("admissions_candidates", args=[t.a1.public_id]),
                      reverse("conduct_cell", args=[t.a1.public_id])],
        "committee": ["/", reverse("dashboard"), reverse("org_dashboard", args=[t.commune_a.public_id]),
                      reverse("monthly_report", args=[t.commune_a.public_id]), reverse("cell_report", args=[t.a1.public_id]),
                      reverse("fees_committee", args=[t.commune_a.public_id]),
                      reverse("admissions_committee", args=[t.commune_a.public_id]),
                      reverse("conduct_committee", args=[t.commune_a.public_id])],
    }
    reports = {reverse("org_dashboard", args=[t.commune_a.public_id]), reverse("cell_report", args=[t.a1.public_id]),
               reverse("monthly_report", args=[t.commune_a.public_id])}
    too_wide = []
    for username, paths in pages.items():
        page.context.clear_cookies()
        sign_in(page, username)
        for path in paths:
            page.goto(page.base_url + path)
            if not fits_the_screen(page) or header_height(page) > 100:
                too_wide.append((username, path, page.evaluate("document.documentElement.scrollWidth"), header_height(page)))
            if path in reports:  # report tables scroll in their own labelled, focusable box
                for region in page.locator(".table-wrap").all():
                    assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
                    assert region.get_attribute("aria-label") or region.get_attribute("aria-labelledby")
    assert too_wide == []


def test_screenshots_of_the_main_pages_at_360(phone, cast, week):
    page = phone
    sign_in(page, "member")
    page.goto(page.base_url + "/")
    screenshot(page, "pwa-home")
    page.goto(page.base_url + reverse("meeting_detail", args=[week.public_id]))
    screenshot(page, "pwa-meeting")
    page.goto(page.base_url + "/no-such-page/")
    expect(page.get_by_role("heading", name="Không tìm thấy trang")).to_be_visible()
    screenshot(page, "pwa-404")
    page.context.clear_cookies()
    sign_in(page, "committee")
    page.goto(page.base_url + reverse("org_dashboard", args=[cast.tree.commune_a.public_id]))
    screenshot(page, "pwa-dashboard")
