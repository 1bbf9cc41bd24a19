"""API routes of the document library; the api app includes them under /api/v1/."""

from django.urls import path

from library import api

api_urlpatterns = [
    path("library/", api.LibraryView.as_view(), name="api_library"),
    path("library/bookmarks/", api.BookmarksView.as_view(), name="api_library_bookmarks"),
    path("library/<uuid:entry_id>/", api.EntryDetailView.as_view(), name="api_library_entry"),
    path("library/<uuid:entry_id>/file/", api.EntryFileView.as_view(), name="api_library_file"),
    path("library/<uuid:entry_id>/bookmark/", api.BookmarkView.as_view(), name="api_library_bookmark"),
]
