"""The member's settings page of API tokens (/settings/api-tokens/)."""

from django.urls import reverse

from api.models import ApiToken
from api.services import token_issue, token_revoke


def test_the_page_needs_a_sign_in(db, client):
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_member_sees_their_tokens_in_vietnamese(cast, login):
    token_issue(user=cast.member.user, name="Điện thoại Samsung")
    old, _raw = token_issue(user=cast.member.user, name="Máy cũ")
    token_revoke(token=old)
    token_issue(user=cast.outsider.user, name="Máy người khác")
    page = login(cast.member).get(reverse("api_tokens")).content.decode()
    assert "Điện thoại Samsung" in page and "Máy cũ" in page
    assert "Máy người khác" not in page
    assert "Đã thu hồi" in page and "Thu hồi" in page
    assert reverse("api_tokens") in page  # the header links to it


def test_a_member_revokes_a_token_from_the_page(cast, login):
    token, _raw = token_issue(user=cast.member.user, name="Điện thoại mất")
    client = login(cast.member)
    response = client.post(reverse("api_token_revoke", args=[token.public_id]), follow=True)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Điện thoại mất" in response.content.decode()


def test_an_outsider_cannot_revoke_someone_elses_token(cast, login):
    token, _raw = token_issue(user=cast.member.user, name="Điện thoại Hoa")
    response = login(cast.outsider).post(reverse("api_token_revoke", args=[token.public_id]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_revoking_needs_a_post(cast, login):
    token, _raw = token_issue(user=cast.member.user, name="Điện thoại Hoa")
    assert login(cast.member).get(reverse("api_token_revoke", args=[token.public_id])).status_code == 405


def test_the_page_keeps_a_constant_number_of_queries(cast, login, django_assert_max_num_queries):
    client = login(cast.member)
    token_issue(user=cast.member.user, name="Một")
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("api_tokens"))
    for n in range(10):
        token_issue(user=cast.member.user, name=f"Máy {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("api_tokens"))
