"""`Authorization: Bearer <token>` for the mobile app (the browser keeps its session)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api.models import ApiToken, hash_token
from api.services import token_touch
from members.middleware import second_factor_refusal


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
        refusal = second_factor_refusal(token.user, passed=token.signed_in_with == "mfa")
        if refusal is not None:
            raise exceptions.PermissionDenied(*refusal)
        token_touch(token=token)
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
