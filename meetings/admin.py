"""Meetings in the admin: shown, never edited here.

Every write goes through meetings.services, which freeze the summons, send change
notices, keep finished minutes final (amendments) and refresh the roll-ups on commit;
an admin form would do none of that.
"""

from django.contrib import admin

from cells.admin import ReadOnlyAdmin, ReadOnlyInline
from meetings.models import AbsenceExcuse, Attendance, Meeting, Minutes, MinutesAmendment, ReminderChoice


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    fields = ("member", "status", "basis", "was_official", "reason", "recorded_by", "recorded_at")


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("cell", "kind", "scheduled_date", "starts_at", "status")
    list_filter = ("kind", "status")
    date_hierarchy = "starts_at"
    search_fields = ("cell__name", "title")
    inlines = [AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "member", "status", "basis", "recorded_at")
    list_filter = ("status", "basis")
    list_select_related = ("meeting__cell", "member")


@admin.register(AbsenceExcuse)
class AbsenceExcuseAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "member", "reason", "confirmed_for", "created_at", "withdrawn_at")
    list_select_related = ("meeting__cell", "member")


class MinutesAmendmentInline(ReadOnlyInline):
    model = MinutesAmendment
    fields = ("number", "reason", "changes", "made_by", "made_at")


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "number", "finalized_at", "updated_at")
    list_select_related = ("meeting__cell",)
    inlines = [MinutesAmendmentInline]


@admin.register(MinutesAmendment)
class MinutesAmendmentAdmin(ReadOnlyAdmin):
    list_display = ("minutes", "number", "made_by", "made_at")
    list_select_related = ("minutes__meeting__cell", "made_by")


@admin.register(ReminderChoice)
class ReminderChoiceAdmin(ReadOnlyAdmin):
    list_display = ("member", "offsets_minutes", "updated_at")
    list_select_related = ("member",)
    search_fields = ("member__full_name",)
