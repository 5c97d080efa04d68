from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "gocua.indicators"
    label = "indicators"
