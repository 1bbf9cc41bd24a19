"""Read-only admin views of the roll-ups (derived data: never edited by hand)."""

from django.contrib import admin

from cells.admin import ReadOnlyAdmin
from rollups.models import CellMonth, MemberYear, OrganizationMonth


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
    list_display = ("member", "cell", "year", "unexcused_months", "unpaid_months", "at_risk_from", "removal_from")
    list_filter = ("year",)
    list_select_related = ("member", "cell")
