from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "gocua.places"
    label = "places"
