"""URLs of the document library pages."""

from django.urls import path

from library import views

urlpatterns = [
    path("library/", views.library_index, name="library"),
    path("library/bookmarks/", views.bookmarks, name="library_bookmarks"),
    path("library/organizations/<uuid:organization_id>/upload/", views.entry_upload, name="library_upload"),
    path("library/<uuid:entry_id>/", views.entry_detail, name="library_entry"),
    path("library/<uuid:entry_id>/file/", views.entry_file, name="library_file"),
    path("library/<uuid:entry_id>/bookmark/", views.bookmark_toggle, name="library_bookmark"),
    path("library/<uuid:entry_id>/remove/", views.entry_remove, name="library_remove"),
]
