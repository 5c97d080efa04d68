"""Demo data for the dashboards: back-dated weekly snapshots, so trends and before/after show a history.

A real deployment's history is the weekly snapshot `roll_day` takes; a fresh demo has none, so
its trend charts would be one dot. `demo_snapshots` writes one snapshot per past week for the
demo communes from what the demo's back-dated data say: the roster is today's (every household
listed from the start), and how many households had been visited by that week is counted from
the back-dated visits themselves; the digital
indicators, which the demo records only as they are today, rise from a baseline before the team
started (`BASELINE` of today's figure) in step with the households reached. Other units' figures
stay as today. Provinces and the nation are summed from communes, as `stored.all_values` does.
Idempotent: a week that already has a snapshot is left alone.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Min
from django.utils import timezone

from gocua.indicators import stored
from gocua.indicators.metrics import METRICS
from gocua.indicators.models import UnitSnapshot
from gocua.lib import unit_versions
from gocua.places.models import Level, Unit

WEEKS = 26  # half a year of weekly points
BASELINE = 0.55  # share of today's "yes" figures the residents already had before the team came
POPULATION = {"households", "residents", "adults"}


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _village_then(now: dict, *, registered: float, reached: float) -> dict[str, int]:
    """Return a village's figures of a past week from today's, `registered` and `reached` being 0..1 shares."""
    then = {}
    progress = BASELINE + (1 - BASELINE) * reached
    for name in METRICS:
        value = now.get(name, 0)
        if name in POPULATION or name.endswith("_no"):
            then[name] = round(value * registered)
        elif name == "residents_checked":
            then[name] = round(value * registered * reached)
        elif name == "households_left_behind" or name == "residents_left_behind":
            base = "households" if name.startswith("households") else "residents"
            then[name] = round(value * registered + (now.get(base, 0) - value) * registered * (1 - reached) * 0.5)
        else:  # the yes counts, proficient adults, households meeting the target
            then[name] = round(value * registered * progress)
    for name in METRICS:  # who lacked a "yes" then still counts as "no"
        if name.endswith("_yes"):
            missing = round(now.get(name, 0) * registered) - then[name]
            then[name.removesuffix("_yes") + "_no"] = then.get(name.removesuffix("_yes") + "_no", 0) + missing
    return {name: max(0, int(value)) for name, value in then.items()}


def demo_snapshots(*, communes: list[str], weeks: int = WEEKS, today: dt.date | None = None) -> int:
    """Write back-dated weekly snapshots of every unit for the past `weeks` weeks; return how many weeks."""
    from gocua.outreach.models import Visit

    today = today or timezone.localdate()
    villages = list(Unit.objects.filter(parent__code__in=communes, level=Level.VILLAGE, valid_to__isnull=True)
                    .values_list("code", "commune_code"))
    if not villages:
        return 0
    codes = [code for code, _commune in villages]
    days = [_monday(today) - dt.timedelta(weeks=k) for k in range(weeks, 0, -1)]
    taken = set(UnitSnapshot.objects.filter(code=stored.NATION, on__gte=days[0]).values_list("on", flat=True))
    days = [day for day in days if all(_monday(t) != day for t in taken)]
    if not days:
        return 0
    first_visit = defaultdict(list)
    for row in (Visit.objects.filter(village_code__in=codes, deleted_at__isnull=True).order_by()
                .values("village_code", "household_id").annotate(first=Min("visited_on"))):
        first_visit[row["village_code"]].append(row["first"])
    now = stored.all_values()
    province_of = dict(Unit.objects.filter(level=Level.COMMUNE).order_by().values_list("code", "province_code").distinct())
    rows = []
    for day in days:
        values = {code: dict(v) for code, v in now.items() if stored.level_of(code) >= Level.COMMUNE}
        for commune in communes:
            values.pop(commune, None)
        for code, commune in villages:
            current = now.get(code)
            if not current:
                continue
            firsts = first_visit[code]
            reached = sum(1 for d in firsts if d <= day) / len(firsts) if firsts else 0.0
            village = _village_then(current, registered=1.0, reached=reached)
            village["households_covered"] = sum(1 for d in firsts if d <= day)
            values[code] = village
            total = values.setdefault(commune, dict.fromkeys(METRICS, 0))
            for name in METRICS:
                total[name] += village[name]
        derived: dict[str, dict] = {}
        for code, row in values.items():
            if stored.level_of(code) == Level.COMMUNE and code in province_of:
                for target in (province_of[code], stored.NATION):
                    bucket = derived.setdefault(target, dict.fromkeys(METRICS, 0))
                    for name in METRICS:
                        bucket[name] += row.get(name, 0)
        rows += [UnitSnapshot(code=code, on=day, values=row) for code, row in {**values, **derived}.items()]
    UnitSnapshot.objects.bulk_create(rows, batch_size=1000)
    unit_versions.bump_all()  # the trends of every unit drawn from these weeks
    return len(days)


# A province's own targets for this year, so the demo shows a dashboard judged against targets in
# force (the national 2025 targets have ended). They are SAMPLE figures for the demo only: the
# document says so, and a real province sets its own from the plan that issued them (docs/TARGETS_AND_REPORTS.md).
DEMO_TARGETS = {"smartphone": 85, "payment_account": 85, "basic_skills": 75, "internet": 85, "digital_signature": 55}
DEMO_DOCUMENT = {"document_number": "01/KH-MẪU", "document_issuer": "UBND thành phố Hà Nội (dữ liệu mẫu, không phải văn bản thật)"}


def demo_targets(*, actor, province_code: str = "01", today: dt.date | None = None) -> int:
    """Set the demo province's sample targets for this year through the real service; return how many were new."""
    from gocua.indicators.models import Target
    from gocua.indicators.services import target_set

    today = today or timezone.localdate()
    start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    area = Unit.objects.filter(code=province_code, valid_to__isnull=True).first()
    if area is None:
        return 0
    made = 0
    for indicator, value in DEMO_TARGETS.items():
        if Target.objects.filter(is_active=True, area_code=province_code, indicator=indicator,
                                 starts_on__lte=end, ends_on__gte=start).exists():
            continue
        target_set(actor=actor, area=area, indicator=indicator, kind="percent", value=value, starts_on=start,
                   ends_on=end, document_date=min(dt.date(today.year, 1, 15), today),
                   note="Mục tiêu mẫu của bản demo / sample target of the demo", **DEMO_DOCUMENT)
        made += 1
    return made
