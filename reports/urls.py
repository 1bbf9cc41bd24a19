from django.urls import path

from reports import views

urlpatterns = [
    path("reports/", views.dashboard, name="dashboard"),
    path("reports/<uuid:org_id>/", views.org_dashboard, name="org_dashboard"),
    path("reports/<uuid:org_id>/export/", views.org_export, name="org_export"),
    path("reports/<uuid:org_id>/monthly/", views.monthly_report, name="monthly_report"),
    path("reports/<uuid:org_id>/monthly.pdf", views.monthly_report_pdf, name="monthly_report_pdf"),
    path("reports/cells/<uuid:cell_id>/", views.cell_report, name="cell_report"),
    path("reports/cells/<uuid:cell_id>/export/", views.cell_export, name="cell_export"),
    path("reports/exports/<uuid:job_id>/", views.export_job, name="export_job"),
    path("reports/exports/<uuid:job_id>/download/", views.export_download, name="export_download"),
]
