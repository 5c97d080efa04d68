from django.urls import path

from gocua.accounts import views

app_name = "accounts"

urlpatterns = [
    path("password/", views.password_change, name="password_change"),
    # Filled in by the account-management pages.
    path("", views.password_change, name="list"),
    path("audit/", views.password_change, name="audit"),
]
