"""Scoped reads of the library. The one visibility rule of a library document lives here.

A user sees a document when its organisation is
- one of their cells (home or temporary) or a cell they manage, or an organisation above
  one of those (documents come down the tree: a province's directive reaches every cell);
- inside a subtree they oversee through a committee seat, or above that seat's organisation;
- anything, for a superuser.

A meeting's documents are put under the meeting's cell, so this is exactly who opens the
meeting page (meetings.selectors.meetings_visible): the cell's members and officers and the
committees above; a party group under a cell holds no meeting.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from cells.models import Organization
from common.text import normalize_search, search_query
from library.models import Bookmark, LibraryEntry
from members.access import Scope


def _ids_on_paths(paths) -> set[int]:
    return {int(part) for path in paths for part in path.strip("/").split("/") if part}


# The ids on the paths of the user's cells: each cell and every organisation above it.
_CELLS_AND_ABOVE_SQL = (
    "SELECT unnest(string_to_array(trim(both '/' from path), '/'))::integer "
    "FROM cells_organization WHERE id = ANY(%s)"
)


def _visible_condition(scope: Scope, *, id_field: str = "organization_id",
                       path_field: str = "organization__path") -> Q:
    own_cells = sorted(scope.member_cell_ids | scope.managed_cell_ids)
    # Each seat's path names its organisation and every one above it (no query needed).
    condition = Q(**{f"{id_field}__in": _ids_on_paths(scope.oversight_paths)})
    if own_cells:
        condition |= Q(**{f"{id_field}__in": RawSQL(_CELLS_AND_ABOVE_SQL, [own_cells])})
    for path in scope.oversight_paths:
        condition |= Q(**{f"{path_field}__startswith": path})
    return condition


def entries_visible(scope: Scope) -> QuerySet[LibraryEntry]:
    """Every library document the user may read; nothing for an anonymous user."""
    qs = LibraryEntry.objects.all()
    if scope.is_superuser:
        return qs
    if not scope.is_authenticated:
        return qs.none()
    return qs.filter(_visible_condition(scope))


def get_entry_for_viewer(scope: Scope, public_id) -> LibraryEntry:
    entry = entries_visible(scope).select_related("organization").filter(public_id=public_id).first()
    if entry is None:
        raise Http404
    return entry


def libraries_visible(scope: Scope) -> QuerySet[Organization]:
    """The organisations whose library the user may open: the same rule, on the organisation."""
    qs = Organization.objects.all()
    if scope.is_superuser:
        return qs
    if not scope.is_authenticated:
        return qs.none()
    return qs.filter(_visible_condition(scope, id_field="pk", path_field="path"))


def get_library_for_viewer(scope: Scope, public_id) -> Organization:
    organization = libraries_visible(scope).filter(public_id=public_id).first()
    if organization is None:
        raise Http404
    return organization


def my_libraries(scope: Scope) -> list[Organization]:
    """The libraries offered in the picker: the user's cells, the organisations above them and
    their committees' organisations (not every organisation of an overseen subtree), tree order."""
    own_cells = sorted(scope.member_cell_ids | scope.managed_cell_ids)
    condition = Q(pk__in=_ids_on_paths(scope.oversight_paths))
    if own_cells:
        condition |= Q(pk__in=RawSQL(_CELLS_AND_ABOVE_SQL, [own_cells]))
    return list(Organization.objects.filter(condition).order_by("path"))


def organizations_for_upload(scope: Scope) -> QuerySet[Organization]:
    """Organisations whose library the user may post documents to: those of their committee seats."""
    qs = Organization.objects.all()
    if scope.is_superuser:
        return qs
    return qs.filter(pk__in=[org_id for org_id, _path in scope.oversight])


def get_organization_for_upload(scope: Scope, public_id) -> Organization:
    organization = organizations_for_upload(scope).filter(public_id=public_id).first()
    if organization is None:
        raise Http404
    return organization


def entry_removable(scope: Scope, entry: LibraryEntry) -> bool:
    """A document posted on the library's own page may be taken out by its organisation's committee."""
    return entry.source_key.startswith("library.upload:") and (
        scope.is_superuser or entry.organization_id in {org_id for org_id, _path in scope.oversight}
    )


@dataclass(frozen=True)
class Filters:
    """What the search box and the filters ask for, already cleaned."""

    text: str = ""
    kind: str = ""
    issued_by: str = ""
    year: int | None = None
    organization: Organization | None = None  # one organisation's library: its own and inherited

    @classmethod
    def from_query(cls, query, *, organization: Organization | None = None) -> "Filters":
        kind = query.get("kind", "")
        year = query.get("year", "")
        return cls(
            text=search_query(query.get("q", ""), max_length=200),
            kind=kind if kind in LibraryEntry.Kind.values else "",
            issued_by=search_query(query.get("issued_by", ""), max_length=200),
            year=int(year) if year.isascii() and year.isdigit() and 1900 < int(year) < 2200 else None,
            organization=organization,
        )

    @property
    def active(self) -> bool:
        return bool(self.text or self.kind or self.issued_by or self.year)


def entries_search(scope: Scope, filters: Filters) -> QuerySet[LibraryEntry]:
    """The documents the user may read that match the search and the filters, newest first.

    The words are matched without diacritics and in any order ("nghi quyet" finds "Nghị
    quyết"), in the title, the issuing body and the text read out of the file, through the
    GIN index on the entry's search column."""
    qs = entries_visible(scope)
    if filters.organization is not None:
        qs = qs.filter(organization_id__in=[*filters.organization.ancestor_ids, filters.organization.pk])
    words = normalize_search(filters.text)
    if words:
        qs = qs.filter(search_vector=SearchQuery(words, config="simple", search_type="plain"))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.issued_by:
        qs = qs.filter(issued_by_vector=SearchQuery(normalize_search(filters.issued_by), config="simple",
                                                    search_type="plain"))
    if filters.year:
        qs = qs.filter(year=filters.year)
    return qs.select_related("organization").order_by("-issued_on", "-id")


def with_bookmarks(qs: QuerySet[LibraryEntry], user) -> QuerySet[LibraryEntry]:
    """Each entry says whether this user bookmarked it (`is_bookmarked`), in the same query."""
    return qs.annotate(is_bookmarked=Exists(Bookmark.objects.filter(user_id=user.pk, entry_id=OuterRef("pk"))))


def bookmarked_entries(scope: Scope, user) -> QuerySet[LibraryEntry]:
    """The user's bookmarks that they may still read, last bookmarked first (a member who moved
    cells keeps the bookmark, but sees the document only while it is theirs to see)."""
    return with_bookmarks(
        entries_visible(scope).filter(bookmarks__user_id=user.pk).select_related("organization"), user,
    ).order_by("-bookmarks__created_at", "-id")


def library_years() -> list[int]:
    """The year filter's choices: from this year back to the library's first, the same for
    everyone (one index read; a year without a document in view simply finds nothing)."""
    first = LibraryEntry.objects.order_by("issued_on").values_list("issued_on", flat=True).first()
    this_year = timezone.localdate().year
    return list(range(this_year, (first.year if first else this_year) - 1, -1))
