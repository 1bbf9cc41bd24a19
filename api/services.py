"""Writes of the API: signing in for a token (with the second factor when the account has one),
issuing and revoking tokens; the officer second-factor rule as tokens apply it."""

import datetime as dt
import secrets

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import authenticate
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from api.models import TOKEN_PREFIX, ApiToken, hash_token
from common.audit import audit_context
from members.models import User

MFA_SALT = "api.sign-in.mfa"
# last_used_at is refreshed at most this often, so a busy client does not write on every call.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def sign_in_check_password(*, request, login: str, password: str) -> User:
    """The active account for these credentials (username or email), or a ValidationError."""
    user = authenticate(request, username=login.strip(), password=password)
    if user is None or not user.is_active:
        raise ValidationError(_("The username or email, or the password, is not correct."), code="invalid_credentials")
    return user


def _password_fingerprint(user: User) -> str:
    # A challenge dies when the password changes (as Django's reset tokens do).
    return salted_hmac(MFA_SALT, user.password).hexdigest()[:16]


def mfa_challenge_issue(*, user: User, device: str) -> str:
    """A short-lived signed ticket saying "this account gave its password"; the second step
    redeems it with a code. It holds no secret and cannot be redeemed twice."""
    return signing.dumps(
        {"u": user.pk, "d": device, "p": _password_fingerprint(user), "n": secrets.token_urlsafe(12)},
        salt=MFA_SALT, compress=True,
    )


def _invalid_challenge() -> ValidationError:
    return ValidationError(
        {"challenge": _("The sign-in has expired or is not valid. Sign in again with your password.")},
        code="invalid_challenge",
    )


def mfa_challenge_redeem(*, challenge: str, code: str) -> tuple[User, str]:
    """Check the challenge and the TOTP or recovery code; return the account and the device name."""
    try:
        data = signing.loads(challenge, salt=MFA_SALT, max_age=settings.HANDBOOK_API_MFA_CHALLENGE_SECONDS)
        user = User.objects.filter(pk=int(data["u"]), is_active=True).first()
        fingerprint, nonce, device = str(data["p"]), str(data["n"]), str(data["d"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise _invalid_challenge() from None
    if user is None or not constant_time_compare(fingerprint, _password_fingerprint(user)):
        raise _invalid_challenge()
    code = code.strip().replace(" ", "")
    for authenticator in Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    ):
        # allauth's own checks: a TOTP code is good once; a recovery code is used up.
        if authenticator.wrap().validate_code(code):
            # The challenge is single-use: the first redemption claims its nonce.
            timeout = settings.HANDBOOK_API_MFA_CHALLENGE_SECONDS + 60
            if not cache.add(f"api:mfa-challenge:{nonce}", 1, timeout=timeout):
                raise _invalid_challenge()
            authenticator.record_usage()
            return user, device
    raise ValidationError({"code": _("The code is not correct.")}, code="invalid_code")


@transaction.atomic
def token_issue(*, user: User, name: str, signed_in_with: str = "password") -> tuple[ApiToken, str]:
    """A new token for `user`; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(
        user=user, name=name.strip()[:100] or _("Mobile app"), key_prefix=raw[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token(raw), signed_in_with=signed_in_with, created_at=now,
        expires_at=now + dt.timedelta(days=settings.HANDBOOK_API_TOKEN_DAYS),
    )
    token.full_clean()
    with audit_context(user):
        token.save()
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, actor=None) -> ApiToken:
    """Revoke a token at once. Revoking twice changes nothing."""
    with audit_context(actor):
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def tokens_revoke_all(user: User, *, reason: str) -> int:
    """Revoke every usable token of `user` at once, the one way to do it (a change of password
    or second factor: whoever holds them proved less than the account now asks for). The
    reason goes into the audit events; returns how many were revoked."""
    with audit_context(user, reason=reason):
        return ApiToken.objects.filter(user_id=user.pk).usable().update(revoked_at=timezone.now())


def token_touch(*, token: ApiToken) -> None:
    """Note that the token was used, at most once per LAST_USED_RESOLUTION (one conditional UPDATE)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
