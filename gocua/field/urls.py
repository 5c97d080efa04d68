from django.urls import path

from gocua.field import views

app_name = "field"

urlpatterns = [
    path("", views.app, name="app"),
    # Served from /field/ (not /static/) so that its scope covers the app without extra headers.
    path("sw.js", views.service_worker, name="sw"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("conflicts/", views.conflict_list, name="conflicts"),
    path("conflicts/<int:pk>/settle/", views.conflict_settle, name="conflict_settle"),
]
