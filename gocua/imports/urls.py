from django.urls import path

from gocua.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.xlsx", views.template, name="template"),
    path("<uuid:uuid>/", views.preview, name="preview"),
    path("<uuid:uuid>/status.json", views.status, name="status"),
    path("exports/<uuid:uuid>/", views.export_job, name="export_job"),
    path("exports/<uuid:uuid>/download", views.export_download, name="export_download"),
    path("<uuid:uuid>/problems.xlsx", views.problem_rows, name="problem_rows"),
    # Units by their official code, like the registry pages.
    path("export/<str:code>/", views.export, name="export"),
]
