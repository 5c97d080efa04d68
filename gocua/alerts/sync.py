"""The alerts a phone downloads with its sync (payload key `alerts`), readable offline."""

from gocua.alerts.models import HouseholdWarned
from gocua.alerts.selectors import active, covering, inside


def download_payload(unit, households) -> list[dict]:
    """Return the alerts in force for the teams of `unit`, each with the device's households already warned.

    `households` is the queryset of the households the device holds; two queries whatever their number.
    """
    if unit is None:
        return []
    alerts = list(active().filter(covering(unit) | inside(unit)).select_related("unit").order_by("-created_at")[:50])
    warned: dict[int, list[str]] = {a.pk: [] for a in alerts}
    if alerts:
        rows = HouseholdWarned.objects.filter(alert__in=alerts, household__in=households.values("pk")) \
            .values_list("alert_id", "household__uuid")
        for alert_id, uuid in rows:
            warned[alert_id].append(str(uuid))
    return [
        {"id": a.pk, "title": a.title, "looks_like": a.looks_like, "what_to_do": a.what_to_do,
         "severity": a.severity, "area": a.unit.name, "area_code": a.unit.code,
         "published_on": a.created_at.date().isoformat(), "expires_on": a.expires_on.isoformat(),
         "warned": warned[a.pk]}
        for a in alerts
    ]
