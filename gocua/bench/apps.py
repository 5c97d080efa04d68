from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "gocua.bench"
    label = "bench"
