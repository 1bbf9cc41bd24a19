"""Accounts, member records with a dated status history, cell memberships and committee seats."""

import uuid

import pghistory
import pgtrigger
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from common.text import VIETNAMESE_ACCENTED, VIETNAMESE_PLAIN

card_number_validator = RegexValidator(r"^\d{12}$", _("A party card number has exactly 12 digits."))
citizen_id_validator = RegexValidator(r"^\d{12}$", _("A citizen ID has exactly 12 digits."))
phone_validator = RegexValidator(r"^\+?[0-9 .-]{8,15}$", _("Enter a phone number such as 0912 345 678."))


class User(AbstractUser):
    """A sign-in account. A party member's record is `Member`; an account links to at most one."""

    language = models.CharField(
        _("language"), max_length=8, choices=[("vi", "Tiếng Việt"), ("en", "English")], default="vi"
    )
    # The number this account signs in with by SMS code (E.164, members.phone), copied from
    # the member record by members.services; NULL when none, so that it is unique when set.
    phone = models.CharField(_("sign-in phone number"), max_length=16, null=True, blank=True, unique=True)
    # Set when a code sent to that number came back (allauth's phone verification).
    phone_verified = models.BooleanField(_("phone number confirmed"), default=False, db_default=False)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(condition=models.Q(phone__regex=r"^\+[1-9][0-9]{6,14}$") | models.Q(phone__isnull=True),
                                   name="user_phone_e164"),
        ]


class MemberStatus(models.TextChoices):
    PROBATIONARY = "probationary", _("Probationary")
    OFFICIAL = "official", _("Official")
    EXEMPT = "exempt", _("Exempt from activity")
    TEMPORARY_TRANSFER = "temporary_transfer", _("On temporary transfer")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    REMOVED = "removed", _("Removed from the rolls")
    EXPELLED = "expelled", _("Expelled")
    DECEASED = "deceased", _("Deceased")


# Members in these statuses are no longer on a cell's rolls.
GONE_STATUSES = (
    MemberStatus.TRANSFERRED_OUT, MemberStatus.REMOVED, MemberStatus.EXPELLED, MemberStatus.DECEASED,
)
# Members in these statuses are summoned to their home cell's meetings.
SUMMONED_STATUSES = (MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL)


class MemberQuerySet(models.QuerySet):
    def on_rolls(self):
        return self.exclude(status__in=GONE_STATUSES)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Member(models.Model):
    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class Workplace(models.TextChoices):
        STATE = "state", _("State agency or unit")
        NON_STATE = "non_state", _("Non-state enterprise")
        OTHER = "other", _("Other (retired, farming, self-employed)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="member",
        verbose_name=_("account"),
    )
    full_name = models.CharField(_("full name"), max_length=120)
    # Diacritic-insensitive search without `unaccent` (absent from the embedded PostgreSQL).
    search_name = models.GeneratedField(
        expression=models.Func(
            Lower("full_name"), models.Value(VIETNAMESE_ACCENTED), models.Value(VIETNAMESE_PLAIN),
            function="translate",
        ),
        output_field=models.CharField(max_length=120),
        db_persist=True,
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=40, blank=True, default="Kinh")
    religion = models.CharField(_("religion"), max_length=40, blank=True)
    citizen_id = models.CharField(
        _("citizen ID"), max_length=12, null=True, blank=True, unique=True, validators=[citizen_id_validator]
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("email"), blank=True)
    party_card_number = models.CharField(
        _("party card number"), max_length=12, null=True, blank=True, unique=True,
        validators=[card_number_validator],
    )
    admission_date = models.DateField(_("admission date"), null=True, blank=True)
    official_date = models.DateField(_("official member since"), null=True, blank=True)
    workplace_kind = models.CharField(
        _("workplace"), max_length=16, choices=Workplace.choices, default=Workplace.OTHER
    )
    workplace = models.CharField(_("workplace name"), max_length=200, blank=True)
    far_from_home = models.BooleanField(_("lives far from home"), default=False)

    # Kept in step with MemberStatusChange by members.services.member_change_status.
    status = models.CharField(
        _("status"), max_length=24, choices=MemberStatus.choices, default=MemberStatus.PROBATIONARY
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["full_name"]
        indexes = [models.Index(fields=["status"], name="member_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(party_card_number__regex=r"^\d{12}$") | models.Q(party_card_number__isnull=True),
                name="member_card_number_12_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(citizen_id__regex=r"^\d{12}$") | models.Q(citizen_id__isnull=True),
                name="member_citizen_id_12_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(official_date__isnull=True)
                | models.Q(admission_date__isnull=True)
                | models.Q(official_date__gte=models.F("admission_date")),
                name="member_official_after_admission",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def is_official(self) -> bool:
        return self.official_date is not None


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class MemberStatusChange(models.Model):
    """One dated step of a member's history, with the decision that made it."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=24, choices=MemberStatus.choices)
    effective_date = models.DateField(_("effective date"))
    decision_ref = models.CharField(_("decision reference"), max_length=120, blank=True)
    # Where the member goes to or comes from, as written on the decision: filled for a
    # temporary transfer or a transfer to a cell of the system (its name) and for one to
    # or from a party organisation outside it (free text). The database default keeps
    # bulk loads (demo COPY) that do not name the column working.
    other_organization = models.CharField(
        _("organisation elsewhere"), max_length=200, blank=True, default="", db_default="",
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["member", "effective_date", "id"]
        indexes = [models.Index(fields=["member", "-effective_date", "-id"], name="status_change_latest_idx")]

    def __str__(self):
        return f"{self.member} → {self.get_status_display()} ({self.effective_date})"


class Role(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    COMMITTEE_MEMBER = "committee_member", _("Cell committee member")
    MEMBER = "member", _("Member")


OFFICER_ROLES = (Role.SECRETARY, Role.DEPUTY_SECRETARY, Role.COMMITTEE_MEMBER)


class DatedQuerySet(models.QuerySet):
    """Rows with a [start_date, end_date] period (end_date empty: still open).

    Two readings, each defined here once:
    - current on a date: started on or before the day, and not ended before it (the end date
      is the last day); `current_sql` is its SQL twin;
    - not ended on a date: the same without the start, so a place starting later (a move
      dated ahead) already counts for the rolls and for who may manage it; `is_not_ended`.
    """

    def current(self, on=None):
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=on), start_date__lte=on)

    def not_ended(self, on=None):
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=on))


def is_not_ended(row, on) -> bool:
    """Python twin of `DatedQuerySet.not_ended` for a row already loaded."""
    return row.end_date is None or row.end_date >= on


def current_sql(alias: str, on: str) -> str:
    """SQL twin of `DatedQuerySet.current`: `alias` is the table alias, `on` a date expression."""
    return f"({alias}.start_date <= {on} AND ({alias}.end_date IS NULL OR {alias}.end_date >= {on}))"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CellMembership(models.Model):
    """A member's place in a cell, with a role, for a period.

    Every member has one home membership; a member on temporary transfer also has a
    temporary one in the cell they attend meanwhile.
    """

    class Kind(models.TextChoices):
        HOME = "home", _("Home cell")
        TEMPORARY = "temporary", _("Temporary (attending here)")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    cell = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="memberships")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.HOME)
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, default=Role.MEMBER)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cell membership")
        verbose_name_plural = _("cell memberships")
        indexes = [
            models.Index(fields=["cell", "end_date"], name="membership_cell_idx"),
            models.Index(fields=["member", "end_date"], name="membership_member_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(kind="home", end_date__isnull=True),
                name="membership_one_open_home_cell",
            ),
            models.UniqueConstraint(
                fields=["member", "cell"], condition=models.Q(end_date__isnull=True),
                name="membership_one_open_per_cell",
            ),
            models.UniqueConstraint(
                fields=["cell"], condition=models.Q(role="secretary", end_date__isnull=True),
                name="membership_one_open_secretary",
            ),
        ]
        triggers = [
            # The partial unique index covers open terms; this covers dated ones too:
            # two secretaries' terms in one cell never overlap.
            pgtrigger.Trigger(
                name="one_secretary_at_a_time",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                condition=pgtrigger.Q(new__role="secretary"),
                func="""
                IF EXISTS (
                    SELECT 1 FROM members_cellmembership m
                     WHERE m.cell_id = NEW.cell_id AND m.role = 'secretary' AND m.id <> NEW.id
                       AND daterange(m.start_date, m.end_date, '[]')
                           && daterange(NEW.start_date, NEW.end_date, '[]')
                ) THEN
                    RAISE EXCEPTION 'one secretary per cell at a time (cell %)', NEW.cell_id
                        USING ERRCODE = 'exclusion_violation';
                END IF;
                RETURN NEW;
                """,
            ),
        ]

    def __str__(self):
        return f"{self.member} — {self.get_role_display()} — {self.cell}"

    @property
    def is_officer(self) -> bool:
        return self.role in OFFICER_ROLES


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CommitteeSeat(models.Model):
    """A seat on a committee above the cells; it opens the whole subtree of `organization`."""

    class Body(models.TextChoices):
        STANDING_COMMITTEE = "standing_committee", _("Standing committee")
        EXECUTIVE_COMMITTEE = "executive_committee", _("Executive committee")
        ORGANIZATION_COMMITTEE = "organization_committee", _("Organisation committee")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="committee_seats")
    organization = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="committee_seats")
    body = models.CharField(_("committee"), max_length=32, choices=Body.choices)
    title = models.CharField(_("title"), max_length=120, blank=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="seat_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["member", "organization", "body"], condition=models.Q(end_date__isnull=True),
                name="seat_one_open_per_body",
            ),
        ]

    def __str__(self):
        return f"{self.member} — {self.get_body_display()} — {self.organization}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CellInCharge(models.Model):
    """The standing-committee member the upper level puts in charge of a cell (đảng ủy viên
    phụ trách chi bộ): they, not the whole committee, hear the cell's upper-level notices."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="in_charge_of")
    cell = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="officers_in_charge")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee member in charge of a cell")
        verbose_name_plural = _("committee members in charge of cells")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="in_charge_end_after_start",
            ),
            models.UniqueConstraint(fields=["cell"], condition=models.Q(end_date__isnull=True),
                                    name="in_charge_one_open_per_cell"),
        ]

    def __str__(self):
        return f"{self.member} → {self.cell}"


class MemberImport(models.Model):
    """One upload of a roster file: checked first, written only once clean and confirmed.

    The job moves checking → invalid | ready → importing → done (or failed on an
    unexpected error; a ready job not confirmed is cancelled). A large file is checked and written by Celery tasks; the page polls
    `progress`. Writing happens in one transaction, so a job killed mid-way leaves nothing
    behind and can be run again.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    RUNNING = (Status.CHECKING, Status.IMPORTING)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cell = models.ForeignKey("cells.Organization", on_delete=models.CASCADE, related_name="member_imports")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The stored upload; removed once the job is over (it holds personal data).
    file = models.FileField(_("file"), upload_to="member-imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    in_background = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CHECKING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    # [{"line", "column", "header", "code", "params"}]: rendered in the reader's language.
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # The first rows as they will be written, for the preview: [{"line", "full_name", ...}].
    preview = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["cell", "-created_at"], name="member_import_cell_idx")]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class AccessCode(models.Model):
    """A one-time code the cell's secretary prints for a member (members.access_codes): with it
    the member sets their own password and is signed in. Only a hash of the code is kept; a
    new code voids the open one; who issued it, when, and when it was used stay on the row."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_codes", verbose_name=_("account"))
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("issued by the officer"))
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(used_at__isnull=True, voided_at__isnull=True),
                                    name="access_code_one_open_per_user"),
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("issued_at")),
                                   name="access_code_expires_after_issue"),
        ]

    def __str__(self):
        return f"{self.user} — {self.issued_at:%Y-%m-%d %H:%M}"
