"""One-time sign-in codes the cell's secretary prints for a member without email.

The secretary issues a code from the member's page (members.views.access_codes), prints
the card and hands it over; on the sign-in page the member types the code and a password of
their own, and is signed in. A code is valid for 7 days and once; only its SHA-256 is kept
(12 characters from 32 make 60 bits: a salted slow hash would add nothing); issuing a new
one voids the open one; the row (audited by pghistory) says who issued it, when, and when it
was used or voided. Setting the password this way is a password reset: allauth's
`password_reset` signal revokes the API tokens and tells the member (handbook.account_events).
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from allauth.account.signals import password_reset
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_context
from members.models import AccessCode, User

# No 0/O, 1/I/L: read off paper by older members.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 12
VALID_FOR = dt.timedelta(days=7)


def normalize_code(typed: str) -> str:
    """What the member typed, as issued: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    """ABCDEFGHJKMN -> ABCD-EFGH-JKMN, as printed."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def _hash(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


@dataclass(frozen=True)
class IssuedCode:
    access_code: AccessCode
    code: str  # the only time the code exists in clear: shown on the printed card

    @property
    def printed(self) -> str:
        return format_code(self.code)


def access_code_refusal(user: User) -> str | None:
    """Why no code may be issued for this account, or None. Staff accounts are the site's
    administrators: a cell officer cannot set their password."""
    if not user.is_active:
        return _("This account is switched off.")
    if user.is_staff or user.is_superuser:
        return _("Sign-in codes are not issued for administrators' accounts.")
    return None


@transaction.atomic
def access_code_issue(*, user: User, actor: User) -> IssuedCode:
    """A new code for `user`; the open one, if any, is voided."""
    refusal = access_code_refusal(user)
    if refusal:
        raise ValidationError(refusal)
    User.objects.select_for_update().filter(pk=user.pk).first()  # one issuer at a time per account
    now = timezone.now()
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    with audit_context(actor):
        AccessCode.objects.filter(user=user, used_at__isnull=True, voided_at__isnull=True).update(voided_at=now)
        row = AccessCode(user=user, code_hash=_hash(code), issued_by=actor, issued_at=now, expires_at=now + VALID_FOR)
        row.full_clean()
        row.save()
    return IssuedCode(access_code=row, code=code)


def _open_codes():
    return AccessCode.objects.filter(used_at__isnull=True, voided_at__isnull=True, expires_at__gt=timezone.now(),
                                     user__is_active=True)


def access_code_account(code: str) -> User | None:
    """The account an open, unexpired code is for, or None (wrong, used, voided or expired
    codes all read the same)."""
    if len(normalize_code(code)) != LENGTH:
        return None
    row = _open_codes().select_related("user").filter(code_hash=_hash(code)).first()
    return row.user if row else None


@transaction.atomic
def access_code_use(*, code: str, password: str, request=None) -> User:
    """Spend the code: the account's password becomes `password` (validated by the caller's
    form against the account). A code used twice at once is spent once."""
    row = _open_codes().select_for_update().select_related("user").filter(code_hash=_hash(code)).first()
    if row is None:
        raise ValidationError({"code": _("This code is not valid. It may be mistyped, used, replaced or expired.")})
    user = row.user
    with audit_context(user):
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
        user.set_password(password)
        user.save(update_fields=["password"])
    password_reset.send(sender=User, request=request, user=user, via="access_code")
    return user


def access_codes_latest(user: User) -> AccessCode | None:
    """The last code issued for the account, for the member's page."""
    return user.access_codes.select_related("issued_by__member").first()
