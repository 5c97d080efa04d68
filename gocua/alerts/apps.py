from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "gocua.alerts"
    label = "alerts"

    def ready(self):
        # The visit services offer an extension point; the "đã cảnh báo" checklist plugs into it.
        from gocua.alerts.warnings import WarnedExtension
        from gocua.outreach.services.visits.extensions import register

        register(WarnedExtension())
