"""`Authorization: Bearer <token>` for the mobile app (the browser keeps its session)."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api.models import ApiToken, hash_token
from api.services import token_touch, user_has_mfa
from members.access import scope_for


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # not ours: the session (or nobody) may still authenticate
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as “Authorization: Bearer <token>”."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("The token was revoked. Sign in again."), code="token_revoked")
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("The token has expired. Sign in again."), code="token_expired")
        self._check_officer_mfa(token)
        token_touch(token=token)
        return token.user, token

    @staticmethod
    def _check_officer_mfa(token):
        # The pages send an officer without TOTP to set it up (members.middleware); a token
        # issued before the member became an officer must not be a way around that.
        if (
            settings.HANDBOOK_REQUIRE_OFFICER_MFA
            and token.signed_in_with != "mfa"
            and scope_for(token.user).is_officer
            and not user_has_mfa(token.user)
        ):
            raise exceptions.PermissionDenied(_("Officers must turn on two-factor sign-in before continuing."),
                                              code="mfa_setup_required")

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
