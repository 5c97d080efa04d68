"""Read the stored rollups: villages and communes as written, provinces and the nation summed on read.

Why no stored province or national row: every write used to add its delta to the row of its
province and to the one national row, so all concurrent writers of a province — and of the whole
country — queued on the same row lock (PostgreSQL serialises `UPDATE … SET n = n + 1` on one row).
A write now touches only the rows of its own village and commune, which no writer of another
commune shares; a province is the sum of its communes (at most a few hundred rows) and the nation
the sum of all 3,321 communes, read in one aggregate each. `gocua check_rollups` still proves every
level exact: it compares these sums with the independent recomputation from raw rows.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Sum

from gocua.indicators.metrics import METRICS
from gocua.indicators.models import UnitActivity, UnitStat
from gocua.places.models import Level, Unit

NATION = "VN"


def level_of(code: str) -> int:
    if code == NATION:
        return Level.NATION
    if "-" in code:
        return Level.VILLAGE
    return Level.PROVINCE if len(code) <= 2 else Level.COMMUNE


def is_written(code: str) -> bool:
    """Return whether the rollups store a row for `code` (villages and communes only)."""
    return bool(code) and level_of(code) >= Level.COMMUNE


def written(codes: Iterable[str]) -> list[str]:
    return [code for code in codes if is_written(code)]


def communes_of(provinces: Iterable[str]) -> dict[str, str]:
    """Return {commune code: province code} for every commune, current or closed, of `provinces`."""
    wanted = sorted(set(provinces))
    if not wanted:
        return {}
    return dict(
        Unit.objects.filter(level=Level.COMMUNE, province_code__in=wanted)
        .order_by().values_list("code", "province_code").distinct()
    )


def _sum_rows(rows) -> dict[str, int]:
    total = dict.fromkeys(METRICS, 0)
    for values in rows:
        for name in METRICS:
            total[name] += values[name]
    return total


def stat_values(codes: Iterable[str]) -> dict[str, dict[str, int]]:
    """Return the current figures of each code that has any (one query per level asked)."""
    codes = list(dict.fromkeys(codes))
    found = {
        row["code"]: {name: row[name] for name in METRICS}
        for row in UnitStat.objects.filter(code__in=written(codes)).values("code", *METRICS)
    }
    provinces = [code for code in codes if level_of(code) == Level.PROVINCE]
    if provinces:
        province_of = communes_of(provinces)
        grouped = defaultdict(list)
        for row in UnitStat.objects.filter(level=Level.COMMUNE, code__in=list(province_of)).values("code", *METRICS):
            grouped[province_of[row["code"]]].append(row)
        found.update({province: _sum_rows(rows) for province, rows in grouped.items()})
    if NATION in codes:
        total = UnitStat.objects.filter(level=Level.COMMUNE).aggregate(**{name: Sum(name) for name in METRICS})
        if any(value is not None for value in total.values()):
            found[NATION] = {name: total[name] or 0 for name in METRICS}
    return found


def all_values() -> dict[str, dict[str, int]]:
    """Return the figures of every unit that has any, at every level (for snapshots and checks)."""
    values = {row["code"]: {n: row[n] for n in METRICS} for row in UnitStat.objects.values("code", *METRICS)}
    by_province = defaultdict(list)
    province_of = dict(Unit.objects.filter(level=Level.COMMUNE).order_by().values_list("code", "province_code").distinct())
    for code, row in values.items():
        if level_of(code) == Level.COMMUNE and code in province_of:
            by_province[province_of[code]].append(row)
    derived = {province: _sum_rows(rows) for province, rows in by_province.items()}
    if derived:
        derived[NATION] = _sum_rows(derived.values())
    return {**values, **derived}


def activity_in(codes: Iterable[str], start: dt.date, end: dt.date) -> dict[str, tuple[int, int]]:
    """Return {code: (visits, sessions)} summed over `start`..`end` for each code (≤ 3 queries)."""
    codes = list(dict.fromkeys(codes))
    result = {code: (0, 0) for code in codes}
    direct = written(codes)
    if direct:
        rows = (
            UnitActivity.objects.filter(code__in=direct, day__gte=start, day__lte=end)
            .order_by().values("code").annotate(v=Sum("visits"), s=Sum("sessions"))
        )
        result.update({row["code"]: (row["v"] or 0, row["s"] or 0) for row in rows})
    provinces = [code for code in codes if level_of(code) == Level.PROVINCE]
    if provinces:
        province_of = communes_of(provinces)
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        rows = (
            UnitActivity.objects.filter(code__in=list(province_of), day__gte=start, day__lte=end)
            .order_by().values("code").annotate(v=Sum("visits"), s=Sum("sessions"))
        )
        for row in rows:
            total = sums[province_of[row["code"]]]
            total[0] += row["v"] or 0
            total[1] += row["s"] or 0
        result.update({province: (v, s) for province, (v, s) in sums.items()})
    if NATION in codes:
        total = (
            UnitActivity.objects.filter(day__gte=start, day__lte=end).exclude(code__contains="-")
            .aggregate(v=Sum("visits"), s=Sum("sessions"))
        )
        result[NATION] = (total["v"] or 0, total["s"] or 0)
    return result


def activity_by_day(codes: Iterable[str] | None = None) -> dict[tuple[str, dt.date], list[int]]:
    """Return {(code, day): [visits, sessions]} of every stored row, plus provinces and the nation summed."""
    stored = {
        (code, day): [visits, sessions]
        for code, day, visits, sessions in UnitActivity.objects.values_list("code", "day", "visits", "sessions")
        .iterator(10_000)
    }
    province_of = dict(Unit.objects.filter(level=Level.COMMUNE).order_by().values_list("code", "province_code").distinct())
    derived: dict[tuple[str, dt.date], list[int]] = defaultdict(lambda: [0, 0])
    for (code, day), (visits, sessions) in stored.items():
        if level_of(code) != Level.COMMUNE:
            continue
        for target in (province_of.get(code), NATION):
            if target:
                derived[(target, day)][0] += visits
                derived[(target, day)][1] += sessions
    merged = {**stored, **derived}
    if codes is not None:
        wanted = set(codes)
        merged = {key: value for key, value in merged.items() if key[0] in wanted}
    return merged
