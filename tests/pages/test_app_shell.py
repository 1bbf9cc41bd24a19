"""The installable app's manifest, worker and offline page; the page shell (header, htmx, time, gzip)."""

import gzip
import json
import re

from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image


def test_the_manifest_is_vietnamese_with_icons_of_192_and_512(db, client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["lang"] == "vi" and manifest["name"] == "Sổ tay Đảng viên"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone" and manifest["theme_color"]
    sizes = {icon["sizes"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_every_page_names_the_manifest_and_the_theme(cast, login):
    html = login(cast.member).get(reverse("home")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color"' in html


def test_the_service_worker_is_served_at_the_root_as_javascript(db, client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    source = response.content.decode()
    assert '"/offline/"' in source and "handbook-pages" in source
    assert 'request.method !== "GET"' in source  # nothing but GET is kept


def test_the_workers_version_changes_with_what_it_caches(db, client, settings):
    first = client.get("/sw.js").content.decode().splitlines()[0]
    settings.STATIC_URL = "/static-v2/"
    assert client.get("/sw.js").content.decode().splitlines()[0] != first


def test_the_offline_page_is_vietnamese_and_carries_nobodys_data(cast, login):
    response = login(cast.member).get(reverse("offline"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Không có kết nối" in html and '<html lang="vi">' in html
    assert cast.member.full_name not in html and 'data-account' not in html and "csrfmiddlewaretoken" not in html


def test_pages_say_when_they_were_made_without_microseconds(cast, login):
    html = login(cast.member).get(reverse("home")).content.decode()
    stamps = re.findall(r'<time datetime="([^"]+)"', html)
    assert stamps
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?([+-]\d\d:?\d\d|Z)", stamp), stamp


def test_the_phone_header_puts_the_menu_behind_a_button_and_the_language_in_settings(cast, login):
    client = login(cast.member)
    header = client.get(reverse("home")).content.decode().split("</header>")[0]
    assert '<details class="menu">' in header and "<summary" in header
    assert "lang-switch" not in header
    assert 'class="lang-switch"' in client.get(reverse("settings_index")).content.decode()


def test_the_sign_in_page_keeps_a_language_switch(db, client):
    html = client.get(reverse("account_login")).content.decode()
    assert 'class="lang-switch"' in html and 'value="en"' in html


def test_htmx_loads_only_on_pages_that_use_it(cast, login):
    secretary = login(cast.secretary)
    home = secretary.get(reverse("home")).content.decode()
    roster = secretary.get(reverse("roster", args=[cast.tree.a1.public_id])).content.decode()
    assert "htmx" not in home
    assert "hx-get" in roster and "django_htmx/htmx" in roster


def test_no_page_puts_htmx_attributes_on_the_body(cast, login):
    html = login(cast.secretary).get(reverse("roster", args=[cast.tree.a1.public_id])).content.decode()
    body = re.search(r"<body[^>]*>", html).group(0)
    assert "hx-" not in body


def test_pages_are_compressed_but_not_those_with_secrets(cast, login):
    client = login(cast.member)
    home = client.get(reverse("home"), HTTP_ACCEPT_ENCODING="gzip")
    assert home["Content-Encoding"] == "gzip"
    assert b"<!DOCTYPE html>" in gzip.decompress(home.content)
    tokens = client.get(reverse("api_tokens"), HTTP_ACCEPT_ENCODING="gzip")
    assert tokens.status_code == 200 and not tokens.has_header("Content-Encoding")
    assert not client.get(reverse("account_login"), HTTP_ACCEPT_ENCODING="gzip").has_header("Content-Encoding")


def test_the_icons_are_committed_pngs():
    for name, size in (("img/icon-192.png", 192), ("img/icon-512.png", 512)):
        with Image.open(finders.find(name)) as image:
            assert image.size == (size, size)


def test_the_header_stays_the_same_for_an_officer(cast, login):
    # Officers' links (roster, reports) sit in the same disclosure.
    header = login(cast.committee).get(reverse("home")).content.decode().split("</header>")[0]
    assert '<details class="menu">' in header and reverse("dashboard") in header
