from django.apps import AppConfig


class HelpRequestsConfig(AppConfig):
    name = "gocua.helprequests"
    label = "helprequests"
