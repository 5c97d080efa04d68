from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "gocua.households"
    label = "households"
