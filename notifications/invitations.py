"""The account invitation: a one-time link to choose a password, sent through the ledger.

Like every other message it is a `Dispatch` fanned out to `Delivery` rows and sent by a
worker, never from the web request. The recipient is the member record the account is
for; the link is made when the message is sent (a retry carries a fresh, valid token), and
once the member has chosen a password an invitation still waiting is no longer needed.
The link goes only into the email: the inbox copy says that an account exists.
"""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member, User
from notifications import kinds
from notifications.services.dispatch import DispatchRequest, dispatches_create

INVITATION = "account:invitation"


def _recipients(params: dict) -> QuerySet:
    return Member.objects.filter(user_id=params["user_id"])


def _context(params: dict) -> dict | None:
    user = User.objects.filter(pk=params["user_id"], is_active=True).first()
    if user is None or user.has_usable_password():
        return None  # the account is gone, or its owner already chose a password
    path = reverse("account_reset_password_from_key", kwargs={
        "uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user),
    })
    return {"user": user, "invitation_url": settings.SITE_URL + path}


kinds.register(INVITATION, template="notifications/email/invitation", recipients=_recipients, context=_context)


def invitation_send(*, user: User) -> int:
    """Record an invitation for `user` (the first one, or again: the link expired or was lost).

    Returns the dispatch id; the worker sends it once the caller's transaction commits.
    """
    if not user.email:
        raise ValidationError({"email": _("The account has no email address.")})
    if user.has_usable_password():
        raise ValidationError(_("The member has already chosen a password."))
    now = timezone.now()
    (dispatch_id,) = dispatches_create(requests=[DispatchRequest(
        key=f"account:{user.pk}:invitation@{now:%Y%m%dT%H%M%S.%f}", kind=INVITATION, params={"user_id": user.pk},
    )], now=now)
    return dispatch_id
