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

from api.services import tokens_revoke_all
from handbook.security import LAST_SEEN_KEY
from members.tasks import end_other_sessions
from notifications.account_notices import account_change_notice


@receiver(user_logged_in, dispatch_uid="handbook.last_seen_at_sign_in")
def _start_idle_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())


def second_factor_changed(*, request, user, reason: str) -> None:
    """Revoke every token of `user` and end their other sessions, after the change commits."""
    kept = None
    if request is not None and getattr(request, "user", None) is not None and request.user.pk == user.pk:
        kept = request.session.session_key
    tokens_revoke_all(user, reason=reason)
    transaction.on_commit(lambda: end_other_sessions.delay(user.pk, kept), robust=True)


@receiver(authenticator_added, dispatch_uid="handbook.totp_added")
def _totp_added(sender, request, user, authenticator, **kwargs):
    if authenticator.type != Authenticator.Type.TOTP:
        return
    if request is not None and request.user.pk == user.pk:
        # Turning TOTP on takes a valid code: this session has proved the second factor.
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True)
    second_factor_changed(request=request, user=user, reason="totp_added")


@receiver(authenticator_removed, dispatch_uid="handbook.totp_removed")
def _totp_removed(sender, request, user, authenticator, **kwargs):
    if authenticator.type == Authenticator.Type.TOTP:
        second_factor_changed(request=request, user=user, reason="totp_removed")


@receiver(password_changed, dispatch_uid="handbook.password_changed")
def _password_changed(sender, request, user, **kwargs):
    tokens_revoke_all(user, reason="password_changed")


@receiver(password_reset, dispatch_uid="handbook.password_reset")
def _password_reset(sender, request, user, **kwargs):
    tokens_revoke_all(user, reason="password_reset")


# The owner is told of each change (notifications.account_notices). The notice is recorded
# in the change's own transaction, so it exists only if the change commits, and is sent
# once it does.
@receiver(authenticator_added, dispatch_uid="handbook.notice_totp_added")
@receiver(authenticator_removed, dispatch_uid="handbook.notice_totp_removed")
def _tell_owner_of_totp(sender, user, authenticator, signal, **kwargs):
    if authenticator.type == Authenticator.Type.TOTP:
        account_change_notice(user=user, event="totp_added" if signal is authenticator_added else "totp_removed")


@receiver(password_changed, dispatch_uid="handbook.notice_password_changed")
def _tell_owner_of_password_change(sender, user, **kwargs):
    account_change_notice(user=user, event="password_changed")


@receiver(password_reset, dispatch_uid="handbook.notice_password_reset")
def _tell_owner_of_password_reset(sender, user, **kwargs):
    # A printed one-time code from the secretary (members.access_codes) says so; allauth's reset
    # by email sends no `via`.
    event = "password_set_with_code" if kwargs.get("via") == "access_code" else "password_reset"
    account_change_notice(user=user, event=event)
