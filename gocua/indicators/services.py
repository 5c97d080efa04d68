"""Rebuild and verify the rollups: the daily roll and the drift check."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from gocua.indicators import recompute, stored
from gocua.indicators.metrics import METRICS
from gocua.indicators.models import RollupState, UnitActivity, UnitSnapshot, UnitStat
from gocua.indicators.rollups import NATION, level_of, reference_date
from gocua.lib.bulk import insert_rows
from gocua.places.models import Level, Unit, code_field


def _scope(unit: Unit | None) -> tuple[dict, list[int]]:
    """Return the raw-row filter and the levels to compare for the subtree of `unit`."""
    if unit is None or unit.level == Level.NATION:
        return {}, [0, 1, 2, 3]
    return {code_field(unit.level): unit.code}, [lvl for lvl in (1, 2, 3) if lvl >= unit.level]


def expected_figures(unit: Unit | None, ref: dt.date) -> tuple[dict, dict]:
    """Return (stats per code, activity per (code, day)) recomputed from raw rows for the subtree."""
    where, levels = _scope(unit)
    wanted = set(levels)
    # One pass per table over the subtree, summed upwards; sums above the subtree are partial: dropped.
    stats = {
        code: values for code, values in recompute.stats(recompute.ALL_LEVELS, ref, where=where).items()
        if level_of(code) in wanted
    }
    activity = {}
    for column, counts in enumerate((recompute.visits(recompute.ALL_LEVELS, where=where),
                                     recompute.sessions(recompute.ALL_LEVELS, where=where))):
        for (code, day), n in counts.items():
            if level_of(code) in wanted:
                activity.setdefault((code, day), [0, 0])[column] += n
    return stats, activity


def _subtree_codes(unit: Unit | None) -> set[str] | None:
    if unit is None or unit.level == Level.NATION:
        return None
    where, _levels = _scope(unit)
    return set(Unit.objects.filter(**where).values_list("code", flat=True))


@dataclass
class DriftReport:
    reference_date: dt.date
    units_checked: int = 0
    differences: list[str] = field(default_factory=list)


def rollups_check(*, unit: Unit | None = None) -> DriftReport:
    """Compare stored rollups of `unit`'s subtree (all when None) with a recomputation from raw rows."""
    ref = reference_date()
    report = DriftReport(reference_date=ref)
    expected, activity = expected_figures(unit, ref)
    codes = _subtree_codes(unit)
    _where, levels = _scope(unit)
    # Villages and communes as stored; provinces and the nation as the dashboards sum them on read.
    have_stats = {code: values for code, values in stored.all_values().items() if level_of(code) in levels}
    stray = UnitStat.objects.exclude(level__in=[lvl for lvl in (2, 3)]).values_list("code", flat=True)
    report.differences += [f"{code}: a stored row for a level that is summed on read" for code in stray]
    if codes is not None:
        have_stats = {code: values for code, values in have_stats.items() if code in codes}
    for code in sorted(set(expected) | set(have_stats)):
        report.units_checked += 1
        want, have = expected.get(code, {}), have_stats.get(code, {})
        for metric in METRICS:
            if want.get(metric, 0) != have.get(metric, 0):
                report.differences.append(f"{code} {metric}: stored {have.get(metric, 0)}, actual {want.get(metric, 0)}")
    stored_activity = {
        key: value for key, value in stored.activity_by_day().items()
        if level_of(key[0]) in levels and (codes is None or key[0] in codes)
    }
    for key in sorted(set(activity) | set(stored_activity)):
        want, have = activity.get(key, [0, 0]), stored_activity.get(key, [0, 0])
        if list(want) != list(have):
            code, day = key
            report.differences.append(f"{code} activity {day}: stored {have}, actual {want}")
    return report


def rollups_rebuild(
    *, reference: dt.date | None = None, snapshot: bool = True, figures: tuple[dict, dict] | None = None
) -> int:
    """Recompute every rollup at `reference` (default today), store it, and take the weekly snapshot.

    `figures`: what `expected_figures(None, reference)` returned, computed by the caller while
    nothing else wrote (`gocua generate` computes them while another process fills the search
    tables); by default they are computed here, inside the transaction that stores them.
    """
    ref = reference or timezone.localdate()
    with transaction.atomic():
        RollupState.objects.update_or_create(pk=1, defaults={"reference_date": ref, "rolled_at": timezone.now()})
        stats, activity = figures if figures is not None else expected_figures(None, ref)
        UnitStat.objects.all().delete()
        UnitStat.objects.bulk_create(
            [UnitStat(code=code, level=level_of(code), **values) for code, values in stats.items() if stored.is_written(code)],
            batch_size=1000,
        )
        UnitActivity.objects.all().delete()
        # insert_rows, not bulk_create: about a million (unit, day) rows on a national database.
        insert_rows(UnitActivity, [
            {"code": c, "day": d, "visits": v, "sessions": s} for (c, d), (v, s) in activity.items() if stored.is_written(c)
        ])
        if snapshot:
            snapshot_take(on=ref)
    return len(stats)


def snapshot_take(*, on: dt.date) -> int:
    """Store today's figures of every unit as the snapshot of `on`'s week (Monday), once per week."""
    monday = on - dt.timedelta(days=on.weekday())
    if UnitSnapshot.objects.filter(code=NATION, on__gte=monday, on__lte=on).exists():
        return 0
    rows = [UnitSnapshot(code=code, on=on, values=values) for code, values in stored.all_values().items()]
    UnitSnapshot.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
