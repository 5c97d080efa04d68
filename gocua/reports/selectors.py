"""Scoped reads of the periodic reports: one unit's report, which units below have sent theirs, its workbooks
(and the dashboard's period workbooks)."""

from django.utils import timezone

from gocua.accounts.scope import scoped
from gocua.imports.models import ExportJob
from gocua.places.models import Level, Unit
from gocua.reports import content as report_content
from gocua.reports.models import UnitReport


def report_of(*, user, unit, period) -> UnitReport | None:
    """Return the report of `unit` for `period` if the user may see it (the unit is checked by the caller)."""
    return scoped(user, UnitReport.objects.filter(
        unit_code=unit.code, period_kind=period.kind, period_start=period.start)).first()


def report_as_shown(*, user, unit, period, tick=None) -> tuple[UnitReport | None, dict]:
    """Return the report of `unit` for `period` and its content as sent (frozen once accepted), or as it
    stands now when it was never sent or was returned (the A4 page and the workbook read this)."""
    report = report_of(user=user, unit=unit, period=period)
    if report is not None and report.status != UnitReport.Status.RETURNED:
        return report, report.content
    return report, report_content.build(user=user, unit=unit, period=period, tick=tick)


def latest_workbook(*, user, unit, period) -> ExportJob | None:
    """Return the user's latest workbook of this report still kept (queued, running, ready or failed)."""
    return ExportJob.objects.filter(
        owner_id=user.pk, unit=unit, kind=ExportJob.Kind.REPORT, period=period.token, expires_at__gt=timezone.now(),
    ).defer("content").first()


def latest_dashboard_workbook(*, user, unit, period, params: dict) -> ExportJob | None:
    """Return the user's latest dashboard workbook of this unit, period, day and map still kept."""
    jobs = ExportJob.objects.filter(
        owner_id=user.pk, unit=unit, kind=ExportJob.Kind.DASHBOARD, period=period.token, expires_at__gt=timezone.now(),
    ).defer("content")[:20]
    return next((job for job in jobs if job.params == params), None)


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
