"""Failed sign-ins are limited per account, whatever spelling names it."""

from members.models import User
from tests.security.conftest import PASSWORD, sign_in


def test_the_username_in_any_case_and_the_email_share_one_limit_of_failed_sign_ins(cast, client, rate_limits):
    User.objects.filter(pk=cast.member.user_id).update(email="hoa@example.org")
    for login in ("member", "MEMBER", "hoa@example.org", "Hoa@Example.org", "Member"):  # 5 in five minutes
        sign_in(client, login, "wrong-password")
    sign_in(client, "member", PASSWORD)
    assert "_auth_user_id" not in client.session


def test_another_account_is_not_locked_out_by_them(cast, client, rate_limits):
    for _ in range(5):
        sign_in(client, "member", "wrong-password")
    sign_in(client, "secretary", PASSWORD)
    assert client.session.get("_auth_user_id") == str(cast.secretary.user_id)
