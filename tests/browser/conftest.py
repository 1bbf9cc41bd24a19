"""Playwright through Debian's Chromium. In CI (CI=true) a missing browser fails the run."""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if path is None:
        message = "Chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def new_page(browser, live_server, *, width: int, height: int, name: str, timeout_ms: int = 15_000, **options):
    """A page in a new context of its own, in Vietnamese and Hanoi time, that counts console errors."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh", **options)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    page.base_url = live_server.url
    page.viewport_name = name
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    return page


@pytest.fixture(params=[(1280, 860), (360, 740)], ids=["desktop", "phone"])
def page(browser, live_server, request):
    width, height = request.param
    page = new_page(browser, live_server, width=width, height=height, name=request.node.callspec.id)
    yield page
    page.context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}-{page.viewport_name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, username: str, password: str = "pw-12345-test") -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form:has(input[name=login]) button[type=submit]").click()
    page.wait_for_load_state()


def open_menu(page) -> None:
    """On a phone the site's menu is behind a button (a <details>): open it when it is closed."""
    button = page.locator("details.menu > summary")
    if button.is_visible() and page.locator("details.menu[open]").count() == 0:
        button.click()
