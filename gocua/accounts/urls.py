from django.urls import path

from gocua.accounts import security_views, views

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
    path("devices/", security_views.device_list, name="devices"),
    path("devices/<int:token_id>/revoke/", security_views.device_revoke, name="device_revoke"),
    path("devices/revoke-all/", security_views.device_revoke_all, name="device_revoke_all"),
    path("<int:pk>/devices/", security_views.device_list, name="member_devices"),
    path("<int:pk>/devices/<int:token_id>/revoke/", security_views.device_revoke, name="member_device_revoke"),
    path("<int:pk>/devices/revoke-all/", security_views.device_revoke_all, name="member_device_revoke_all"),
    path("<int:pk>/two-factor/remove/", security_views.otp_remove, name="otp_remove"),
    path("two-factor/", security_views.otp_enrol, name="otp_enrol"),
    path("two-factor/verify/", security_views.otp_verify, name="otp_verify"),
]
