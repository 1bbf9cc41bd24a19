"""Meetings of a cell and their roll call."""

import uuid

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, now):
        return self.filter(status__in=Meeting.OPEN_STATUSES, ends_at__gte=now).order_by("starts_at")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class MeetingSeries(models.Model):
    """The regular meeting series of a cell: the organisation's fixed day, a time and a place.

    Generating the series creates the next months' meetings; each stays editable on its own.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cell = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="meeting_series")
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"))
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    place = models.CharField(_("place"), max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("regular meeting series")
        verbose_name_plural = _("regular meeting series")
        constraints = [
            models.CheckConstraint(condition=models.Q(day_of_month__gte=1, day_of_month__lte=28), name="series_day_1_28"),
            models.CheckConstraint(condition=models.Q(duration_minutes__gte=30), name="series_duration_at_least_30"),
            models.UniqueConstraint(fields=["cell"], condition=models.Q(is_active=True), name="series_one_active_per_cell"),
        ]

    def __str__(self):
        return f"{self.cell} — {self.day_of_month}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Meeting(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular meeting")
        THEMATIC = "thematic", _("Thematic meeting")
        COMMITTEE = "committee", _("Cell committee meeting")
        EXTRAORDINARY = "extraordinary", _("Extraordinary meeting")
        YEAR_END = "year_end", _("Year-end review meeting")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.PLANNED, Status.POSTPONED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cell = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="meetings")
    series = models.ForeignKey(
        "MeetingSeries", null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REGULAR)
    title = models.CharField(_("topic"), max_length=200, blank=True)
    # The date the meeting was due on when first scheduled: "held on schedule" compares
    # the held date with this, so a postponement shows as late.
    scheduled_date = models.DateField(_("scheduled date"))
    # First day of the month the meeting counts for (roll-ups, one regular meeting a month).
    period = models.DateField(_("month"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    status_reason = models.TextField(_("reason for postponing or cancelling"), blank=True)
    # iCalendar SEQUENCE: raised by every change a calendar must pick up.
    sequence = models.PositiveIntegerField(default=0)
    roll_call_recorded_at = models.DateTimeField(null=True, blank=True)
    # A change of date, time or place of an announced meeting waits here a few minutes, so
    # that several edits send one change notice with the final values; `announced` holds
    # what members were last told ({"starts_at", "ends_at", "place"}).
    change_notice_due_at = models.DateTimeField(null=True, blank=True)
    announced = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["cell", "starts_at"], name="meeting_cell_start_idx"),
            models.Index(fields=["starts_at"], name="meeting_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"),
            models.CheckConstraint(
                condition=models.Q(period__day=1), name="meeting_period_is_first_of_month"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["planned", "held", "postponed", "cancelled"]), name="meeting_known_status"
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["postponed", "cancelled"]) | ~models.Q(status_reason=""),
                name="meeting_reason_when_postponed_or_cancelled",
            ),
            # One regular meeting per cell per month (a cancelled one may be replaced).
            models.UniqueConstraint(
                fields=["cell", "period"],
                condition=models.Q(kind="regular") & ~models.Q(status="cancelled"),
                name="meeting_one_regular_per_month",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.cell} — {self.scheduled_date:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class AttendanceQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.set_year()
        return super().bulk_create(objs, *args, **kwargs)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Attendance(models.Model):
    """One summoned member's outcome at one meeting.

    The table is partitioned by `year` (meetings migration 0007, common.partitions): one
    partition a year, a DEFAULT one for any other, old years detachable.
    """

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Absent with reason")
        UNEXCUSED = "unexcused", _("Absent without reason")
        # A summoned member the roll call has not marked yet (the row freezes the summons).
        UNMARKED = "unmarked", _("Not marked")

    class Basis(models.TextChoices):
        """Why the member is on the roll call, frozen when the roll call is first saved
        (meetings.rules.summon_basis)."""

        OFFICIAL = "official", _("Official member")
        PROBATIONARY = "probationary", _("Probationary member")
        TEMPORARY_TRANSFER = "temporary_transfer", _("On temporary transfer here")
        EXEMPT = "exempt", _("Exempt from activity, came")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=16, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    # Snapshot at the roll call: summoned (official, probationary, temporary transfer) or an
    # exempt member who came. Later roster changes never alter a held meeting.
    basis = models.CharField(_("on the roll call as"), max_length=24, choices=Basis.choices)
    # Snapshot at the roll call: votes pass on more than half of the official members summoned.
    was_official = models.BooleanField(default=False)
    recorded_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # The partition key: the year the meeting counts for (`meeting.period`), set with the row
    # (`set_year`); a trigger refuses any other and follows a meeting moved to another year.
    # In the database the primary key is (id, year) and the unique constraint below includes
    # the year (a partitioned table's keys must); Django keeps `id` as the primary key, still
    # unique because every id comes from the one sequence. A meeting has one year, so one row
    # per member and meeting is still the rule.
    year = models.SmallIntegerField(_("year"), editable=False)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        indexes = [models.Index(fields=["member", "status"], name="attendance_member_idx")]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member", "year"], name="attendance_one_per_member"),
            models.CheckConstraint(
                condition=models.Q(status__in=["present", "excused", "unexcused", "unmarked"]),
                name="attendance_known_status",
            ),
            models.CheckConstraint(
                condition=models.Q(basis__in=["official", "probationary", "temporary_transfer", "exempt"]),
                name="attendance_known_basis",
            ),
            # An exempt member is not summoned: they are on the roll call only when they came.
            models.CheckConstraint(
                condition=~models.Q(basis="exempt") | models.Q(status="present"),
                name="attendance_exempt_only_present",
            ),
        ]

    def __str__(self):
        return f"{self.member} — {self.get_status_display()}"

    def save(self, *args, **kwargs):
        self.set_year()
        super().save(*args, **kwargs)

    def set_year(self) -> None:
        if self.year is None:
            self.year = self.meeting.period.year


def document_upload_to(instance, filename):
    # Files live under an unguessable folder; they are served only through a scoped view.
    return f"meetings/{instance.meeting.public_id}/{uuid.uuid4().hex}/{filename}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class MeetingDocument(models.Model):
    """A file posted for a meeting (agenda papers, reports, the signed minutes...)."""

    class Kind(models.TextChoices):
        PREPARATORY = "preparatory", _("Meeting document")
        MINUTES = "minutes", _("Signed minutes")
        RESOLUTION = "resolution", _("Signed resolution")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PREPARATORY)
    title = models.CharField(pgettext_lazy("document", "title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=300)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["uploaded_at"]
        indexes = [models.Index(fields=["meeting", "uploaded_at"], name="document_meeting_idx")]

    def __str__(self):
        return self.title


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class DraftResolution(models.Model):
    """The draft cell resolution, open for members' comments until the meeting starts."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="draft_resolution")
    text = models.TextField(_("draft resolution"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("draft resolution")
        verbose_name_plural = _("draft resolutions")

    def __str__(self):
        return f"{self.meeting}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class DraftComment(models.Model):
    """A member's contribution to the draft resolution."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    draft = models.ForeignKey(DraftResolution, on_delete=models.CASCADE, related_name="comments")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="draft_comments")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("comment on the draft")
        verbose_name_plural = _("comments on the draft")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["draft", "created_at"], name="draft_comment_idx")]
        constraints = [models.CheckConstraint(condition=~models.Q(text=""), name="draft_comment_not_empty")]

    def __str__(self):
        return f"{self.member}: {self.text[:40]}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class AbsenceExcuse(models.Model):
    """A member excuses themself in advance; the roll call starts from it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="excuses")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="absence_excuses")
    reason = models.CharField(_("reason"), max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The start the excuse was given (or last confirmed) for: when the meeting moves, the
    # excuse needs the member's confirmation again (meetings.rules.excuse_stands).
    confirmed_for = models.DateTimeField(_("given for the meeting starting"))

    class Meta:
        verbose_name = _("advance excuse")
        verbose_name_plural = _("advance excuses")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="excuse_one_per_member"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="excuse_has_reason"),
        ]

    def __str__(self):
        return f"{self.member}: {self.reason}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Minutes(models.Model):
    """The minutes (biên bản) and the resolution voted at a held meeting.

    The attendance summary is computed from the roll call, never typed in. The vote passes
    with more than half of the official members summoned (DOMAIN.md).
    """

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    number = models.CharField(_("document number"), max_length=40, blank=True)
    chair = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("chair"))
    minute_taker = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("minute-taker"))
    contents = models.TextField(_("contents"), blank=True)
    opinions = models.TextField(_("opinions"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    votes_for = models.PositiveSmallIntegerField(_("for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("against"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("abstain"), default=0)
    resolution = models.TextField(_("resolution"), blank=True)
    # When the secretary marked the minutes complete; "within 2 days" is measured on it.
    finalized_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    updated_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self):
        return f"{self.meeting}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class MinutesAmendment(models.Model):
    """A numbered change to finished minutes: who, when, why and what (old -> new).

    Finished minutes are never edited in place (meetings.services.minutes.minutes_amend).
    `changes` is a list of {"field", "label", "old", "new"} with the values as printed.
    """

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField(_("amendment number"))
    reason = models.TextField(_("reason for the amendment"))
    changes = models.JSONField(default=list)
    made_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("amendment to the minutes")
        verbose_name_plural = _("amendments to the minutes")
        ordering = ["minutes", "number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="minutes_amendment_numbered_once"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="minutes_amendment_has_reason"),
        ]

    def __str__(self):
        return f"{self.minutes} #{self.number}"


class RollCallSubmission(models.Model):
    """A roll-call submission remembered by the key its sender made, so a retried POST
    (a lost answer on a bad network, a double tap) changes nothing the second time."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="roll_call_submissions")
    key = models.CharField(max_length=64)
    submitted_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("roll-call submission")
        verbose_name_plural = _("roll-call submissions")
        constraints = [models.UniqueConstraint(fields=["meeting", "key"], name="roll_call_submission_once")]

    def __str__(self):
        return f"{self.meeting_id}: {self.key}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), exclude=["secret"])
class CalendarFeed(models.Model):
    """A member's secret iCalendar address, which phone calendars subscribe to.

    The address is `lookup` + `secret`: the row is found by the lookup part and the secret
    compared in constant time. Resetting replaces both, so the old address answers 404.
    The secret is kept (not hashed) so the member can copy the address again on another
    phone; it opens only the meetings the database already holds for that member.
    """

    LOOKUP_LENGTH = 16

    member = models.OneToOneField("members.Member", on_delete=models.CASCADE, related_name="calendar_feed")
    lookup = models.CharField(max_length=LOOKUP_LENGTH, unique=True)
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.member}"

    @property
    def token(self) -> str:
        return f"{self.lookup}{self.secret}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ReminderChoice(models.Model):
    """The lead times a member chose for meeting reminders; without a row, the cell's default.

    Only lead times the cell allows take effect (meetings.rules.effective_reminder_offsets),
    so an organisation narrowing its list needs no change here.
    """

    member = models.OneToOneField("members.Member", on_delete=models.CASCADE, related_name="reminder_choice")
    offsets_minutes = ArrayField(models.PositiveIntegerField(), verbose_name=_("reminders before a meeting (minutes)"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reminder choice")
        verbose_name_plural = _("reminder choices")
        constraints = [
            models.CheckConstraint(condition=~models.Q(offsets_minutes=[]), name="reminder_choice_not_empty"),
        ]

    def __str__(self):
        return f"{self.member}"
