"""Alert pages under /alerts/: officers' pages (login) and the public province pages (p/…)."""

from django.urls import path

from gocua.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("new/", views.alert_new, name="new"),
    path("<int:pk>/", views.alert_detail, name="detail"),
    path("<int:pk>/edit/", views.alert_edit, name="edit"),
    path("<int:pk>/withdraw/", views.alert_withdraw, name="withdraw"),
    # Public, no login: residents open and share these.
    path("p/<str:code>/", views.public_province, name="public"),
    path("p/<str:code>/card.png", views.public_card, name="public_card"),
    path("images/<int:pk>/", views.public_image, name="image"),
]
