"""Rolled-up indicator figures kept exact as data changes, in the writer's transaction.

Design (see docs/ARCHITECTURE.md, "Rollups"): a write service wraps its work in
``with track(household_ids):``. Before and after the block, the *contribution* of those
households (their own figures plus their residents' and visits') is computed in Python from a
handful of indexed queries; the difference is added to the rows of their village and commune
with ``UPDATE … SET col = col + delta``. Provinces and the nation have no stored row: they are
summed from their communes on read (`stored.py`), so no two communes' writers share a row lock.
Moves work unchanged: the before-snapshot counts a household in its old village, the
after-snapshot in the new one.

Public API:

- ``track(household_ids)`` — context manager; ``tracker.add(id)`` for households created inside.
- ``activity_add(codes, day, sessions=±1)`` — community sessions (visits are tracked via households).
- ``refresh_villages(village_codes)`` — after a bulk write that bypassed the services.
- ``reference_date()`` — the date that age and "left behind" are computed at (moved by roll_day).

`gocua check_rollups` verifies all of this against independent GROUP BY queries (recompute.py).
"""

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, F, OuterRef
from django.utils import timezone

from gocua.households.digital import BASIC_SKILLS, ESSENTIALS, Tri
from gocua.households.models import Household, Resident
from gocua.indicators.metrics import METRICS, PERSONAL
from gocua.indicators.models import RollupState, UnitActivity, UnitStat
from gocua.indicators.stored import NATION, is_written, level_of
from gocua.lib import unit_versions
from gocua.outreach import need

__all__ = ["NATION", "level_of", "reference_date", "track", "activity_add", "refresh_villages"]
_local = threading.local()


def reference_date() -> dt.date:
    """Return the reference date of the rollups, creating the state row on first use."""
    state = RollupState.objects.filter(pk=1).first()
    if state is None:
        state, _created = RollupState.objects.get_or_create(
            pk=1, defaults={"reference_date": timezone.localdate(), "rolled_at": timezone.now()}
        )
    return state.reference_date


# --- contributions ------------------------------------------------------------------------------


class Snapshot:
    """Contributions of some households, keyed by village code, plus visits per (village, day)."""

    def __init__(self):
        self.stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.visits: dict[tuple[str, str, str, dt.date], int] = defaultdict(int)
        self.ancestry: dict[str, tuple[str, str]] = {}


def snapshot(household_ids: set[int], ref: dt.date) -> Snapshot:
    """Return the contribution of `household_ids` (3 queries, whatever the number of ids)."""
    from gocua.outreach.models import Visit, VisitResident

    snap = Snapshot()
    if not household_ids:
        return snap
    households = list(
        Household.objects.filter(pk__in=household_ids).values_list("pk", "village_code", "commune_code", "province_code")
    )
    if not households:
        return snap
    ids = [h[0] for h in households]
    # "Checked" is one index probe per resident (EXISTS), however many visits the resident had.
    residents = list(
        Resident.objects.filter(household_id__in=ids, status__in=Resident.COUNTED_STATUSES)
        .annotate(checked=Exists(VisitResident.objects.filter(resident_id=OuterRef("pk"), visit__deleted_at__isnull=True)))
        .values("pk", "household_id", "birth_year", *ESSENTIALS, *BASIC_SKILLS, *PERSONAL, "internet", "checked")
    )
    # A visit counts as activity where it happened (its own codes), even if the household moved since.
    # Grouped in SQL: a household visited on many days costs one row per day, not per visit.
    visits = list(
        Visit.objects.filter(household_id__in=ids, deleted_at__isnull=True)
        .values_list("household_id", "visited_on", "village_code", "commune_code", "province_code")
        .annotate(n=Count("id"))
        .order_by()
    )
    adult_year = ref.year - need.ADULT_AGE
    by_household = defaultdict(list)
    for resident in residents:
        by_household[resident["household_id"]].append(resident)
    visits_of = defaultdict(list)
    for household_id, day, v_village, v_commune, v_province, count in visits:
        visits_of[household_id].append(day)
        snap.visits[(v_village, v_commune, v_province, day)] += count

    for pk, village, commune, province in households:
        snap.ancestry[village] = (commune, province)
        row = snap.stats[village]
        people = by_household[pk]
        days = visits_of[pk]
        recently_visited = need.visited_recently(days, ref)
        row["households"] += 1
        row["households_covered"] += bool(days)
        proficient = [all(r[s] == Tri.YES for s in BASIC_SKILLS) for r in people]
        row["households_target"] += any(proficient)
        internet = {r["internet"] for r in people}
        row["households_internet_yes"] += Tri.YES in internet
        row["households_internet_no"] += Tri.YES not in internet and Tri.NO in internet
        lacking_adult = False
        for resident, is_proficient in zip(people, proficient, strict=True):
            row["residents"] += 1
            row["residents_checked"] += bool(resident["checked"])
            if resident["birth_year"] > adult_year:
                continue
            row["adults"] += 1
            row["adults_proficient"] += is_proficient
            for name in PERSONAL:
                if resident[name] == Tri.YES:
                    row[f"{name}_yes"] += 1
                elif resident[name] == Tri.NO:
                    row[f"{name}_no"] += 1
            lacks = any(resident[name] == Tri.NO for name in ESSENTIALS)
            lacking_adult = lacking_adult or lacks
            row["residents_left_behind"] += lacks and not recently_visited
        household_lacks = lacking_adult or (bool(people) and not any(proficient))
        row["households_left_behind"] += household_lacks and not recently_visited
    return snap


# --- applying differences -----------------------------------------------------------------------


def _add_up(target: dict, code: str, values: dict[str, int], sign: int) -> None:
    row = target[code]
    for name, value in values.items():
        if value:
            row[name] += sign * value


def diff(before: Snapshot, after: Snapshot) -> tuple[dict, dict]:
    """Return (stats delta per village and commune, visits delta per (code, day)) — never a province's or the nation's."""
    ancestry = {**before.ancestry, **after.ancestry}
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    visits: dict[tuple[str, dt.date], int] = defaultdict(int)
    for snap, sign in ((before, -1), (after, 1)):
        for village, values in snap.stats.items():
            commune, _province = ancestry[village]
            for code in (village, commune):
                _add_up(stats, code, values, sign)
        for (village, commune, _province, day), count in snap.visits.items():
            for code in (village, commune):
                if code:
                    visits[(code, day)] += sign * count
    return stats, visits


def changed_units(before: Snapshot, after: Snapshot, stats: dict, visits: dict) -> set[str]:
    """Return the codes whose figures the deltas change, with the provinces above them (for unit versions)."""
    province_of: dict[str, str] = {}
    for snap in (before, after):
        for village, (commune, province) in snap.ancestry.items():
            province_of[village] = province_of[commune] = province
        for village, commune, province, _day in snap.visits:
            province_of[village] = province_of[commune] = province
    codes = {code for code, values in stats.items() if any(values.values())}
    codes |= {code for (code, _day), count in visits.items() if count}
    return codes | {province_of[code] for code in codes if province_of.get(code)}


BATCHED_UPDATE_ROWS = 20  # above this many units, one executemany instead of one UPDATE per unit


def apply_stats(delta: dict[str, dict[str, int]]) -> None:
    """Add `delta` to the UnitStat rows (creating missing rows), in a fixed order against deadlocks."""
    if len(delta) > BATCHED_UPDATE_ROWS:
        delta = _apply_stats_batched(delta)
    for code in sorted(delta):
        assert is_written(code), f"no stored row for {code}: provinces and the nation are summed on read"
        changes = {name: value for name, value in delta[code].items() if value}
        if not changes:
            continue
        if UnitStat.objects.filter(code=code).update(**{n: F(n) + v for n, v in changes.items()}):
            continue
        try:
            with transaction.atomic():
                UnitStat.objects.create(code=code, level=level_of(code), **changes)
        except IntegrityError:  # created by a concurrent writer a moment ago
            UnitStat.objects.filter(code=code).update(**{n: F(n) + v for n, v in changes.items()})


def _apply_stats_batched(delta: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Add the deltas with one executemany and create the missing rows in bulk; return what is left.

    An import refreshes hundreds of villages at once. One statement sets every metric any unit
    changes (adding 0 to the others), so the rows are still locked in code order, as the
    row-by-row path does.
    """
    changed = {code: {n: v for n, v in values.items() if v} for code, values in delta.items()}
    changed = {code: values for code, values in changed.items() if values}
    if not changed:
        return {}
    for code in changed:
        assert is_written(code), f"no stored row for {code}: provinces and the nation are summed on read"
    names = sorted({n for values in changed.values() for n in values})
    existing = set(UnitStat.objects.filter(code__in=list(changed)).values_list("code", flat=True))
    table, quote = UnitStat._meta.db_table, connection.ops.quote_name
    columns = {n: quote(UnitStat._meta.get_field(n).column) for n in names}
    sets = ", ".join(f"{columns[n]} = {columns[n]} + %s" for n in names)
    params = [(*(changed[code].get(n, 0) for n in names), code) for code in sorted(existing)]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {quote(table)} SET {sets} WHERE {quote('code')} = %s", params)
    missing = sorted(code for code in changed if code not in existing)
    try:
        with transaction.atomic():
            UnitStat.objects.bulk_create(
                [UnitStat(code=code, level=level_of(code), **changed[code]) for code in missing], batch_size=500
            )
    except IntegrityError:  # one was created by a concurrent writer a moment ago: row by row, as usual
        return {code: changed[code] for code in missing}
    return {}


def apply_activity(visits: dict[tuple[str, dt.date], int], *, field: str = "visits") -> None:
    for code, day in sorted(visits):
        value = visits[(code, day)]
        if not value:
            continue
        assert is_written(code), f"no stored activity for {code}: provinces and the nation are summed on read"
        if UnitActivity.objects.filter(code=code, day=day).update(**{field: F(field) + value}):
            continue
        try:
            with transaction.atomic():
                UnitActivity.objects.create(code=code, day=day, **{field: value})
        except IntegrityError:
            UnitActivity.objects.filter(code=code, day=day).update(**{field: F(field) + value})


# --- the public API -----------------------------------------------------------------------------


class Tracker:
    def __init__(self, ids: set[int]):
        self.ids = ids
        self.ref: dt.date | None = None

    def add(self, household_id: int) -> None:
        """Include a household created inside the block (its before-contribution is zero)."""
        if household_id not in _tracked():
            self.ids.add(household_id)


def _tracked() -> set[int]:
    stack = getattr(_local, "stack", [])
    return set().union(*[t.ids for t in stack]) if stack else set()


@contextmanager
def track(household_ids: Iterable[int] = ()):
    """Adjust the rollups by whatever the block changes in these households, atomically."""
    ids = {int(pk) for pk in household_ids if pk is not None} - _tracked()
    tracker = Tracker(ids)
    stack = _local.__dict__.setdefault("stack", [])
    with transaction.atomic():
        # Inside an outer track() (a sync batch, a visit setting indicators) the reference date
        # cannot change: reuse it instead of reading it again for every nested write.
        ref = stack[0].ref if stack else reference_date()
        tracker.ref = ref
        before = snapshot(set(ids), ref)
        stack.append(tracker)
        try:
            yield tracker
        finally:
            stack.pop()
        if tracker.ids:
            after = snapshot(tracker.ids, ref)
            stats, visits = diff(before, after)
            apply_stats(stats)
            apply_activity(visits)
            unit_versions.bump(changed_units(before, after, stats, visits))


def activity_add(*, village_code: str, commune_code: str, province_code: str, day: dt.date, sessions: int) -> None:
    """Count (or uncount) community sessions on `day` for a unit and its commune (provinces sum on read)."""
    codes = [c for c in (village_code, commune_code) if c]
    apply_activity({(code, day): sessions for code in codes}, field="sessions")
    if sessions:
        unit_versions.bump([*codes, province_code])


def refresh_villages(village_codes: Iterable[str]) -> None:
    """Recompute the given villages from raw rows and apply the difference to their ancestors."""
    from gocua.indicators import recompute
    from gocua.places.models import Unit

    codes = sorted(set(village_codes))
    if not codes:
        return
    with transaction.atomic():
        ref = reference_date()
        fresh = recompute.stats("village_code", ref, village_codes=codes)
        stored = {s.code: s.values() for s in UnitStat.objects.filter(code__in=codes)}
        rows = list(
            Unit.objects.filter(code__in=codes, valid_to__isnull=True).values_list("code", "commune_code", "province_code")
        )
        ancestry = {code: commune for code, commune, _province in rows}
        stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for code in codes:
            new, old = fresh.get(code, {}), stored.get(code, {})
            delta = {m: new.get(m, 0) - old.get(m, 0) for m in METRICS}
            for target in (code, ancestry.get(code)):
                if target:
                    _add_up(stats, target, delta, 1)
        apply_stats(stats)
        fresh_visits = recompute.visits("village_code", village_codes=codes)
        stored_visits = {
            (a.code, a.day): a.visits for a in UnitActivity.objects.filter(code__in=codes) if a.visits
        }
        visits: dict[tuple[str, dt.date], int] = defaultdict(int)
        for key in set(fresh_visits) | set(stored_visits):
            delta = fresh_visits.get(key, 0) - stored_visits.get(key, 0)
            if delta:
                code, day = key
                for target in (code, ancestry.get(code)):
                    if target:
                        visits[(target, day)] += delta
        apply_activity(visits)
        unit_versions.bump({*codes, *(code for row in rows for code in row)})
