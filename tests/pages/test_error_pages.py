"""Error pages: Vietnamese first, the site's header and viewport, a way back; 500 without a database."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from handbook.views import server_error

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def assert_site_page(html: str) -> None:
    assert VIEWPORT in html
    assert '<header class="site-header">' in html
    assert f'href="{reverse("home")}"' in html.split("</header>")[1]  # a way back, in the page itself


def test_an_out_of_scope_meeting_gives_the_vietnamese_404_with_the_header(cast, meetings, login):
    response = login(cast.member).get(reverse("meeting_detail", args=[meetings.elsewhere.public_id]))
    html = response.content.decode()
    assert response.status_code == 404
    assert_site_page(html)
    assert "Không tìm thấy trang" in html
    assert '<html lang="vi">' in html
    assert 'class="menu"' in html  # the signed-in header, with the member's menu


def test_the_404_page_offers_the_page_the_member_came_from(cast, login):
    client = login(cast.member)
    html = client.get("/no-such-page/", HTTP_REFERER="http://testserver/settings/").content.decode()
    assert 'href="http://testserver/settings/"' in html and "Quay lại trang trước" in html


def test_the_404_page_never_links_back_to_another_site(db, client):
    html = client.get("/no-such-page/", HTTP_REFERER="https://evil.example/x").content.decode()
    assert "evil.example" not in html


def test_the_404_page_reads_in_english_for_an_english_reader(db, client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/no-such-page/").content.decode()
    assert "Page not found" in html and '<html lang="en">' in html


def test_a_signed_out_visitor_gets_the_404_with_a_language_switch(db, client):
    html = client.get("/no-such-page/").content.decode()
    assert_site_page(html)
    assert 'class="lang-switch"' in html


def test_a_forbidden_page_is_the_vietnamese_403(cast, login):
    response = login(cast.member).get("/admin/login/")  # signed in but not staff
    assert response.status_code == 403
    html = response.content.decode()
    assert_site_page(html)
    assert "Không được phép" in html


def test_a_form_sent_without_its_token_gets_the_vietnamese_csrf_page(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.member.user)
    response = client.post(reverse("set_language"), {"language": "en"})
    assert response.status_code == 403
    html = response.content.decode()
    assert_site_page(html)
    assert "Biểu mẫu đã hết hạn" in html


def test_a_bad_request_is_the_vietnamese_400(db, client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/", HTTP_HOST="bad host name", HTTP_REFERER="http://testserver/")
    assert response.status_code == 400
    html = response.content.decode()
    assert VIEWPORT in html and "Không hiểu được yêu cầu" in html


@pytest.mark.urls("tests.pages.urls")
def test_a_fault_gives_the_vietnamese_500_with_the_signed_out_header(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast.member.user)
    response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert_site_page(html)
    assert "Đã xảy ra lỗi" in html
    assert 'class="menu"' not in html  # nothing about the account: no session or user was read


def test_the_500_page_renders_with_the_database_unreachable(django_db_blocker):
    request = RequestFactory().get("/meetings/", HTTP_REFERER="http://testserver/")
    with django_db_blocker.block():  # any query would raise
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert_site_page(html)
    assert "Đã xảy ra lỗi" in html and 'href="http://testserver/"' in html
