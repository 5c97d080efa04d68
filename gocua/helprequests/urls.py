"""The team's help-request pages under /help/ (log-in)."""

from django.urls import path

from gocua.helprequests import views

app_name = "help"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
