"""URLs of the meeting pages (names shared with other apps in HELPERS' map)."""

from django.urls import path

from meetings.views import calendar, cell, detail, home, minutes, reminders, roll_call, schedule, series

urlpatterns = [
    path("", home.home, name="home"),
    path("cells/<uuid:cell_id>/", cell.cell_home, name="cell_home"),
    path("cells/<uuid:cell_id>/meetings/", cell.cell_meetings, name="cell_meetings"),
    path("cells/<uuid:cell_id>/meetings/new/", schedule.meeting_new, name="meeting_new"),
    path("cells/<uuid:cell_id>/series/", series.meeting_series, name="meeting_series"),
    path("cells/<uuid:cell_id>/series/generate/", series.series_regenerate, name="series_generate"),
    path("cells/<uuid:cell_id>/series/stop/", series.series_stop, name="series_stop"),
    path("meetings/<uuid:meeting_id>/", detail.meeting_detail, name="meeting_detail"),
    path("meetings/<uuid:meeting_id>/edit/", schedule.meeting_edit, name="meeting_edit"),
    path("meetings/<uuid:meeting_id>/postpone/", schedule.meeting_postpone_view, name="meeting_postpone"),
    path("meetings/<uuid:meeting_id>/cancel/", schedule.meeting_cancel_view, name="meeting_cancel"),
    path("meetings/<uuid:meeting_id>/documents/", detail.document_upload, name="document_upload"),
    path("meetings/<uuid:meeting_id>/draft/", detail.draft_edit, name="draft_edit"),
    path("meetings/<uuid:meeting_id>/comments/", detail.draft_comment, name="draft_comment"),
    path("meetings/<uuid:meeting_id>/excuse/", detail.meeting_excuse, name="meeting_excuse"),
    path("meetings/<uuid:meeting_id>/excuse/withdraw/", detail.meeting_excuse_withdraw, name="meeting_excuse_withdraw"),
    path("meetings/<uuid:meeting_id>/roll-call/", roll_call.roll_call, name="roll_call"),
    path("meetings/<uuid:meeting_id>/minutes/", minutes.minutes_edit, name="minutes_edit"),
    path("meetings/<uuid:meeting_id>/minutes/print/", minutes.minutes_print, name="minutes_print"),
    path("meetings/<uuid:meeting_id>/minutes.pdf", minutes.minutes_pdf, name="minutes_pdf"),
    path("meetings/<uuid:meeting_id>/calendar.ics", calendar.meeting_ics, name="meeting_ics"),
    path("documents/<uuid:document_id>/", detail.document_download, name="document_download"),
    path("documents/<uuid:document_id>/delete/", detail.document_delete_view, name="document_delete"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path("settings/calendar/", calendar.calendar_settings, name="calendar_settings"),
    path("settings/reminders/", reminders.reminder_settings, name="reminder_settings"),
]
