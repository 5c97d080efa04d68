"""Scoped reads behind the dashboards, reports and indicator API: rollups, never raw rows.

Figures come from `UnitStat` (now) or `UnitSnapshot` (a past date); teams and members are
counted live from their small tables; visits and sessions are sums of `UnitActivity` days. Each
summary carries the targets in force for its unit on the day the period ends (`targets.py`); how
they map onto the metrics is documented in gocua/indicators/figures.py.
Every function runs a fixed number of queries whatever the number of children or teams.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from gocua.accounts.scope import scoped
from gocua.alerts import selectors as alert_selectors
from gocua.errors import NotFound
from gocua.indicators import stored
from gocua.indicators.errors import IndicatorErrorCode
from gocua.indicators.figures import PERCENT_KEYS, Summary, summary_of
from gocua.indicators.models import RollupState, UnitSnapshot, UnitStat
from gocua.indicators.periods import Period, period_of
from gocua.indicators.targets import targets_for, targets_for_units
from gocua.places.models import Level, Unit
from gocua.places.selectors import CHILD_CODE_FIELD, OWN_CODE_FIELD
from gocua.teams.models import Member, Team

NATION = "VN"
TREND_POINTS = 104  # two years of weekly snapshots
# `?map=`: a past period on today's map (old units' figures summed into their successors) or on
# the map as it was then (each unit under its own name and code). See docs/REORG.md.
MAP_NOW, MAP_THEN = "now", "then"
MAP_ERAS = (MAP_NOW, MAP_THEN)


@dataclass(frozen=True)
class Notice:
    """Why there are no figures for the asked date (the API's `notice`, a banner on pages)."""

    code: str  # before_unit_existed | after_unit_closed | no_snapshot
    message: str


def unit_not_found(code: str) -> NotFound:
    return NotFound(
        IndicatorErrorCode.UNIT_NOT_FOUND,
        _("There is no unit with code “%(code)s” in your area. Codes look like VN, 01, 09784 or 09784-001.")
        % {"code": code[:32]},
        field="code",
    )


def unit_for(*, user, code: str, on: dt.date | None = None, ancestors: bool = True) -> Unit:
    """Return the period of unit `code` valid on `on` (else the latest) if `user` may see it; else NotFound.

    `ancestors` fetches the parent chain in the same query (pages draw breadcrumbs); the API,
    whose every millisecond counts, leaves it out.
    """
    units = scoped(user, Unit.objects.filter(code=code))
    if ancestors:
        units = units.select_related("parent__parent__parent")
    periods = list(units.order_by("valid_from"))
    if not periods:
        raise unit_not_found(code)
    if on is not None:
        for period in periods:
            if period.valid_from <= on and (period.valid_to is None or on <= period.valid_to):
                period.first_valid_from = periods[0].valid_from
                return period
    unit = periods[-1]
    unit.first_valid_from = periods[0].valid_from
    return unit


def reference_date() -> dt.date | None:
    """Return the date that age and "left behind" were computed at (None before the first rollup)."""
    return RollupState.objects.filter(pk=1).values_list("reference_date", flat=True).first()


# --- one unit -----------------------------------------------------------------------------------


@dataclass
class UnitFigures:
    unit: Unit
    on: dt.date | None  # the asked date; None = now
    source: str  # "current" | "snapshot" | "none"
    snapshot_on: dt.date | None
    notice: Notice | None
    summary: Summary | None
    period: Period
    visits: int = 0
    sessions: int = 0
    teams: int = 0
    members: int = 0
    teams_started: dt.date | None = None
    community: dict | None = None
    alerts: list[dict] = field(default_factory=list)  # households warned per scam alert (now only)
    reference_date: dt.date | None = None
    map_era: str = MAP_NOW
    # The codes whose figures are summed: the unit's own, plus on today's map its predecessors'.
    lineage: list[str] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return self.summary is not None


def _existence_notice(unit: Unit, on: dt.date) -> Notice | None:
    first = getattr(unit, "first_valid_from", unit.valid_from)
    if on < first:
        return Notice(
            "before_unit_existed",
            _("%(unit)s did not exist yet on %(date)s: it exists since %(since)s.")
            % {"unit": unit.name, "date": date_format(on, "SHORT_DATE_FORMAT"),
               "since": date_format(first, "SHORT_DATE_FORMAT")},
        )
    if unit.valid_to is not None and on > unit.valid_to:
        return Notice(
            "after_unit_closed",
            _("%(unit)s no longer existed on %(date)s: it was closed on %(closed)s.")
            % {"unit": unit.name, "date": date_format(on, "SHORT_DATE_FORMAT"),
               "closed": date_format(unit.valid_to, "SHORT_DATE_FORMAT")},
        )
    return None


def snapshot_date(on: dt.date) -> dt.date | None:
    """Return the date of the latest weekly snapshot taken on or before `on` (all units share it)."""
    return UnitSnapshot.objects.filter(code=NATION, on__lte=on).order_by("-on").values_list("on", flat=True).first()


def _no_snapshot_notice(on: dt.date) -> Notice:
    first = UnitSnapshot.objects.filter(code=NATION).order_by("on").values_list("on", flat=True).first()
    if first is None:
        message = _("No figures were recorded on or before %(date)s: no weekly snapshot has been taken yet.")
    else:
        message = _("No figures were recorded on or before %(date)s: the first weekly snapshot is from %(first)s.")
    return Notice("no_snapshot", message % {
        "date": date_format(on, "SHORT_DATE_FORMAT"),
        "first": date_format(first, "SHORT_DATE_FORMAT") if first else "",
    })


def _values_at(unit: Unit, on: dt.date | None) -> tuple[str, dt.date | None, Notice | None, dict | None]:
    """Return (source, snapshot date, notice, values) of `unit` now or at `on`."""
    if on is None:
        return "current", None, None, stored.stat_values([unit.code]).get(unit.code, {})
    notice = _existence_notice(unit, on)
    if notice is not None:
        return "none", None, notice, None
    if on >= timezone.localdate() and unit.valid_to is None:
        return _values_at(unit, None)
    taken = snapshot_date(on)
    if taken is None:
        return "none", None, _no_snapshot_notice(on), None
    row = UnitSnapshot.objects.filter(code=unit.code, on=taken).values_list("values", flat=True).first()
    # A unit without a row in a snapshot had nothing registered that week: its figures were zero.
    return "snapshot", taken, None, row or {}


def _teams_filter(on: dt.date | None, via: str = "") -> tuple[Q, Q]:
    """Return (team filter, member filter within those teams) for teams existing now or on `on`."""
    if on is None:
        return Q(**{f"{via}is_active": True}), Q(members__left_on__isnull=True)
    alive = Q(members__joined_on__lte=on) & (Q(members__left_on__isnull=True) | Q(members__left_on__gt=on))
    return Q(**{f"{via}founded_on__lte": on}), alive


def _teams_of(user, unit: Unit, on: dt.date | None, group: str | None, codes=None) -> dict:
    """Return {code: (teams, current members, first founding date)} with one GROUP BY."""
    teams_q, members_q = _teams_filter(on)
    qs = scoped(user, Team.objects.filter(teams_q))
    own = OWN_CODE_FIELD.get(unit.level)
    if own:
        qs = qs.filter(**{own: unit.code})
    if codes is not None:
        qs = qs.filter(**{f"{group}__in": codes})
    aggregates = {
        "n_teams": Count("pk", distinct=True),
        "n_members": Count("members", filter=members_q),
        "started": Min("founded_on"),
    }
    if group is None:
        row = qs.aggregate(**aggregates)
        return {unit.code: (row["n_teams"], row["n_members"], row["started"])}
    rows = qs.order_by().values(group).annotate(**aggregates)
    return {row[group]: (row["n_teams"], row["n_members"], row["started"]) for row in rows}


def activity_in(codes: list[str], period: Period) -> dict[str, tuple[int, int]]:
    """Return {code: (visits, sessions)} summed over the days of `period` (provinces and the nation from their communes)."""
    return stored.activity_in(codes, period.start, period.end)


def community_of(codes: list[str]) -> dict[str, dict] | None:
    """Return community contributions per code, or None when the community app offers none."""
    try:
        from gocua.community.selectors import unit_contributions
    except ImportError:
        return None
    try:
        return unit_contributions(list(codes))
    except Exception:  # noqa: BLE001 - a half-built neighbour app must not take the dashboard down
        return None


# --- today's map: old units' figures summed into their successors ------------------------------


def lineages(units: list[Unit]) -> dict[int, list[Unit]]:
    """Return {unit id: the units that became it as a whole (merged or moved in), transitively}.

    A split's parts have no lineage: the old village's figures cannot be divided between them.
    One query per generation of changes, whatever the number of units.
    """
    from gocua.places.models import UnitSuccession
    from gocua.places.selectors import MAX_HOPS

    found: dict[int, list[Unit]] = {u.pk: [] for u in units}
    frontier = {u.pk: u.pk for u in units}  # unit id to look up → the unit it belongs to
    split_parts = set()  # units made by a split (seen in the first hop's rows: no query of their own)
    for hop in range(MAX_HOPS):
        if not frontier:
            break
        rows = UnitSuccession.objects.filter(successor_id__in=list(frontier)).select_related("predecessor")
        following = {}
        for row in rows:
            if row.change == UnitSuccession.Change.SPLIT:
                if hop == 0:
                    split_parts.add(row.successor_id)
                continue
            owner = frontier[row.successor_id]
            if all(p.pk != row.predecessor_id for p in found[owner]):
                found[owner].append(row.predecessor)
                following[row.predecessor_id] = owner
        frontier = following
    if split_parts:
        _split_communes_carry_their_villages(found, [u for u in units if u.pk in split_parts])
    return found


def _split_communes_carry_their_villages(found: dict[int, list[Unit]], units: list[Unit]) -> None:
    """Give a commune made by a split the history of the villages it received, on today's map.

    A split village's figures cannot be divided, but a commune is split by whole villages: its
    figure for a week before the split is the sum of those villages' own figures then (their
    predecessors, which moved into it under new codes). Only for such communes: one query for their
    villages, and the villages' own lineage.
    """
    from gocua.places.models import Level

    split = {u.pk for u in units if u.level == Level.COMMUNE}
    if not split:
        return
    villages = list(Unit.objects.filter(parent_id__in=split, level=Level.VILLAGE, valid_to__isnull=True))
    for village, carried in lineages(villages).items():
        owner = next(v.parent_id for v in villages if v.pk == village)
        for unit in carried:
            if all(p.pk != unit.pk for p in found[owner]):
                found[owner].append(unit)


def _summed(rows) -> dict[str, int]:
    total: dict[str, int] = {}
    for values in rows:
        for name, value in (values or {}).items():
            total[name] = total.get(name, 0) + (value or 0)
    return total


def _values_on_today_map(unit: Unit, on: dt.date, lineage: list[Unit]):
    """Return (source, snapshot date, notice, values) of `unit` at `on`, its predecessors' figures included."""
    first = min([getattr(unit, "first_valid_from", unit.valid_from), *(p.valid_from for p in lineage)])
    if on < first:
        unit.first_valid_from = first
        return "none", None, _existence_notice(unit, on), None
    if on >= timezone.localdate():
        return _values_at(unit, None)
    taken = snapshot_date(on)
    if taken is None:
        return "none", None, _no_snapshot_notice(on), None
    codes = [unit.code, *(p.code for p in lineage)]
    rows = UnitSnapshot.objects.filter(code__in=codes, on=taken).values_list("values", flat=True)
    return "snapshot", taken, None, _summed(rows)


def figures_date(unit: Unit, on: dt.date | None) -> dt.date | None:
    """Return the date a unit's figures are read at: `on`, or a closed unit's last day (None: now)."""
    if on is None and unit.valid_to is not None:
        return unit.valid_to  # a closed unit (merged, split): its last figures, not today's zeros
    return on


def unit_figures(*, user, unit: Unit, on: dt.date | None = None, period: Period | None = None,
                 with_community: bool = True, map_era: str = MAP_NOW, with_alerts: bool = True) -> UnitFigures:
    """Return the figures of `unit` now (or at `on`), with activity in `period` (default: its month).

    `map_era` "now" (default) counts a current unit's predecessors' figures in for a past date;
    "then" shows each unit's own. A closed unit always shows its own (the break in its history).
    """
    on = figures_date(unit, on)
    period = period or period_of("month", on or timezone.localdate())
    lineage = lineages([unit])[unit.pk] if map_era == MAP_NOW and unit.valid_to is None else []
    if lineage and on is not None:
        source, taken, notice, values = _values_on_today_map(unit, on, lineage)
    else:
        source, taken, notice, values = _values_at(unit, on)
    figures = UnitFigures(
        unit=unit, on=on, source=source, snapshot_on=taken, notice=notice,
        summary=summary_of(values, targets_for(unit, period.end)) if values is not None else None, period=period,
        reference_date=reference_date(), map_era=map_era, lineage=[unit.code, *(p.code for p in lineage)],
    )
    # Today's visits are all recorded under current codes; a past period's may be under old ones.
    activity = activity_in(figures.lineage if on is not None else [unit.code], period)
    figures.visits = sum(v for v, _s in activity.values())
    figures.sessions = sum(s for _v, s in activity.values())
    group = None if unit.level == Level.NATION else OWN_CODE_FIELD[unit.level]
    counts = _teams_of(user, unit, on if source == "snapshot" else None, group)
    figures.teams, figures.members, figures.teams_started = counts.get(unit.code, (0, 0, None))
    if with_community and values is not None:
        figures.community = (community_of([unit.code]) or {}).get(unit.code)
    if on is None and with_alerts:
        figures.alerts = alerts_warned(unit)
    return figures


def alerts_warned(unit: Unit) -> list[dict]:
    """Return the scam alerts that reached `unit` lately, each with the households warned in it (2 queries)."""
    alerts = alert_selectors.recent_for(unit)
    counts = alert_selectors.warned_counts([a.pk for a in alerts], unit.code)
    today = timezone.localdate()
    return [{"id": a.pk, "title": a.title, "severity": a.severity, "area": a.unit.name, "area_code": a.unit.code,
             "expires_on": a.expires_on, "active": a.is_active(today), "households_warned": counts.get(a.pk, 0)}
            for a in alerts]


# --- children -----------------------------------------------------------------------------------


@dataclass
class ChildFigures:
    unit: Unit
    summary: Summary
    teams: int = 0
    members: int = 0
    visits: int = 0
    sessions: int = 0
    community: dict | None = None

    def percent(self, key: str) -> float | None:
        return self.summary.percent_of(key)


SORTS = ["coverage", "name", "households", *[k for k in PERCENT_KEYS if k != "coverage"]]


def _children_units(user, unit: Unit, on: dt.date | None) -> list[Unit]:
    qs: QuerySet = Unit.objects.filter(parent__code=unit.code, level=unit.level + 1)
    if on is None:
        qs = qs.filter(valid_to__isnull=True)
    else:
        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)
    return list(scoped(user, qs).order_by("code"))


def children_figures(*, user, figures: UnitFigures, sort: str = "coverage", descending: bool = False,
                     with_community: bool = True) -> list[ChildFigures]:
    """Return the children of `figures.unit` that existed at its date, with their figures (≤ 6 queries)."""
    unit = figures.unit
    if unit.level >= Level.VILLAGE or not figures.available:
        return []
    on = figures.on if figures.source == "snapshot" else None
    today_map = on is not None and figures.map_era == MAP_NOW and unit.valid_to is None
    children = _children_units(user, unit, None if today_map else on)
    codes = [child.code for child in children]
    if not codes:
        return []
    if today_map:
        children, values, activity = _children_on_today_map(children, figures)
        codes = [child.code for child in children]
    elif figures.source == "snapshot":
        values = dict(UnitSnapshot.objects.filter(code__in=codes, on=figures.snapshot_on).values_list("code", "values"))
    else:
        values = stored.stat_values(codes)
    teams = _teams_of(user, unit, on, CHILD_CODE_FIELD[unit.level], codes)
    if not today_map:
        activity = activity_in(codes, figures.period)
    community = community_of(codes) if with_community else None
    targets = targets_for_units(children, figures.period.end)
    rows = []
    for child in children:
        n_teams, n_members, _started = teams.get(child.code, (0, 0, None))
        rows.append(ChildFigures(
            unit=child, summary=summary_of(values.get(child.code), targets[child.code]), teams=n_teams,
            members=n_members,
            visits=activity[child.code][0], sessions=activity[child.code][1],
            community=(community or {}).get(child.code),
        ))
    return sort_children(rows, sort, descending=descending)


def _children_on_today_map(children: list[Unit], figures: UnitFigures) -> tuple[list[Unit], dict, dict]:
    """Return (children, values, activity) of the current children at the figures' snapshot, predecessors
    summed in; a child that neither existed then nor has a predecessor that did is left out."""
    family = lineages(children)
    on = figures.on

    def existed(unit: Unit) -> bool:
        return unit.valid_from <= on and (unit.valid_to is None or unit.valid_to >= on)

    children = [c for c in children if existed(c) or any(existed(p) for p in family[c.pk])]
    owner = {child.code: child.code for child in children}
    for child in children:
        for old in family[child.pk]:
            owner.setdefault(old.code, child.code)
    rows = UnitSnapshot.objects.filter(code__in=list(owner), on=figures.snapshot_on).values_list("code", "values")
    grouped: dict[str, list] = {}
    for code, row in rows:
        grouped.setdefault(owner[code], []).append(row)
    values = {code: _summed(parts) for code, parts in grouped.items()}
    activity = {child.code: (0, 0) for child in children}
    for code, (v, s) in activity_in(list(owner), figures.period).items():
        visits, sessions = activity[owner[code]]
        activity[owner[code]] = (visits + v, sessions + s)
    return children, values, activity


def sort_children(rows: list[ChildFigures], sort: str, *, descending: bool = False) -> list[ChildFigures]:
    """Sort by `sort` (weakest first unless `descending`); units without data always come last."""
    if sort == "name":
        return sorted(rows, key=lambda r: r.unit.name_folded or r.unit.name, reverse=descending)
    if sort == "households":
        return sorted(rows, key=lambda r: (r.summary.households, r.unit.code), reverse=descending)
    key = sort if sort in PERCENT_KEYS else "coverage"
    known = [r for r in rows if r.percent(key) is not None]
    unknown = [r for r in rows if r.percent(key) is None]
    known.sort(key=lambda r: (r.percent(key), r.unit.code), reverse=descending)
    return known + unknown


# --- teams ranked -------------------------------------------------------------------------------


@dataclass
class RankedTeam:
    team: Team
    households: int
    covered: int
    members: int

    @property
    def progress(self) -> float | None:
        return round(100 * self.covered / self.households, 1) if self.households else None


def teams_ranked(*, user, unit: Unit, limit: int = 50) -> tuple[list[RankedTeam], int]:
    """Return the active teams in `unit` by progress (households covered / households of their unit), and their total."""
    stat = UnitStat.objects.filter(code=OuterRef("unit__code"))
    members = (
        Member.objects.filter(team=OuterRef("pk"), left_on__isnull=True).order_by()
        .values("team").annotate(n=Count("pk")).values("n")
    )
    qs = scoped(user, Team.objects.filter(is_active=True))
    own = OWN_CODE_FIELD.get(unit.level)
    if own:
        qs = qs.filter(**{own: unit.code})
    qs = qs.select_related("unit").annotate(
        hh=Subquery(stat.values("households")[:1]),
        covered=Subquery(stat.values("households_covered")[:1]),
        n_members=Subquery(members),
    ).annotate(
        progress=Case(
            When(hh__gt=0, then=Cast(F("covered"), FloatField()) / Cast(F("hh"), FloatField())),
            default=Value(None), output_field=FloatField(),
        )
    )
    rows = list(qs.order_by(F("progress").desc(nulls_last=True), "name", "pk")[:limit])
    total = len(rows) if len(rows) < limit else qs.count()
    return [RankedTeam(t, t.hh or 0, t.covered or 0, t.n_members or 0) for t in rows], total


# --- trend --------------------------------------------------------------------------------------


@dataclass
class Trend:
    points: list[tuple[dt.date, Summary]] = field(default_factory=list)
    teams_started: dt.date | None = None

    def series(self, key: str) -> list[tuple[dt.date, float | None]]:
        return [(day, summary.percent_of(key)) for day, summary in self.points]

    def change(self, key: str) -> tuple[float, float] | None:
        """Return (first, last) known percentage of `key` over the trend, None with fewer than two."""
        known = [value for _day, value in self.series(key) if value is not None]
        return (known[0], known[-1]) if len(known) >= 2 else None


def unit_trend(*, figures: UnitFigures, points: int = TREND_POINTS) -> Trend:
    """Return the weekly snapshots of the unit up to its date, plus its current value (one query)."""
    unit = figures.unit
    upto = figures.snapshot_on if figures.source == "snapshot" else timezone.localdate()
    codes = figures.lineage or [unit.code]
    if len(codes) == 1:
        rows = list(
            UnitSnapshot.objects.filter(code=unit.code, on__lte=upto).order_by("-on").values_list("on", "values")[:points]
        )
    else:  # today's map: the predecessors' weeks summed in, so the line runs on across the merger
        days = list(UnitSnapshot.objects.filter(code__in=codes, on__lte=upto).order_by("-on")
                    .values_list("on", flat=True).distinct()[:points])
        by_day: dict[dt.date, list] = {}
        for day, values in UnitSnapshot.objects.filter(code__in=codes, on__in=days).values_list("on", "values"):
            by_day.setdefault(day, []).append(values)
        rows = [(day, _summed(by_day[day])) for day in sorted(by_day, reverse=True)]
    trend = Trend([(day, summary_of(values)) for day, values in reversed(rows)], figures.teams_started)
    if figures.source == "current" and figures.summary is not None:
        today = timezone.localdate()
        if trend.points and trend.points[-1][0] == today:
            trend.points.pop()
        trend.points.append((today, figures.summary))
    return trend
