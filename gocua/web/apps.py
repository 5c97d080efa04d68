from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "gocua.web"
    label = "web"
