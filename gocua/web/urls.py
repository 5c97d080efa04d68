from django.urls import path

from gocua.web.views import auth

app_name = "web"

urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    # Filled in by the page views (units, households, residents, teams, search).
    path("search/", auth.home, name="search"),
    path("units/<str:code>/", auth.home, name="unit"),
]
