"""The document library: every document that reached the members of an organisation
(meeting documents, resolutions, drafts, directives from above), searchable and bookmarked.

It knows no meeting: the apps that own documents put them here through
`library.services.entry_put`, each under a `source_key` of their own."""

import uuid

import pghistory
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.text import VIETNAMESE_ACCENTED, VIETNAMESE_PLAIN


def entry_upload_to(instance, filename):
    # Files live under an unguessable folder; they are served only through a scoped view.
    return f"library/{instance.public_id}/{uuid.uuid4().hex}/{filename}"


def _plain(expression):
    """The SQL twin of common.text.normalize_search (lower case, diacritics stripped)."""
    return models.Func(Lower(expression), models.Value(VIETNAMESE_ACCENTED), models.Value(VIETNAMESE_PLAIN),
                       function="translate", output_field=models.TextField())


# The extracted text and its search column are derived from the file: not copied into every event.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(),
                 exclude=["text", "text_extracted_at", "search_vector", "issued_by_vector", "updated_at"])
class LibraryEntry(models.Model):
    """One document of the library, readable by the members of `organization`, of every
    organisation under it, and by the committees above it (library.selectors)."""

    class Kind(models.TextChoices):
        MEETING_DOCUMENT = "meeting_document", _("Meeting document")
        RESOLUTION = "resolution", _("Resolution")
        DRAFT = "draft", _("Draft for consultation")
        DIRECTIVE = "directive", _("Directive from above")
        OTHER = "other", _("Other document")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Who put it here and under which name: "meetings.document:123", "library.upload:<uuid>".
    source_key = models.CharField(max_length=120, unique=True)
    organization = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="library_entries",
                                     verbose_name=_("organisation"))
    kind = models.CharField(_("kind of document"), max_length=20, choices=Kind.choices)
    title = models.CharField(pgettext_lazy("document", "title"), max_length=300)
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"))
    year = models.PositiveSmallIntegerField(_("year"))
    file = models.FileField(_("file"), upload_to=entry_upload_to, max_length=300, blank=True)
    # A file posted elsewhere (a meeting document) is referenced, not copied: its owner removes it.
    owns_file = models.BooleanField(default=False)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveIntegerField(default=0)
    url = models.CharField(_("link to the source"), max_length=500, blank=True)
    text = models.TextField(_("text"), blank=True)
    # Set when the file's text has been read (or found unreadable); empty while it waits.
    text_extracted_at = models.DateTimeField(null=True, blank=True)
    search_vector = models.GeneratedField(
        expression=SearchVector(
            _plain(models.F("title")), _plain(models.F("issued_by")), _plain(models.F("text")), config="simple",
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # The issuing body's words alone, for its filter ("thon dong" finds "Chi bộ thôn Đông").
    issued_by_vector = models.GeneratedField(
        expression=SearchVector(_plain(models.F("issued_by")), config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("library document")
        verbose_name_plural = _("library documents")
        ordering = ["-issued_on", "-id"]
        indexes = [
            GinIndex(fields=["search_vector"], name="library_entry_search_idx"),
            GinIndex(fields=["issued_by_vector"], name="library_entry_issued_by_idx"),
            models.Index(fields=["organization", "-issued_on", "-id"], name="library_entry_org_idx"),
            models.Index(fields=["-issued_on", "-id"], name="library_entry_issued_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["meeting_document", "resolution", "draft", "directive", "other"]),
                name="library_entry_known_kind",
            ),
            models.CheckConstraint(condition=~models.Q(title=""), name="library_entry_has_title"),
        ]

    def __str__(self):
        return self.title


class Bookmark(models.Model):
    """A member's bookmark on a library document."""

    user = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="library_bookmarks")
    entry = models.ForeignKey(LibraryEntry, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "entry"], name="library_bookmark_once")]

    def __str__(self):
        return f"{self.user} → {self.entry}"
