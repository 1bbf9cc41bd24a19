"""What follows a sign-in and a change of password or second factor, across the floors.

A change of the password or of TOTP ends the account's other sessions and revokes its API
tokens: whoever held them proved less than the account now asks for. The browser that made
the change keeps its session. For the password, Django already ends the other sessions (each
carries a hash of the password and no longer matches); TOTP changes no password, so its
sessions are ended here. The receivers live here, on the top floor, because they reach
both members (sessions) and api (tokens).
"""

import time

from allauth.account.internal.flows.login import record_authentication
from allauth.account.signals import password_changed, password_reset
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from api.models import ApiToken
from common.audit import audit_context
from handbook.security import LAST_SEEN_KEY
from members.tasks import end_other_sessions


@receiver(user_logged_in, dispatch_uid="handbook.last_seen_at_sign_in")
def _start_idle_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())


def tokens_revoke_all(*, user) -> None:
    with audit_context(user):
        ApiToken.objects.filter(user_id=user.pk).usable().update(revoked_at=timezone.now())


def second_factor_changed(*, request, user) -> None:
    """Revoke every token of `user` and end their other sessions, after the change commits."""
    kept = None
    if request is not None and getattr(request, "user", None) is not None and request.user.pk == user.pk:
        kept = request.session.session_key
    tokens_revoke_all(user=user)
    transaction.on_commit(lambda: end_other_sessions.delay(user.pk, kept), robust=True)


@receiver(authenticator_added, dispatch_uid="handbook.totp_added")
def _totp_added(sender, request, user, authenticator, **kwargs):
    if authenticator.type != Authenticator.Type.TOTP:
        return
    if request is not None and request.user.pk == user.pk:
        # Turning TOTP on takes a valid code: this session has proved the second factor.
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True)
    second_factor_changed(request=request, user=user)


@receiver(authenticator_removed, dispatch_uid="handbook.totp_removed")
def _totp_removed(sender, request, user, authenticator, **kwargs):
    if authenticator.type == Authenticator.Type.TOTP:
        second_factor_changed(request=request, user=user)


@receiver(password_changed, dispatch_uid="handbook.password_changed")
@receiver(password_reset, dispatch_uid="handbook.password_reset")
def _password_changed(sender, request, user, **kwargs):
    tokens_revoke_all(user=user)
