"""Officers and staff work only in a session that passed the second factor (TOTP), when the setting says so."""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from members.access import scope_for

# Pages an officer without TOTP may still open: sign-in, sign-out, MFA set-up, language, assets.
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/")


def session_passed_second_factor(request) -> bool:
    """Whether this session (not the account) proved the second factor: at sign-in, or by
    turning TOTP on in it (members.receivers records that as a second-factor step)."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def must_use_second_factor(user) -> bool:
    return user.is_staff or scope_for(user).is_officer


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def second_factor_refusal(user, *, passed: bool) -> tuple[str, str] | None:
    """(message, code) when `user` may not work in a sign-in (a session or an API token) that
    did not pass the second factor, else None: officers and staff, when
    HANDBOOK_REQUIRE_OFFICER_MFA is on. Judged on how the sign-in was made, not on the account
    as it is now: a password-only sign-in stays refused after TOTP is turned on."""
    if passed or not settings.HANDBOOK_REQUIRE_OFFICER_MFA or not must_use_second_factor(user):
        return None
    if has_totp(user):
        return _("Sign in again with your two-factor code to continue."), "mfa_sign_in_required"
    return _("Officers must turn on two-factor sign-in before continuing."), "mfa_setup_required"


class OfficerMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES):
            refusal = second_factor_refusal(request.user, passed=session_passed_second_factor(request))
            if refusal:
                return self._refuse(request, *refusal)
        return self.get_response(request)

    @staticmethod
    def _refuse(request, message: str, code: str):
        if code == "mfa_sign_in_required":
            # TOTP was turned on after this session signed in with the password alone (in
            # another session, or before the rule): only a sign-in with the code counts.
            next_path = request.get_full_path()
            logout(request)
            target = f"{reverse('account_login')}?{urlencode({'next': next_path})}"
        else:
            target = reverse("mfa_activate_totp")
        if request.path.startswith("/api/"):
            return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=403)
        messages.warning(request, message)
        return redirect(target)
