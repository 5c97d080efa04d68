from django.urls import path

from gocua.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/active/", views.account_set_active, name="set_active"),
    path("<int:pk>/password/", views.account_reset_password, name="reset_password"),
    path("<int:pk>/role/", views.account_change_role, name="change_role"),
    path("password/", views.password_change, name="password_change"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
]
