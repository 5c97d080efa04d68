"""Public help pages under /h/: short addresses for a QR code on the village notice board."""

from django.urls import path

from gocua.helprequests import public

app_name = "help_public"

urlpatterns = [
    path("s/", public.lookup, name="lookup"),
    path("s/<str:ticket>/", public.status, name="status"),
    path("<str:code>/", public.help_page, name="page"),
    path("<str:code>/poster/", public.poster, name="poster"),
    path("<str:code>/card.png", public.card, name="card"),
]
