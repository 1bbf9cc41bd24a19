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


class OfficerMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.HANDBOOK_REQUIRE_OFFICER_MFA
            and request.user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and must_use_second_factor(request.user)
            and not session_passed_second_factor(request)
        ):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _refuse(request):
        if Authenticator.objects.filter(user_id=request.user.pk, type=Authenticator.Type.TOTP).exists():
            # TOTP was turned on after this session signed in with the password alone (in
            # another session, or before the rule): only a sign-in with the code counts.
            next_path = request.get_full_path()
            logout(request)
            message = _("Sign in again with your two-factor code to continue.")
            code, target = "mfa_sign_in_required", f"{reverse('account_login')}?{urlencode({'next': next_path})}"
        else:
            message = _("Officers must turn on two-factor sign-in before continuing.")
            code, target = "mfa_required", reverse("mfa_activate_totp")
        if request.path.startswith("/api/"):
            return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=403)
        messages.warning(request, message)
        return redirect(target)
