"""Dashboards, printable reports and downloads under /dashboards/."""

from django.urls import path

from gocua.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.unit_dashboard, name="unit"),
    path("<str:code>/report/", views.report_page, name="report"),
    path("<str:code>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("<str:code>/indicators.csv", views.indicators_csv, name="indicators_csv"),
    path("<str:code>/children.csv", views.children_csv, name="children_csv"),
    path("<str:code>/teams.csv", views.teams_csv, name="teams_csv"),
    path("<str:code>/trend.csv", views.trend_csv, name="trend_csv"),
    path("<str:code>/targets/", views.targets_page, name="targets"),
    path("<str:code>/targets/<int:pk>/withdraw/", views.target_withdraw_view, name="target_withdraw"),
]
