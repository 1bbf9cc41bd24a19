"""Read-only admin views of the roll-ups (derived data: never edited by hand)."""

from django.contrib import admin

from rollups.models import CellMonth, MemberYear, OrganizationMonth


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CellMonth)
class CellMonthAdmin(ReadOnlyAdmin):
    list_display = ("cell", "month", "regular_held", "regular_on_time", "regular_missed", "summoned", "present")
    list_filter = ("month",)
    list_select_related = ("cell",)


@admin.register(OrganizationMonth)
class OrganizationMonthAdmin(ReadOnlyAdmin):
    list_display = ("organization", "month", "cells_due", "regular_on_time", "regular_missed", "summoned", "present")
    list_filter = ("month",)
    list_select_related = ("organization",)


@admin.register(MemberYear)
class MemberYearAdmin(ReadOnlyAdmin):
    list_display = ("member", "cell", "year", "unexcused_months", "at_risk_from", "removal_from")
    list_filter = ("year",)
    list_select_related = ("member", "cell")
