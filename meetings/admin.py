from django.contrib import admin

from meetings.models import Attendance, Meeting


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ("member",)
    readonly_fields = ("recorded_by", "recorded_at")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("cell", "kind", "scheduled_date", "starts_at", "status")
    list_filter = ("kind", "status")
    date_hierarchy = "starts_at"
    raw_id_fields = ("cell",)
    search_fields = ("cell__name", "title")
    inlines = [AttendanceInline]
