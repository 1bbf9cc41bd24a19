"""Fees in the admin: shown, never edited here (the services compute dues and allocations)."""

from django.contrib import admin

from cells.admin import ReadOnlyAdmin
from fees.models import FeeBasis, FeeMonth, FeeRate, FeeSheet, Remittance


@admin.register(FeeRate)
class FeeRateAdmin(ReadOnlyAdmin):
    list_display = ("kind", "percent", "fixed_amount", "effective_from")


@admin.register(FeeBasis)
class FeeBasisAdmin(ReadOnlyAdmin):
    list_display = ("member", "kind", "base_amount", "effective_from")
    raw_id_fields = ("member",)


@admin.register(FeeMonth)
class FeeMonthAdmin(ReadOnlyAdmin):
    list_display = ("member", "cell", "month", "amount_due", "amount_received", "amount_paid", "paid_on")
    list_filter = ("month",)


@admin.register(FeeSheet)
class FeeSheetAdmin(ReadOnlyAdmin):
    list_display = ("cell", "month", "collected_on", "recorded_at")


@admin.register(Remittance)
class RemittanceAdmin(ReadOnlyAdmin):
    list_display = ("cell", "month", "amount", "remitted_on", "to_organization")
