"""The library in the admin: shown, never edited here (library.services writes it)."""

from django.contrib import admin

from cells.admin import ReadOnlyAdmin
from library.models import Bookmark, LibraryEntry


@admin.register(LibraryEntry)
class LibraryEntryAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "organization", "issued_by", "issued_on")
    list_filter = ("kind", "year")
    search_fields = ("title", "source_key")
    exclude = ("search_vector", "issued_by_vector")


@admin.register(Bookmark)
class BookmarkAdmin(ReadOnlyAdmin):
    list_display = ("user", "entry", "created_at")
