"""Access tokens for the mobile app: only a hash is stored; each expires and can be revoked."""

import hashlib
import uuid

import pghistory
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "sotay_"


def hash_token(raw: str) -> str:
    # The token is 256 random bits, so a fast hash is enough; a salt adds nothing.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


# Issue and revocation are audited with the acting user; using a token (last_used_at) is not.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), exclude=["last_used_at", "key_hash"])
class ApiToken(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("device"), max_length=100)
    # The first characters, shown on the settings page so a member can tell tokens apart.
    key_prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    # How the account proved itself when the token was issued: "password" or "mfa".
    signed_in_with = models.CharField(max_length=16, default="password")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("created_at")), name="apitoken_expires_after_created"),
        ]

    def __str__(self):
        return f"{self.user} — {self.name}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
