"""The organisation tree in the admin: shown, never edited here.

The tree is written only by cells.services (a move rewrites the stored path of a whole
subtree, which every scope and roll-up reads); an admin form would change `parent` alone.
"""

from django.contrib import admin

from cells.models import Organization, OrganizationChange


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows rows that only services may write (they keep paths, snapshots and roll-ups in step)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "depth", "regular_meeting_day", "is_active", "closed_on", "merged_into")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    list_select_related = ("merged_into",)


@admin.register(OrganizationChange)
class OrganizationChangeAdmin(ReadOnlyAdmin):
    list_display = ("recorded_at", "kind", "summary", "actor", "undone_at")
    list_filter = ("kind",)
    list_select_related = ("actor",)
