"""Indicators endpoints under /api/v1/: the rolled-up figures of a unit and of its children.

They sit beside gocua.places.api's `/units/{code}` and `/units/{code}/children`: Django path
segments never contain "/", so `/units/{code}/indicators` cannot be taken for a unit code.
"""

import datetime as dt
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from gocua.api.auth import api_user
from gocua.api.schemas import ERROR_RESPONSES, Code
from gocua.errors import DomainError
from gocua.indicators import selectors
from gocua.indicators.figures import IndicatorFigure, Ratio, Summary
from gocua.indicators.periods import parse_date, parse_period

router = Router(tags=["indicators"])

DATE_HELP = "Figures as they stood on this day (YYYY-MM-DD), from the weekly snapshot on or before it."
PERIOD_HELP = "Visits and sessions in: month | quarter | year (containing `start`, `date` or today), or 2025-07, 2025-Q3, 2025."
MAP_HELP = ("For a past date: now (default) = on today's map, units merged since counted in their successor; "
            "then = on the map as it was, each unit under its own code.")
START_HELP = "A day inside the period: YYYY-MM-DD, YYYY-MM or YYYY."


class IndicatorParams(Schema):
    date: str | None = Field(None, description=DATE_HELP)
    period: str | None = Field(None, description=PERIOD_HELP)
    start: str | None = Field(None, description=START_HELP)
    map: str | None = Field(None, description=MAP_HELP)


class RatioOut(Schema):
    count: int
    denominator: int
    percent: float | None = Field(description="100 × count / denominator, one decimal; null when the denominator is 0.")


class IndicatorOut(Schema):
    key: str
    label: str
    kind: Literal["personal", "household"]
    yes: int
    no: int | None = Field(description="Null for composites (all five skills, the 2024 household target).")
    unknown: int
    unknown_percent: float | None
    unknown_basis: Literal["unknown_answer", "not_visited", "not_checked"] = Field(
        description="unknown_answer: yes/no not known, over the denominator; not_visited: households never "
        "visited, over households; not_checked: residents never checked, over residents."
    )
    denominator: int
    denominator_name: Literal["adults", "households"]
    percent: float | None
    target_percent: float | None = Field(description="The percent target in force for this unit and period (most specific area wins).")
    target_count: int | None = Field(None, description="The target in force when it is a count of people or households.")
    target_document: str | None = Field(None, description="The document that set the target: number, date (dd/mm/yyyy), issuer.")
    target_period: str | None = Field(None, description="The target's period: a year (2025) or dd/mm/yyyy – dd/mm/yyyy.")
    meets_target: bool | None


class FiguresOut(Schema):
    households: int
    residents: int
    adults: int
    households_covered: RatioOut
    residents_checked: RatioOut
    households_target: RatioOut = Field(description="Households with ≥ 1 member proficient in all five basic skills.")
    households_left_behind: RatioOut
    residents_left_behind: RatioOut = Field(description="Adults lacking an essential and not visited for 30 days.")
    indicators: list[IndicatorOut]


class UnitRefOut(Schema):
    code: str
    name: str
    kind: str
    level: int


class PeriodOut(Schema):
    kind: Literal["month", "quarter", "year"]
    start: dt.date
    end: dt.date


class ActivityOut(Schema):
    visits: int
    sessions: int
    teams: int
    members: int


class NoticeOut(Schema):
    code: Literal["before_unit_existed", "after_unit_closed", "no_snapshot"]
    message: str


class CommunityOut(Schema):
    money_vnd: int
    labour_days: float
    contributing_households: int
    projects_done: int


class AlertWarnedOut(Schema):
    id: int
    title: str
    severity: str
    area: str
    area_code: str
    expires_on: dt.date
    active: bool
    households_warned: int


class UnitIndicatorsOut(Schema):
    unit: UnitRefOut
    date: dt.date | None = Field(description="The asked date; null = now.")
    source: Literal["current", "snapshot", "none"]
    snapshot_on: dt.date | None
    reference_date: dt.date | None = Field(description="Day that ages and 'left behind' were computed at.")
    available: bool = Field(description="False when there are no figures for that date; `notice` says why.")
    notice: NoticeOut | None
    period: PeriodOut
    map: Literal["now", "then"] = Field("now", description=MAP_HELP)
    merged_in: list[str] = Field(default_factory=list, description="Codes of old units whose figures are counted in.")
    figures: FiguresOut | None
    activity: ActivityOut
    community: CommunityOut | None
    alerts: list[AlertWarnedOut] = Field(default_factory=list, description=(
        "Scam alerts that reached the unit lately, with the households warned in it (current figures only)."))


class ChildIndicatorsOut(Schema):
    unit: UnitRefOut
    figures: FiguresOut
    activity: ActivityOut


class ChildrenIndicatorsOut(Schema):
    unit: UnitRefOut
    date: dt.date | None
    source: Literal["current", "snapshot", "none"]
    snapshot_on: dt.date | None
    available: bool
    notice: NoticeOut | None
    period: PeriodOut
    map: Literal["now", "then"] = Field("now", description=MAP_HELP)
    children: list[ChildIndicatorsOut] = Field(description="Weakest household coverage first; units without households last.")


def _ratio(ratio: Ratio) -> dict:
    return {"count": ratio.count, "denominator": ratio.denominator, "percent": ratio.percent}


def _indicator(ind: IndicatorFigure) -> dict:
    return {
        "key": ind.key, "label": str(ind.label), "kind": ind.measure.kind, "yes": ind.yes, "no": ind.no,
        "unknown": ind.unknown, "unknown_percent": ind.unknown_percent, "unknown_basis": ind.unknown_basis,
        "denominator": ind.denominator, "denominator_name": ind.measure.denominator, "percent": ind.percent,
        "target_percent": ind.target, "target_count": ind.target_count, "meets_target": ind.meets_target,
        "target_document": ind.target_row.document if ind.target_row else None,
        "target_period": ind.target_row.period_label if ind.target_row else None,
    }


def figures_json(s: Summary) -> dict:
    return {
        "households": s.households, "residents": s.residents, "adults": s.adults,
        "households_covered": _ratio(s.households_covered), "residents_checked": _ratio(s.residents_checked),
        "households_target": _ratio(s.households_target),
        "households_left_behind": _ratio(s.households_left_behind),
        "residents_left_behind": _ratio(s.residents_left_behind),
        "indicators": [_indicator(ind) for ind in s.indicators],
    }


def _unit(unit) -> dict:
    return {"code": unit.code, "name": unit.name, "kind": unit.kind, "level": unit.level}


def _head(figures: selectors.UnitFigures) -> dict:
    notice = figures.notice
    return {
        "unit": _unit(figures.unit), "date": figures.on, "source": figures.source, "snapshot_on": figures.snapshot_on,
        "available": figures.available,
        "notice": {"code": notice.code, "message": str(notice.message)} if notice else None,
        "period": {"kind": figures.period.kind, "start": figures.period.start, "end": figures.period.end},
        "map": figures.map_era, "merged_in": figures.lineage[1:],
    }


def _figures(request, code: str, params: IndicatorParams, *, community=True):
    on = parse_date(params.date)
    parsed_period = parse_period(params.period, params.start, default_day=on or timezone.localdate())
    user = api_user(request)
    unit = selectors.unit_for(user=user, code=code, on=on, ancestors=False)
    return selectors.unit_figures(user=user, unit=unit, on=on, period=parsed_period, with_community=community,
                                  map_era=map_era(params.map))


def map_era(value: str | None) -> str:
    """Return the map of `?map=` (default now); anything else is a 400."""
    if value in (None, "", *selectors.MAP_ERAS):
        return value or selectors.MAP_NOW
    raise DomainError("map_invalid", _("Use map=now (today's map) or map=then (the map as it was)."), field="map")


@router.get(
    "/units/{code}/indicators",
    response={200: UnitIndicatorsOut, **ERROR_RESPONSES},
    tags=["indicators"],
    summary="Rolled-up indicators of a unit",
    description="Counts with their denominators and percentages, yes/no/unknown, national targets beside "
    "them; visits, sessions, teams and members in the period. Unit codes: VN, 01, 09784, 09784-001.",
)
def unit_indicators(request, code: Code, params: Query[IndicatorParams]):
    figures = _figures(request, code, params)
    community = figures.community
    return {
        **_head(figures),
        "reference_date": figures.reference_date,
        "figures": figures_json(figures.summary) if figures.summary else None,
        "activity": {"visits": figures.visits, "sessions": figures.sessions, "teams": figures.teams,
                     "members": figures.members},
        "community": {**community, "labour_days": float(community["labour_days"])} if community else None,
        "alerts": figures.alerts,
    }


@router.get(
    "/units/{code}/children/indicators",
    response={200: ChildrenIndicatorsOut, **ERROR_RESPONSES},
    tags=["indicators"],
    summary="Rolled-up indicators of a unit's children",
    description="The same figures for every unit directly below (that existed on `date`), weakest coverage first.",
)
def children_indicators(request, code: Code, params: Query[IndicatorParams]):
    figures = _figures(request, code, params, community=False)
    rows = selectors.children_figures(user=api_user(request), figures=figures, with_community=False)
    return {
        **_head(figures),
        "children": [
            {"unit": _unit(row.unit), "figures": figures_json(row.summary),
             "activity": {"visits": row.visits, "sessions": row.sessions, "teams": row.teams, "members": row.members}}
            for row in rows
        ],
    }
