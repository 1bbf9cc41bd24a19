"""The menu's "My record" takes a member to their own record page, from any page."""

from django.urls import reverse


def test_my_record_opens_the_members_own_record(cast, login):
    response = login(cast.member).get(reverse("my_record"))
    assert response.status_code == 302
    assert response["Location"] == reverse("member_detail", args=[cast.member.public_id])
    page = login(cast.member).get(response["Location"]).content.decode()
    assert "Lê Thị Hoa" in page


def test_the_menu_shows_my_record_on_every_page(cast, login):
    page = login(cast.member).get(reverse("home")).content.decode()
    assert f'href="{reverse("my_record")}"' in page and "Hồ sơ của tôi" in page


def test_an_account_without_a_member_record_is_told_so_not_stranded(cast, login):
    response = login(cast.admin).get(reverse("my_record"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("settings_index")
    assert "Tài khoản này chưa gắn với hồ sơ đảng viên." in response.content.decode()


def test_my_record_needs_a_sign_in(db, client):
    assert client.get(reverse("my_record")).status_code == 302
