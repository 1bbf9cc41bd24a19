"""The party organisation tree (materialized path) and each organisation's settings."""

import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# The lead times an organisation lets its members choose among (meetings.ReminderChoice).
REMINDER_CHOICES_AT_MOST = 3
REMINDER_CHOICE_SHORTEST = 15  # minutes
REMINDER_CHOICE_LONGEST = 7 * 24 * 60


class OrganizationQuerySet(models.QuerySet):
    def subtree(self, org, *, include_self=True):
        """Every organisation under `org`: one indexed prefix scan on `path`."""
        qs = self.filter(path__startswith=org.path)
        return qs if include_self else qs.exclude(pk=org.pk)

    def cells(self):
        return self.filter(kind__in=Organization.CELL_KINDS)

    def active(self):
        return self.filter(is_active=True)

    def closed(self):
        return self.filter(closed_on__isnull=False)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Organization(models.Model):
    class Kind(models.TextChoices):
        CENTRAL = "central", _("Central")
        PROVINCE = "province", _("Provincial committee")
        DISTRICT = "district", _("District committee")
        GRASSROOTS_COMMITTEE = "grassroots_committee", _("Grassroots committee")
        PARTIAL_COMMITTEE = "partial_committee", _("Partial committee")
        GRASSROOTS_CELL = "grassroots_cell", _("Grassroots cell")
        CELL = "cell", _("Cell")
        PARTY_GROUP = "party_group", _("Party group")

    # A cell holds meetings; a grassroots cell is both a grassroots organisation and a cell.
    CELL_KINDS = (Kind.GRASSROOTS_CELL, Kind.CELL)
    GRASSROOTS_KINDS = (Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL)
    # Which kinds may stand under which: the tree has any depth, but not any shape.
    ALLOWED_PARENTS = {
        Kind.CENTRAL: (),
        Kind.PROVINCE: (Kind.CENTRAL,),
        Kind.DISTRICT: (Kind.PROVINCE,),
        Kind.GRASSROOTS_COMMITTEE: (Kind.CENTRAL, Kind.PROVINCE, Kind.DISTRICT),
        Kind.GRASSROOTS_CELL: (Kind.CENTRAL, Kind.PROVINCE, Kind.DISTRICT),
        Kind.PARTIAL_COMMITTEE: (Kind.GRASSROOTS_COMMITTEE,),
        Kind.CELL: (Kind.GRASSROOTS_COMMITTEE, Kind.PARTIAL_COMMITTEE),
        Kind.PARTY_GROUP: (Kind.CELL, Kind.GRASSROOTS_CELL),
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent organisation"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=40, blank=True)
    # "/<root id>/<child id>/.../<own id>/": the subtree of X is `path LIKE X.path || '%'`.
    # The "C" collation lets the one unique b-tree index serve both that prefix range and
    # ORDER BY path (tree order), at any scale.
    path = models.CharField(max_length=255, unique=True, editable=False, db_collation="C")
    depth = models.PositiveSmallIntegerField(editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    # A closed organisation keeps its meetings, registers and roll-up rows. One merged into
    # another stands under its successor (closed), so every prefix scan of the successor's
    # subtree (scopes, roll-ups) still reads its history for the months before the merge.
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors",
        verbose_name=_("merged into"),
    )
    address = models.CharField(_("usual meeting place"), max_length=255, blank=True)

    # Settings; empty means "as the organisation above" (see cells.selectors.organization_settings).
    regular_meeting_day = models.PositiveSmallIntegerField(
        _("day of the month for regular meetings"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    regular_meeting_time = models.TimeField(_("usual start time"), null=True, blank=True)
    reminder_offsets_minutes = ArrayField(
        models.PositiveIntegerField(), null=True, blank=True,
        verbose_name=_("reminders before a meeting (minutes)"),
    )
    # What members may pick for themselves; the reminders above are what those who never
    # picked get (empty: as the organisation above, and without one anywhere, the reminders above).
    reminder_choices_minutes = ArrayField(
        models.PositiveIntegerField(validators=[MinValueValidator(REMINDER_CHOICE_SHORTEST),
                                                MaxValueValidator(REMINDER_CHOICE_LONGEST)]),
        size=REMINDER_CHOICES_AT_MOST, null=True, blank=True,
        verbose_name=_("lead times members may choose (minutes)"),
    )

    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(regular_meeting_day__gte=1, regular_meeting_day__lte=28)
                | models.Q(regular_meeting_day__isnull=True),
                name="org_meeting_day_1_28",
            ),
            models.CheckConstraint(
                condition=(models.Q(parent__isnull=True, depth=0) | models.Q(parent__isnull=False, depth__gt=0)),
                name="org_depth_matches_parent",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True) | models.Q(is_active=False),
                name="org_closed_is_inactive",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_cell(self) -> bool:
        return self.kind in self.CELL_KINDS

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def lineage(self) -> list["Organization"]:
        """The organisations merged into this one, transitively (a query per generation)."""
        found, frontier = [], [self.pk]
        while frontier:
            generation = list(Organization.objects.filter(merged_into_id__in=frontier).order_by("path"))
            found += generation
            frontier = [org.pk for org in generation]
        return found

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent, read off the path (no query)."""
        return [int(part) for part in self.path.strip("/").split("/")[:-1]]


class OrganizationChange(models.Model):
    """One change of the tree, its seats or settings, as the committee's history page tells it.

    The database audit (pghistory) keeps every row's before and after; this row says what
    the committee did in one sentence, and holds what an undo needs (`data["before"]`).
    """

    class Kind(models.TextChoices):
        CREATE = "create", _("Founded")
        RENAME = "rename", _("Renamed")
        CLOSE = "close", _("Closed")
        MOVE = "move", _("Moved")
        MERGE = "merge", _("Merged")
        SPLIT = "split", _("Split")
        SETTINGS = "settings", _("Settings changed")
        SEAT = "seat", _("Seat or term")
        UNDO = "undo", _("Undone")

    UNDOABLE = (Kind.RENAME, Kind.MOVE)

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="changes")
    # Every organisation the change touched (the history page of each lists it).
    organization_ids = ArrayField(models.BigIntegerField(), default=list)
    kind = models.CharField(_("change"), max_length=16, choices=Kind.choices)
    summary = models.CharField(_("what"), max_length=500)
    data = models.JSONField(default=dict, blank=True)
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("organisation change")
        verbose_name_plural = _("organisation changes")
        ordering = ["-recorded_at", "-id"]
        indexes = [GinIndex(fields=["organization_ids"], name="org_change_orgs_idx")]

    def __str__(self):
        return self.summary
