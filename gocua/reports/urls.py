"""The periodic reports and their review under /reports/."""

from django.urls import path

from gocua.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    # Before the unit routes, whose code would otherwise match "exports".
    path("exports/<uuid:uuid>/", views.export_job, name="export_job"),
    path("exports/<uuid:uuid>/report.xlsx", views.export_download, name="export_download"),
    # The dashboard's period workbook: GET offers it, POST queues it (the dashboard's date, period, start, map).
    path("exports/dashboard/<str:code>/", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("<str:code>/", views.unit_reports, name="unit"),
    path("<str:code>/<str:period>/", views.report_page, name="report"),
    path("<str:code>/<str:period>/xlsx/", views.report_xlsx, name="report_xlsx"),  # POST: queue the workbook
    path("<str:code>/<str:period>/submit/", views.submit, name="submit"),
    path("<str:code>/<str:period>/return/", views.return_report, name="return"),
    path("<str:code>/<str:period>/accept/", views.accept, name="accept"),
]
