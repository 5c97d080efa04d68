"""Scoped reads of the periodic reports: one unit's report, and which units below have sent theirs."""

from gocua.accounts.scope import scoped
from gocua.places.models import Level, Unit
from gocua.reports.models import UnitReport


def report_of(*, user, unit, period) -> UnitReport | None:
    """Return the report of `unit` for `period` if the user may see it (the unit is checked by the caller)."""
    return scoped(user, UnitReport.objects.filter(
        unit_code=unit.code, period_kind=period.kind, period_start=period.start)).first()


def status_below(*, user, unit, period) -> list[tuple[Unit, UnitReport | None]]:
    """Return each current unit one level below `unit` (communes of a province, provinces of the nation)
    with its report for `period`, or None when it has not sent one (two queries)."""
    if unit.level not in (Level.NATION, Level.PROVINCE):
        return []
    children = list(scoped(user, Unit.objects.filter(parent__code=unit.code, level=unit.level + 1,
                                                     valid_to__isnull=True)).order_by("name"))
    reports = {r.unit_code: r for r in scoped(user, UnitReport.objects.filter(
        unit_code__in=[c.code for c in children], period_kind=period.kind, period_start=period.start,
    )).only("unit_code", "status", "submitted_at", "number", "comment", "times_submitted")}
    return [(child, reports.get(child.code)) for child in children]
