"""Dashboard pages, the printable report and the downloads under /dashboards/.

Every page reads through gocua.indicators.selectors, which starts from accounts.scope: a unit
outside the user's area is a 404, exactly like a unit that does not exist.
"""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from gocua.accounts.models import Role
from gocua.accounts.permissions import OFFICERS
from gocua.accounts.scope import in_scope, scope_of
from gocua.errors import DomainError, NotFound
from gocua.households import priority
from gocua.indicators import charts, fragments, reports, selectors
from gocua.indicators.figures import (
    KEY_MEASURES,
    KEY_SHORT_LABELS,
    MEASURE_BY_KEY,
    PERCENT_CHOICES,
    PERCENT_KEYS,
)
from gocua.indicators.forms import TargetForm
from gocua.indicators.models import Target
from gocua.indicators.periods import KIND_LABELS, Period, parse_date, parse_period
from gocua.indicators.services import target_set, target_withdraw
from gocua.indicators.targets import targets_for, targets_listed
from gocua.places.models import Level, Unit
from gocua.web.forms import apply_domain_error

CHILDREN_TITLE = {
    Level.NATION: gettext_lazy("Provinces"),
    Level.PROVINCE: gettext_lazy("Communes"),
    Level.COMMUNE: gettext_lazy("Villages"),
}


def _error_page(request, status: int, message):
    return render(request, "web/error.html", {"status": status, "message": message}, status=status)


@dataclass
class Request:
    """What a dashboard URL asks for, parsed and checked."""

    unit: Unit
    on: dt.date | None
    period: Period
    sort: str
    descending: bool
    map_key: str
    map_era: str = selectors.MAP_NOW


def _parse(request, code: str) -> Request:
    """Parse `?date=`, `?period=`, `?start=`, `?sort=`, `?map=`; raise DomainError/NotFound on bad input."""
    on = parse_date(request.GET.get("date"))
    period = parse_period(request.GET.get("period"), request.GET.get("start"), default_day=on or timezone.localdate())
    unit = selectors.unit_for(user=request.user, code=code.strip(), on=on)
    sort = request.GET.get("sort") or "coverage"
    map_era, map_key = map_switch(request.GET.getlist("map"))
    return Request(
        unit=unit, on=on, period=period,
        sort=sort if sort in selectors.SORTS else "coverage",
        descending=request.GET.get("desc") == "1",
        map_key=map_key, map_era=map_era,
    )


def map_switch(values: list[str]) -> tuple[str, str]:
    """Return (era, measure) from the `map` values: "then"/"now" pick the map, a measure key the shading.

    One parameter carries both because `?map=coverage` (the shading) came first and `?map=then`
    is what the reorganisation issue promised; `?map=then&map=coverage` gives both.
    """
    era = selectors.MAP_THEN if selectors.MAP_THEN in values else selectors.MAP_NOW
    key = next((v for v in values if v in PERCENT_KEYS), "coverage")
    return era, key


def dashboard_view(view):
    """Wrap a view taking (request, parsed Request): bad input is a 400 page, unknown units a 404 page."""

    @login_required
    @require_GET
    def wrapper(request, code: str):
        try:
            parsed = _parse(request, code)
        except NotFound as exc:
            return _error_page(request, 404, exc.message)
        except DomainError as exc:
            return _error_page(request, 400, exc.message)
        return view(request, parsed)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@login_required
@require_GET
def index(request):
    """Send the user to the dashboard of their own area."""
    scope = scope_of(request.user)
    if scope is None:
        return _error_page(request, 404, _("Your account has no area yet; ask an officer to set one."))
    return redirect("indicators:unit", code=scope.code)


def crumbs(user, unit: Unit) -> list[tuple[str, str | None]]:
    """Return (label, dashboard url) from the nation down to `unit`'s parent; out-of-scope ones unlinked."""
    return [
        (a.name, reverse("indicators:unit", args=[a.code]) if in_scope(user, a) else None) for a in unit.ancestors()
    ]


def _trend_chart(trend: selectors.Trend, summary=None) -> tuple:
    series = [
        charts.Series(str(MEASURE_BY_KEY[key].label), trend.series(key),
                      summary.indicator(key).target if summary is not None else None)
        for key in KEY_MEASURES
    ]
    series.insert(0, charts.Series(_("Households covered"), trend.series("coverage")))
    marker = (trend.teams_started, _("team started")) if trend.teams_started else None
    svg = charts.line_chart(series, title=_("Trend"), marker=marker)
    legend = [(index, s.label, trend.change(key)) for index, (s, key) in
              enumerate(zip(series, ["coverage", *KEY_MEASURES], strict=True))]
    return svg, legend


def _map(request, parsed: Request, children) -> str:
    if parsed.unit.level != Level.PROVINCE:
        return ""
    label = dict(PERCENT_CHOICES)[parsed.map_key]
    points = [
        charts.MapPoint(row.unit.name, row.unit.latitude, row.unit.longitude, row.percent(parsed.map_key),
                        reverse("indicators:unit", args=[row.unit.code]))
        for row in children
    ]
    return charts.scatter_map(points, title=str(label))


# The dashboard's own parameters: the only ones the figures fragment and its links depend on.
FIGURE_PARAMS = ("date", "period", "start", "sort", "desc", "map")


def figures_query(request, parsed: Request) -> QueryDict:
    """Return the dashboard's parameters as asked, in a fixed order, without anything else the URL carried.

    The figures fragment is shared by everyone who opens the unit: its links and hidden fields are
    built from this, never from the raw query string, and its cache key holds it whole.
    """
    query = QueryDict(mutable=True)
    for name in ("date", "period", "start"):  # already checked by _parse: a bad value is a 400
        if request.GET.get(name):
            query[name] = request.GET[name]
    if request.GET.get("sort"):
        query["sort"] = parsed.sort
    if parsed.descending:
        query["desc"] = "1"
    maps = [v for v in request.GET.getlist("map") if v in selectors.MAP_ERAS or v in PERCENT_KEYS]
    if maps:
        query.setlist("map", maps)
    return query


def _keep(query: QueryDict) -> str:
    """Return the query string of the date and period, kept when moving to another unit or a report."""
    kept = {k: query[k] for k in ("date", "period", "start") if query.get(k)}
    if selectors.MAP_THEN in query.getlist("map"):
        kept["map"] = selectors.MAP_THEN
    return urlencode(kept)


def figures_context(request, parsed: Request, query: QueryDict) -> dict:
    """Return what the figures fragment draws: the rollups, the targets, the units and the teams, nothing personal."""
    user = request.user
    figures = selectors.unit_figures(user=user, unit=parsed.unit, on=parsed.on, period=parsed.period,
                                     map_era=parsed.map_era, with_community=False, with_alerts=False)
    children = selectors.children_figures(user=user, figures=figures, sort=parsed.sort, descending=parsed.descending)
    teams, teams_total = selectors.teams_ranked(user=user, unit=parsed.unit) if figures.available else ([], 0)
    trend = selectors.unit_trend(figures=figures) if figures.available else selectors.Trend()
    trend_svg, trend_legend = _trend_chart(trend, figures.summary)
    summary = figures.summary
    cards = [(indicator, _bar(indicator)) for indicator in summary.indicators] if summary else []
    return {
        "unit": parsed.unit, "parsed": parsed, "figures": figures, "summary": summary,
        "cards": [card for card in cards if card[0].has_target],
        "other_cards": [card for card in cards if not card[0].has_target],
        "children": children, "children_title": CHILDREN_TITLE.get(parsed.unit.level, ""),
        "teams": teams, "teams_total": teams_total, "trend": trend, "trend_svg": trend_svg,
        "trend_legend": trend_legend, "map_svg": _map(request, parsed, children), "map_bins": charts.BINS,
        "map_choices": PERCENT_CHOICES, "sort_choices": PERCENT_CHOICES, "key_labels": KEY_SHORT_LABELS,
        "children_rows": [
            (row, [(row.percent(key), row.summary.indicator(key).meets_target) for key in KEY_MEASURES])
            for row in children
        ],
        "keep": _keep(query), "query": query.urlencode(), "query_items": list(query.lists()),
        **era_links(query, figures),
    }


def _figures_fragment(request, parsed: Request, query: QueryDict) -> fragments.Fragment:
    context = figures_context(request, parsed, query)
    html = render_to_string("indicators/_figures.html", context)  # no request: nothing of the viewer's in it
    return fragments.Fragment(html, context["figures"].available)


@dataclass
class LiveFigures:
    """What the sections outside the cached fragment read as `figures`: read for every request."""

    period: Period
    community: dict | None = None
    alerts: list = field(default_factory=list)


def live_context(request, parsed: Request, query: QueryDict, available: bool) -> dict:
    """Return the page around the figures: filters, breadcrumbs and the sections that differ by role or app."""
    user, unit = request.user, parsed.unit
    on = selectors.figures_date(unit, parsed.on)
    figures = LiveFigures(period=parsed.period)
    if available:
        figures.community = (selectors.community_of([unit.code]) or {}).get(unit.code)
    if on is None:
        figures.alerts = selectors.alerts_warned(unit)
    return {
        "unit": unit, "parsed": parsed, "figures": figures, "available": available,
        "period_kinds": KIND_LABELS.items(), "crumbs": crumbs(user, unit), "report_query": _keep(query),
        "today": timezone.localdate(),
        "priority_coverage": priority_coverage(user, unit, on),
        "learning": learning_counts(unit) if available else None,
    }


# Team members see a household's "priority" mark, not how many people of each group a village has
# (in a small village a count can name a person). Figures of a past day are not kept for the groups.
PRIORITY_COVERAGE_ROLES = (Role.NATIONAL_ADMIN, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.TEAM_LEADER)


def priority_coverage(user, unit: Unit, on: dt.date | None) -> list:
    """Return the coverage of each priority group in `unit` for the roles that read figures, today only."""
    if getattr(user, "role", None) not in PRIORITY_COVERAGE_ROLES or on is not None:
        return []
    rows = priority.coverage(unit)
    return rows if any(row.residents for row in rows) else []


def learning_counts(unit) -> dict | None:
    """Return the unit's skills and course counters (issue 18), summed on read above the commune."""
    from gocua.learning.selectors import unit_counts

    return unit_counts([unit.code]).get(unit.code)


def era_links(query: QueryDict, figures) -> dict:
    """Return the query strings that show the same page on today's map and on the map as it was."""
    if figures.on is None:
        return {}
    query = query.copy()
    query.setlist("map", [v for v in query.getlist("map") if v not in selectors.MAP_ERAS])
    now = query.urlencode()
    query.appendlist("map", selectors.MAP_THEN)
    return {"map_now_query": now, "map_then_query": query.urlencode(),
            "merged_in": [code for code in figures.lineage[1:]]}


def _bar(indicator):
    return charts.stacked_bar(
        indicator.percent, indicator.no_percent, indicator.unknown_percent, indicator.target,
        label=str(indicator.label),
    )


@dashboard_view
def unit_dashboard(request, parsed: Request):
    """Show a unit's indicators against the targets, its trend, children, teams and (province) map.

    The figures part comes from the cache while the unit's version stands (fragments.py); the rest
    of the page is read for every request.
    """
    query = figures_query(request, parsed)
    fragment, _cached = fragments.figures_fragment(
        unit=parsed.unit, query=list(query.lists()), build=lambda: _figures_fragment(request, parsed, query),
    )
    context = live_context(request, parsed, query, fragment.available)
    context["figures_html"] = fragment.html
    return render(request, "indicators/dashboard.html", context)


@dashboard_view
def report_page(request, parsed: Request):
    """Show the printable A4 report of a unit for a period (aggregate figures only)."""
    return render(request, "indicators/report_a4.html", reports.report_context(request.user, parsed))


@dashboard_view
def report_xlsx(request, parsed: Request):
    """Send the old workbook link to the page that prepares it in the background (the reports app's)."""
    query = {"period": parsed.period.token}
    if parsed.on is not None:
        query["date"] = parsed.on.isoformat()
    if parsed.map_era == selectors.MAP_THEN:
        query["map"] = selectors.MAP_THEN
    return redirect(f"{reverse('reports:dashboard_xlsx', args=[parsed.unit.code])}?{urlencode(query)}")


@dashboard_view
def indicators_csv(request, parsed: Request):
    """Download the unit's indicator table as CSV."""
    return reports.csv_response(reports.report_context(request.user, parsed), "indicators")


@dashboard_view
def children_csv(request, parsed: Request):
    """Download the children's table as CSV."""
    return reports.csv_response(reports.report_context(request.user, parsed), "children")


@dashboard_view
def teams_csv(request, parsed: Request):
    """Download the teams ranking as CSV."""
    return reports.csv_response(reports.report_context(request.user, parsed), "teams")


@dashboard_view
def trend_csv(request, parsed: Request):
    """Download the weekly trend as CSV."""
    return reports.csv_response(reports.report_context(request.user, parsed), "trend")


# --- targets ------------------------------------------------------------------------------------


def _target_unit(request, code: str):
    return selectors.unit_for(user=request.user, code=code.strip())


def can_set_targets(user, unit: Unit) -> bool:
    """Return whether `user` may set targets for `unit` (an officer of it or above; not a village)."""
    return (getattr(user, "role", None) in OFFICERS and in_scope(user, unit) and unit.level <= Level.COMMUNE
            and unit.valid_to is None)


@login_required
def targets_page(request, code: str):
    """List the targets that apply to a unit (and, for a province, its communes'); officers set new ones."""
    if request.method not in ("GET", "POST"):
        return _error_page(request, 405, _("This page only shows and sets targets."))
    try:
        unit = _target_unit(request, code)
    except NotFound as exc:
        return _error_page(request, 404, exc.message)
    may_edit = can_set_targets(request.user, unit)
    form = TargetForm(request.POST or None) if may_edit else None
    status = 200
    if request.method == "POST":
        if not may_edit:
            return _error_page(request, 403, _("Only an officer of this area (or the national administrator) may set its targets."))
        if form.is_valid():
            try:
                target_set(actor=request.user, area=unit, request=request, **form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                return redirect("indicators:targets", code=unit.code)
        status = 400
    today = timezone.localdate()
    in_force = targets_for(unit, today)
    rows = [(t, in_force.get(t.indicator) == t, t.area_code == unit.code and may_edit) for t in targets_listed(unit)]
    return render(request, "indicators/targets.html", {
        "unit": unit, "rows": rows, "form": form, "may_edit": may_edit, "today": today,
        "crumbs": crumbs(request.user, unit), "labels": {m: MEASURE_BY_KEY[m].label for m in MEASURE_BY_KEY},
    }, status=status)


@login_required
def target_withdraw_view(request, code: str, pk: int):
    """Withdraw a target of this unit (POST only; kept for the record and audited)."""
    if request.method != "POST":
        return _error_page(request, 405, _("Withdraw a target with the button on the targets page."))
    try:
        unit = _target_unit(request, code)
    except NotFound as exc:
        return _error_page(request, 404, exc.message)
    target = Target.objects.filter(pk=pk, area_code=unit.code, is_active=True).first()
    if target is None:
        return _error_page(request, 404, _("There is no such target in your area."))
    if not can_set_targets(request.user, unit):
        return _error_page(request, 403, _("Only an officer of this area (or the national administrator) may set its targets."))
    try:
        target_withdraw(actor=request.user, target=target, request=request)
    except DomainError as exc:
        return _error_page(request, exc.status, exc.message)
    return redirect("indicators:targets", code=unit.code)
