"""The "đã cảnh báo" checklist of a visit: households warned, and their count per village and commune.

Plugged into the visit services' extension point (`outreach/services/visits/extensions.py`)
under the key `warned_alerts` (a list of alert ids), so a warning is written in the visit's own
transaction, by `visit_record` and by the sync batch `visit_record_many` alike.

Counting without hot rows: a new warning adds 1 to the (alert, village) and (alert, commune)
rows of `WarnedCount` only; provinces and the nation are summed from the communes on read
(`selectors.warned_counts`), like `indicators/stored.py`. A household is counted once per alert
(a unique constraint); ticking it again on a later visit changes nothing. Deleting the visit that
gave a warning takes it back (and its count).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gocua.alerts.errors import AlertErrorCode
from gocua.alerts.models import Alert, HouseholdWarned, WarnedCount
from gocua.alerts.selectors import reaching, warned_households
from gocua.errors import DomainError
from gocua.lib.bulk import insert_rows
from gocua.places.models import Level

KEY = "warned_alerts"
MAX_TICKED = 20


def reaches(alert: Alert, household) -> bool:
    """Return whether `alert` is aimed at the household's commune, its province or the nation."""
    if alert.level == Level.NATION:
        return True
    if alert.level == Level.PROVINCE:
        return alert.province_code == household.province_code
    return alert.level == Level.COMMUNE and alert.commune_code == household.commune_code


def _ids(value) -> list[int]:
    if not isinstance(value, list | tuple) or len(value) > MAX_TICKED:
        raise DomainError(AlertErrorCode.WARNED_INVALID, field=KEY)
    ids = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int | str) or not str(item).isdigit():
            raise DomainError(AlertErrorCode.WARNED_INVALID, field=KEY)
        ids.append(int(item))
    return list(dict.fromkeys(ids))


@dataclass
class _Batch:
    alerts: dict[int, Alert]
    warned: dict[int, set[int]]
    taken: set[tuple[int, int]] = field(default_factory=set)  # (alert, household) accepted earlier in the batch


class WarnedExtension:
    key = KEY

    def prepare(self, requests) -> _Batch:
        ids, households = set(), set()
        for request in requests:
            value = (request.extras or {}).get(KEY)
            if isinstance(value, list | tuple):
                ids |= {int(v) for v in value if isinstance(v, int | str) and not isinstance(v, bool) and str(v).isdigit()}
                households.add(request.household.pk)
        alerts = Alert.objects.in_bulk(list(ids))
        return _Batch(alerts=alerts, warned=warned_households(alerts, households))

    def clean(self, state: _Batch, actor, request, visited_on) -> list[int]:
        """Return the alerts this visit warns the household about for the first time (refuses unknown ones)."""
        household = request.household
        fresh = []
        for alert_id in _ids(request.extras[KEY]):
            alert = state.alerts.get(alert_id)
            if alert is None:
                raise DomainError(AlertErrorCode.ALERT_UNKNOWN, field=KEY)
            if not reaches(alert, household):
                raise DomainError(AlertErrorCode.ALERT_NOT_HERE, field=KEY)
            # Ticked on a phone before the alert ended (offline for days): the visit is kept, the tick is not
            # counted; a warning counts only while the alert was live.
            published_on = timezone.localtime(alert.created_at).date()
            if alert.withdrawn_at is not None or not (published_on <= visited_on <= alert.expires_on):
                continue
            if household.pk in state.warned.get(alert_id, ()) or (alert_id, household.pk) in state.taken:
                continue
            fresh.append(alert_id)
        return fresh

    def write(self, state: _Batch, actor, pairs) -> None:
        rows, counts = [], Counter()
        now = timezone.now()
        for visit, alert_ids in pairs:
            for alert_id in alert_ids:
                if (alert_id, visit.household_id) in state.taken:
                    continue
                state.taken.add((alert_id, visit.household_id))
                rows.append({"alert_id": alert_id, "household_id": visit.household_id, "visit_id": visit.pk,
                             "warned_on": visit.visited_on, "province_code": visit.province_code,
                             "commune_code": visit.commune_code, "village_code": visit.village_code,
                             "created_at": now})
                counts[(alert_id, visit.village_code, Level.VILLAGE, visit.province_code)] += 1
                counts[(alert_id, visit.commune_code, Level.COMMUNE, visit.province_code)] += 1
        if not rows:
            return
        insert_rows(HouseholdWarned, rows)
        add_counts(counts)

    def visit_deleted(self, actor, visit) -> None:
        """Take back the warnings a deleted visit gave (the household is then no longer counted as warned)."""
        rows = list(HouseholdWarned.objects.filter(visit_id=visit.pk)
                    .values_list("pk", "alert_id", "village_code", "commune_code", "province_code"))
        if not rows:
            return
        counts = Counter()
        for _pk, alert_id, village, commune, province in rows:
            counts[(alert_id, village, Level.VILLAGE, province)] -= 1
            counts[(alert_id, commune, Level.COMMUNE, province)] -= 1
        HouseholdWarned.objects.filter(pk__in=[row[0] for row in rows]).delete()
        add_counts(counts)

    def form_items(self, household, on) -> dict | None:
        alerts = reaching(household.village, on)
        if not alerts:
            return None
        done = warned_households([a.pk for a in alerts], [household.pk])
        return {
            "label": _("Warned about the scam alerts (đã cảnh báo)"),
            "choices": [{"value": a.pk, "label": a.title, "severity": a.severity, "done": household.pk in done.get(a.pk, ())}
                        for a in alerts],
        }


def add_counts(counts: Counter) -> None:
    """Add to the (alert, unit) rows, creating the missing ones first; in key order, so writers never deadlock."""
    WarnedCount.objects.bulk_create(
        [WarnedCount(alert_id=a, code=code, level=level, province_code=province, households=0)
         for a, code, level, province in sorted(counts)],
        ignore_conflicts=True,
    )
    for (alert_id, code, _level, _province), n in sorted(counts.items()):
        WarnedCount.objects.filter(alert_id=alert_id, code=code).update(households=F("households") + n)
