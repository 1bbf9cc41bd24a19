"""Officers must turn on two-factor sign-in (TOTP) before they work, when the setting says so."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from members.access import scope_for

# Pages an officer without TOTP may still open: sign-in, sign-out, MFA set-up, language, assets.
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/")


class OfficerMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.HANDBOOK_REQUIRE_OFFICER_MFA
            and request.user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and scope_for(request.user).is_officer
            and not Authenticator.objects.filter(user_id=request.user.pk, type=Authenticator.Type.TOTP).exists()
        ):
            message = _("Officers must turn on two-factor sign-in before continuing.")
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"code": "mfa_required", "message": message, "fields": {}}}, status=403)
            messages.warning(request, message)
            return redirect("mfa_activate_totp")
        return self.get_response(request)
