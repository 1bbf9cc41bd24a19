"""The party organisation tree (materialized path) and each organisation's settings."""

import uuid

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationQuerySet(models.QuerySet):
    def subtree(self, org, *, include_self=True):
        """Every organisation under `org`: one indexed prefix scan on `path`."""
        qs = self.filter(path__startswith=org.path)
        return qs if include_self else qs.exclude(pk=org.pk)

    def cells(self):
        return self.filter(kind__in=Organization.CELL_KINDS)

    def active(self):
        return self.filter(is_active=True)


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
        ]

    def __str__(self):
        return self.name

    @property
    def is_cell(self) -> bool:
        return self.kind in self.CELL_KINDS

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent, read off the path (no query)."""
        return [int(part) for part in self.path.strip("/").split("/")[:-1]]
