"""Signing in for a token (two steps when the account has MFA), listing and revoking tokens."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from api.exceptions import APIError
from api.models import ApiToken
from api.selectors import get_token_of, tokens_of
from api.serializers import (
    ApiTokenSerializer,
    IssuedTokenSerializer,
    MfaRequiredSerializer,
    MfaSerializer,
    SignInSerializer,
)
from api.services import (
    mfa_challenge_issue,
    mfa_challenge_redeem,
    sign_in_check_password,
    token_issue,
    token_revoke,
)
from api.throttles import MfaThrottle, SignInLoginThrottle, SignInThrottle
from api.views.base import ApiView
from members.middleware import has_totp, second_factor_refusal

TAG = "Sign-in and tokens"


def _issued(view, user, device, signed_in_with):
    token, raw = token_issue(user=user, name=device, signed_in_with=signed_in_with)
    token.token = raw
    return Response(IssuedTokenSerializer(token, context=view.get_serializer_context()).data, status=status.HTTP_201_CREATED)


def _refuse_officer_without_mfa(user):
    # The pages send such officers to set up TOTP first; a token must not be a way around it.
    refusal = second_factor_refusal(user, passed=False)
    if refusal is not None:
        message, code = refusal
        raise APIError(message, code=code, status_code=status.HTTP_403_FORBIDDEN)


class SignInView(ApiView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [SignInThrottle, SignInLoginThrottle]

    @extend_schema(
        tags=[TAG], operation_id="sign_in", auth=[], request=SignInSerializer,
        summary="Sign in with a username or email and a password",
        description=(
            "Returns **201** with a token for an account without two-factor sign-in. For an account with "
            "TOTP it returns **200** with `mfa_required` and a challenge valid for five minutes: send it "
            "with a code to `/api/v1/auth/token/mfa/`. Wrong credentials give 400 `invalid_credentials`; "
            "an officer or staff member who must but has not yet set up two-factor sign-in gets 403 "
            "`mfa_setup_required`."
        ),
        responses={201: IssuedTokenSerializer, 200: MfaRequiredSerializer},
    )
    def post(self, request):
        data = self.valid(SignInSerializer, request.data)
        try:
            user = sign_in_check_password(request=request._request, login=data["login"], password=data["password"])
        except ValidationError as exc:
            raise APIError(exc.messages[0], code="invalid_credentials") from None
        if has_totp(user):
            return Response({
                "mfa_required": True, "challenge": mfa_challenge_issue(user=user, device=data["device"]),
                "expires_in": settings.HANDBOOK_API_MFA_CHALLENGE_SECONDS, "methods": ["totp", "recovery_codes"],
            })
        _refuse_officer_without_mfa(user)
        return _issued(self, user, data["device"], "password")


class MfaView(ApiView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [MfaThrottle]

    @extend_schema(
        tags=[TAG], operation_id="sign_in_mfa", auth=[], request=MfaSerializer,
        summary="Second step: the challenge and a TOTP or recovery code",
        description="A challenge is good for one token; a wrong code gives 400 `invalid_code`, an expired "
                    "or used challenge 400 `invalid_challenge` (start again with the password).",
        responses={201: IssuedTokenSerializer},
    )
    def post(self, request):
        data = self.valid(MfaSerializer, request.data)
        try:
            user, device = mfa_challenge_redeem(challenge=data["challenge"], code=data["code"])
        except ValidationError as exc:
            fields = exc.message_dict
            raise APIError(next(iter(fields.values()))[0], code=f"invalid_{next(iter(fields))}", fields=fields) from None
        return _issued(self, user, device, "mfa")


class CurrentTokenView(ApiView):
    @extend_schema(
        tags=[TAG], operation_id="sign_out", request=None,
        summary="Sign out: revoke the token making this call",
        description="With a browser session (no token) this is 400 `no_token`.",
        responses={204: OpenApiResponse(description="Revoked.")},
    )
    def post(self, request):
        if not isinstance(request.auth, ApiToken):
            raise APIError(_("This call was not made with a token."), code="no_token")
        token_revoke(token=request.auth, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(ApiView):
    @extend_schema(tags=[TAG], operation_id="tokens_list", summary="My tokens, newest first",
                   responses=ApiTokenSerializer(many=True))
    def get(self, request):
        return self.paginated(tokens_of(request.user), ApiTokenSerializer)


class TokenDetailView(ApiView):
    @extend_schema(tags=[TAG], operation_id="tokens_revoke", request=None, summary="Revoke one of my tokens",
                   responses={204: OpenApiResponse(description="Revoked (again: nothing changes).")})
    def delete(self, request, token_id):
        token_revoke(token=get_token_of(request.user, token_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
