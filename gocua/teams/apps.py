from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "gocua.teams"
    label = "teams"
