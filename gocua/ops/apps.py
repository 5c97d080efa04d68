from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "gocua.ops"
    label = "ops"
