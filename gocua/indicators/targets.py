"""The targets in force: which target each unit is judged against on a day (reads only).

A target (`models.Target`) is set by a document for an indicator, a period and an area (the
nation "VN", a province or a commune). On a day, a unit is judged against the target of the most
specific area that has one in force: its commune's, else its province's, else the nation's.
Villages are judged against their commune's. Among several targets of the same area in force on
the same day, the one that starts latest wins (a later document replaces an earlier one), then
the later document, then the later row.

Dashboards, rankings and reports use the day the period shown ends (`period.end`): the June 2026
report is judged against the targets in force on 30/06/2026. One query whatever the number of units.
"""

import datetime as dt

from django.db.models import Q

from gocua.indicators.models import Target
from gocua.places.models import Level, Unit

NATION = "VN"


def area_chain(unit: Unit) -> list[str]:
    """Return the codes whose targets apply to `unit`, least specific first: VN, province, commune."""
    chain = [NATION]
    if unit.level >= Level.PROVINCE and unit.province_code:
        chain.append(unit.province_code)
    if unit.level >= Level.COMMUNE and unit.commune_code:
        chain.append(unit.commune_code)
    return chain


def _in_force(day: dt.date) -> Q:
    return Q(is_active=True, starts_on__lte=day, ends_on__gte=day)


def _newest_first(rows):
    return sorted(rows, key=lambda t: (t.starts_on, t.document_date, t.pk), reverse=True)


def targets_for_units(units: list[Unit], day: dt.date) -> dict[str, dict[str, Target]]:
    """Return {unit code: {indicator: the target in force on `day`}} for each unit (one query)."""
    chains = {unit.code: area_chain(unit) for unit in units}
    codes = {code for chain in chains.values() for code in chain}
    by_area: dict[str, dict[str, Target]] = {}
    for target in _newest_first(Target.objects.filter(_in_force(day), area_code__in=codes)):
        by_area.setdefault(target.area_code, {}).setdefault(target.indicator, target)
    answer = {}
    for code, chain in chains.items():
        chosen: dict[str, Target] = {}
        for area in chain:  # least specific first: the more specific area overrides
            chosen.update(by_area.get(area, {}))
        answer[code] = chosen
    return answer


def targets_for(unit: Unit, day: dt.date) -> dict[str, Target]:
    """Return {indicator: the target in force on `day`} for `unit`."""
    return targets_for_units([unit], day)[unit.code]


def inherited(unit: Unit, day_from: dt.date, day_to: dt.date, indicator: str) -> list[Target]:
    """Return the targets above `unit`'s own area for `indicator` that overlap the days given."""
    chain = area_chain(unit)
    above = chain[:-1] if chain[-1] == unit.code else chain
    return list(Target.objects.filter(
        is_active=True, indicator=indicator, area_code__in=above, starts_on__lte=day_to, ends_on__gte=day_from,
    ))


def targets_listed(area: Unit) -> list[Target]:
    """Return the active targets that apply to `area` or are set inside it, newest period first.

    Targets are public decisions: a user sees those of their area, the areas above it and, for a
    province, its communes'. Scope is checked by the caller (the unit comes from `unit_for`).
    """
    q = Q(area_code__in=area_chain(area))
    if area.level == Level.PROVINCE:
        q |= Q(province_code=area.code)
    elif area.level == Level.NATION:
        q = Q()
    return list(Target.objects.filter(q, is_active=True).order_by("-starts_on", "area_level", "indicator", "pk"))
