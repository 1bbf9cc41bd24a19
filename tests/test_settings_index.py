"""The settings hub gathers the member's own settings; the header links to it."""

from django.urls import reverse


def test_the_settings_page_links_every_personal_setting(cast, login):
    page = login(cast.member).get(reverse("settings_index")).content.decode()
    for name in ("notification_settings", "calendar_settings", "mfa_index", "account_change_password", "api_tokens"):
        assert f'href="{reverse(name)}"' in page, name
    assert "Cài đặt" in page


def test_the_header_links_to_settings_and_not_to_each_setting(cast, login):
    page = login(cast.member).get(reverse("home")).content.decode()
    assert f'href="{reverse("settings_index")}"' in page
    assert f'href="{reverse("api_tokens")}"' not in page.split("</header>")[0]


def test_settings_need_a_sign_in(db, client):
    response = client.get(reverse("settings_index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
