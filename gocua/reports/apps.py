from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "gocua.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from gocua.reports.providers import register_all

        register_all()
