from django.apps import AppConfig


class FieldConfig(AppConfig):
    name = "gocua.field"
    label = "field"

    def ready(self):
        # A scam alert reaches the phones of its area as a push notification where they allow it.
        from gocua.alerts.models import Alert
        from gocua.alerts.services import alert_published
        from gocua.field.push import alert_published_enqueue

        alert_published.connect(alert_published_enqueue, sender=Alert, dispatch_uid="gocua.field.push.alert")
