"""The document library in the API for the mobile app: the same selectors, the same scope
(out of scope is a 404). Wired under /api/v1/ by the api app (library.api_urls)."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api.pagination import PageNumberPagination
from api.serializers import OrganizationRefSerializer
from api.views.base import ApiView
from library import selectors, services
from library.models import LibraryEntry
from library.views import download_filename

TAG = "Library"
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP results: counting a province's matches costs more than the page."""

    @cached_property
    def count(self):
        return self.object_list[:COUNT_CAP].count()


class SearchPagination(PageNumberPagination):
    django_paginator_class = CappedPaginator


class EntrySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.ChoiceField(choices=LibraryEntry.Kind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    issued_by = serializers.CharField()
    issued_on = serializers.DateField()
    organization = OrganizationRefSerializer()
    has_file = serializers.SerializerMethodField()
    source_url = serializers.CharField(source="url", help_text="The page the document comes from (may be empty)")
    is_bookmarked = serializers.BooleanField()

    def get_has_file(self, entry) -> bool:
        return bool(entry.file)


class SearchSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=200, allow_blank=True,
                              help_text="Words to find, with or without diacritics, in the title and inside the file")
    kind = serializers.ChoiceField(choices=LibraryEntry.Kind.choices, required=False)
    issued_by = serializers.CharField(required=False, max_length=200, allow_blank=True)
    year = serializers.IntegerField(required=False, min_value=1901, max_value=2199)
    organization = serializers.UUIDField(required=False,
                                         help_text="One organisation's library: its own documents and those from above")


def _search_filters(scope, data) -> selectors.Filters:
    organization = (selectors.get_library_for_viewer(scope, data["organization"])
                    if data.get("organization") else None)
    query = {"q": data.get("q", ""), "kind": data.get("kind", ""), "issued_by": data.get("issued_by", ""),
             "year": str(data.get("year") or "")}
    return selectors.Filters.from_query(query, organization=organization)


class LibraryView(ApiView):
    pagination_class = SearchPagination

    @extend_schema(tags=[TAG], operation_id="library_search",
                   summary="Documents I may read, newest first: search and filters",
                   description=f"`count` stops at {COUNT_CAP:,}: past that, narrow the search.",
                   parameters=[SearchSerializer], responses=EntrySerializer(many=True))
    def get(self, request):
        filters = _search_filters(self.scope, self.valid(SearchSerializer, request.query_params))
        qs = selectors.with_bookmarks(selectors.entries_search(self.scope, filters), request.user)
        return self.paginated(qs, EntrySerializer)


def _entry(view, entry_id) -> LibraryEntry:
    entry = selectors.get_entry_for_viewer(view.scope, entry_id)
    entry.is_bookmarked = entry.bookmarks.filter(user=view.request.user).exists()
    return entry


class EntryDetailView(ApiView):
    @extend_schema(tags=[TAG], operation_id="library_entry", summary="One library document",
                   responses=EntrySerializer)
    def get(self, request, entry_id):
        return Response(EntrySerializer(_entry(self, entry_id)).data)


class EntryFileView(ApiView):
    @extend_schema(
        tags=[TAG], operation_id="library_entry_file", summary="Download a library document's file",
        responses={(200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an attachment.")},
    )
    def get(self, request, entry_id):
        entry = selectors.get_entry_for_viewer(self.scope, entry_id)
        if not entry.file:
            raise Http404
        try:
            handle = entry.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, as_attachment=True, filename=download_filename(entry),
                                content_type=entry.content_type or "application/octet-stream")
        response["Cache-Control"] = "private, no-store"
        return response


class BookmarkView(ApiView):
    @extend_schema(tags=[TAG], operation_id="library_bookmark_add", summary="Bookmark a document (again: the same)",
                   request=None, responses={200: EntrySerializer})
    def put(self, request, entry_id):
        entry = selectors.get_entry_for_viewer(self.scope, entry_id)
        services.bookmark_add(user=request.user, entry=entry)
        return Response(EntrySerializer(_entry(self, entry_id)).data)

    @extend_schema(tags=[TAG], operation_id="library_bookmark_remove",
                   summary="Remove a bookmark (none there: the same)", request=None,
                   responses={204: OpenApiResponse(description="Done.")})
    def delete(self, request, entry_id):
        entry = selectors.get_entry_for_viewer(self.scope, entry_id)
        services.bookmark_remove(user=request.user, entry=entry)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BookmarksView(ApiView):
    @extend_schema(tags=[TAG], operation_id="library_bookmarks", summary="My bookmarks, last bookmarked first",
                   responses=EntrySerializer(many=True))
    def get(self, request):
        return self.paginated(selectors.bookmarked_entries(self.scope, request.user), EntrySerializer)
