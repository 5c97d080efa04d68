from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "gocua.learning"
    label = "learning"
