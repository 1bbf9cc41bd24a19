"""Admin for superusers: accounts, member records and positions (read the audit in pghistory).

Memberships and committee seats are shown, never edited here: members.services keeps one
home cell, one secretary and non-overlapping terms, and the roll calls read them by date.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from cells.admin import ReadOnlyAdmin, ReadOnlyInline
from members.models import (
    AccessCode,
    CellInCharge,
    CellMembership,
    CommitteeSeat,
    Member,
    MemberImport,
    MemberStatusChange,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Preferences"), {"fields": ("language",)}),
                 (_("Sign-in by phone"), {"fields": ("phone", "phone_verified")}))
    # The number follows the member record (members.services.user_phone_from_record).
    readonly_fields = ("phone", "phone_verified")
    list_display = ("username", "email", "phone", "first_name", "last_name", "is_staff", "is_superuser", "last_login")
    search_fields = (*BaseUserAdmin.search_fields, "phone")


class StatusChangeInline(admin.TabularInline):
    model = MemberStatusChange
    extra = 0
    fields = ("status", "effective_date", "decision_ref", "note", "recorded_by", "recorded_at")
    readonly_fields = fields
    can_delete = False

    # Status changes go through members.services.member_change_status, which keeps the
    # record in step; the admin shows the history only.
    def has_add_permission(self, request, obj=None):
        return False


class MembershipInline(ReadOnlyInline):
    model = CellMembership
    fields = ("cell", "kind", "role", "start_date", "end_date")


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("full_name", "party_card_number", "status", "gender", "date_of_birth", "phone")
    list_filter = ("status", "gender", "workplace_kind", "far_from_home")
    search_fields = ("full_name", "search_name", "party_card_number", "citizen_id", "phone")
    raw_id_fields = ("user",)
    readonly_fields = ("status", "status_since")
    inlines = [MembershipInline, StatusChangeInline]


@admin.register(CommitteeSeat)
class CommitteeSeatAdmin(ReadOnlyAdmin):
    list_display = ("member", "body", "organization", "title", "start_date", "end_date")
    list_filter = ("body",)
    list_select_related = ("member", "organization")


@admin.register(CellInCharge)
class CellInChargeAdmin(ReadOnlyAdmin):
    list_display = ("member", "cell", "start_date", "end_date")
    list_select_related = ("member", "cell")


@admin.register(AccessCode)
class AccessCodeAdmin(ReadOnlyAdmin):
    # Issued and spent only through members.access_codes; the code itself is never stored.
    list_display = ("user", "issued_by", "issued_at", "expires_at", "used_at", "voided_at")
    list_select_related = ("user", "issued_by")
    exclude = ("code_hash",)


@admin.register(MemberImport)
class MemberImportAdmin(admin.ModelAdmin):
    """Read-only: imports are made and written from the cell's import page."""

    list_display = ("original_name", "cell", "status", "rows_total", "created_count", "updated_count", "created_by",
                    "created_at")
    list_filter = ("status",)
    raw_id_fields = ("cell", "created_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
