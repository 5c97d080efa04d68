from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "gocua.outreach"
    label = "outreach"
