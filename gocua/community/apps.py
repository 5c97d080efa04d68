from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "gocua.community"
    label = "community"
