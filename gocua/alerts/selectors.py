"""Reads of alerts: which reach a unit, which an officer manages, the public list, households warned per unit."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from gocua.accounts.scope import scoped
from gocua.alerts.models import Alert, HouseholdWarned, WarnedCount
from gocua.places.models import Level, Unit

NATION = "VN"
RECENT_DAYS = 90  # the dashboard lists alerts that ended less than this long ago


def active(on: dt.date | None = None) -> QuerySet:
    return Alert.objects.filter(withdrawn_at__isnull=True, expires_on__gte=on or timezone.localdate())


def covering(unit: Unit) -> Q:
    """Return the filter for alerts aimed at `unit` or at one of its ancestors (the alerts that reach it)."""
    q = Q(level=Level.NATION)
    if unit.level >= Level.PROVINCE:
        q |= Q(level=Level.PROVINCE, province_code=unit.province_code)
    if unit.level >= Level.COMMUNE:
        q |= Q(level=Level.COMMUNE, commune_code=unit.commune_code)
    return q


def inside(unit: Unit) -> Q:
    """Return the filter for alerts aimed at a part of `unit` (nothing below a commune: no village alerts)."""
    if unit.level == Level.NATION:
        return Q(level__gt=Level.NATION)
    if unit.level == Level.PROVINCE:
        return Q(level=Level.COMMUNE, province_code=unit.province_code)
    return Q(pk__in=[])


def reaching(unit: Unit, on: dt.date | None = None) -> list[Alert]:
    """Return the active alerts every team of `unit` must pass on, most serious first."""
    order = {"danger": 0, "warning": 1, "info": 2}
    alerts = list(active(on).filter(covering(unit)).select_related("unit"))
    alerts.sort(key=lambda a: (order.get(a.severity, 3), -a.created_at.timestamp()))
    return alerts






def managed(user) -> QuerySet:
    """Return the alerts `user` may change: aimed at their area or inside it."""
    return scoped(user, Alert.objects.select_related("unit", "created_by"))


def public_for_province(province: Unit, on: dt.date | None = None) -> list[Alert]:
    """Return the active alerts residents of `province` should know: the nation's, the province's, its communes'."""
    return list(active(on).filter(Q(level=Level.NATION) | Q(province_code=province.province_code))
                .select_related("unit").order_by("level", "-created_at"))


def recent_for(unit: Unit) -> list[Alert]:
    """Return the alerts that reached `unit` or a part of it, active or ended lately (for the dashboard)."""
    since = timezone.localdate() - dt.timedelta(days=RECENT_DAYS)
    return list(Alert.objects.filter(covering(unit) | inside(unit), expires_on__gte=since)
                .select_related("unit").order_by("-created_at")[:20])


def warned_counts(alert_ids: list[int], code: str) -> dict[int, int]:
    """Return {alert id: households warned in unit `code`}: a stored row, or communes summed (province, nation)."""
    if not alert_ids:
        return {}
    rows = WarnedCount.objects.filter(alert_id__in=alert_ids)
    if code == NATION:
        rows = rows.filter(level=Level.COMMUNE)
    elif "-" in code or len(code) > 2:
        rows = rows.filter(code=code)
    else:
        rows = rows.filter(level=Level.COMMUNE, province_code=code)
    found = defaultdict(int)
    for row in rows.values("alert_id").annotate(n=Sum("households")).order_by():
        found[row["alert_id"]] = row["n"] or 0
    return {pk: found.get(pk, 0) for pk in alert_ids}


def warned_households(alert_ids, household_ids) -> dict[int, set[int]]:
    """Return {alert id: ids of these households already warned about it}."""
    found = defaultdict(set)
    for alert_id, household_id in HouseholdWarned.objects.filter(
        alert_id__in=list(alert_ids), household_id__in=list(household_ids)
    ).values_list("alert_id", "household_id"):
        found[alert_id].add(household_id)
    return found


def recount_differences() -> list[tuple[int, str, int, int]]:
    """Return (alert, code, stored, recounted) wherever `WarnedCount` differs from the warnings themselves.

    Independent of `warnings.add_counts`: one GROUP BY per level over `HouseholdWarned`.
    """
    recounted = {}
    for column in ("village_code", "commune_code"):
        for row in HouseholdWarned.objects.values("alert_id", column).annotate(n=Count("id")).order_by():
            recounted[(row["alert_id"], row[column])] = row["n"]
    stored = {(a, code): n for a, code, n in WarnedCount.objects.values_list("alert_id", "code", "households")}
    return sorted(
        (alert_id, code, stored.get((alert_id, code), 0), recounted.get((alert_id, code), 0))
        for alert_id, code in set(stored) | set(recounted)
        if stored.get((alert_id, code), 0) != recounted.get((alert_id, code), 0)
    )
