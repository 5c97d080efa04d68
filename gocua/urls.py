"""Root URLconf: pages (web, accounts), the JSON API and, for national admins, Django admin."""

from django.contrib import admin
from django.urls import include, path

from gocua.api.api import api

admin.site.site_header = "GõCửa"
admin.site.site_title = "GõCửa"

urlpatterns = [
    path("", include("gocua.web.urls")),
    path("accounts/", include("gocua.accounts.urls")),
    path("outreach/", include("gocua.outreach.urls")),
    path("dashboards/", include("gocua.indicators.urls")),
    path("reports/", include("gocua.reports.urls")),
    path("imports/", include("gocua.imports.urls")),
    path("community/", include("gocua.community.urls")),
    path("alerts/", include("gocua.alerts.urls")),
    path("learning/", include("gocua.learning.urls")),
    path("field/", include("gocua.field.urls")),
    path("help/", include("gocua.helprequests.urls")),
    path("h/", include("gocua.helprequests.public_urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "gocua.web.views.errors.bad_request"
handler403 = "gocua.web.views.errors.permission_denied"
handler404 = "gocua.web.views.errors.page_not_found"
handler500 = "gocua.web.views.errors.server_error"
