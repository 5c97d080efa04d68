"""Send a periodic report, return it with a comment, accept it (every write here; each audited).

A commune officer sends the commune's report to the province, a province officer the province's
to the nation. The officer one level up (province officer for a commune, national administrator
for a province) returns it with a comment or accepts it. Sending again after a return rebuilds
the figures; once accepted, the report is frozen: `content` is never written again.

The XLSX workbook is prepared by the worker (`reports/tasks.py`) on an `imports.ExportJob` of kind
"report", kept encrypted and deleted after the same two hours as a roster export. The dashboard's
period workbook (`indicators.reports`) goes the same way on a job of kind "dashboard": this app
serves it because the indicators app sits below the importer's jobs and may not use them.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from gocua.accounts.models import Role
from gocua.accounts.scope import in_scope
from gocua.accounts.services import audit_record
from gocua.errors import CommonErrorCode, Conflict, DomainError, Forbidden, NotFound
from gocua.imports import payload
from gocua.imports.errors import ImportErrorCode
from gocua.imports.models import ExportJob
from gocua.imports.services import EXPORT_TTL, FileOut, import_purge_expired
from gocua.indicators import reports as dashboard_reports
from gocua.indicators import selectors as indicator_selectors
from gocua.indicators.periods import parse_date, parse_period
from gocua.places.models import Level
from gocua.reports import content as report_content
from gocua.reports import exports, selectors
from gocua.reports.errors import ReportErrorCode as E
from gocua.reports.models import UnitReport

SENDER = {Level.COMMUNE: Role.COMMUNE_OFFICER, Level.PROVINCE: Role.PROVINCE_OFFICER}
REVIEWER = {Level.COMMUNE: Role.PROVINCE_OFFICER, Level.PROVINCE: Role.NATIONAL_ADMIN}
MAX_COMMENT = 1000


def can_send(user, unit) -> bool:
    return unit.level in SENDER and getattr(user, "role", None) == SENDER[unit.level] and in_scope(user, unit)


def can_review(user, unit) -> bool:
    return unit.level in REVIEWER and getattr(user, "role", None) == REVIEWER[unit.level] and in_scope(user, unit)


def _label(unit, period) -> str:
    return f"{unit.name} · {period.label}"


def _event(action: str, user, comment: str = "") -> dict:
    return {"action": action, "at": timezone.now().isoformat(), "by": user.username, "comment": comment}


def report_submit(*, actor, unit, period, number: str = "", request=None) -> UnitReport:
    """Send the report of `unit` for `period` with the figures as they stand now."""
    if unit.level not in SENDER:
        raise DomainError(E.REPORT_LEVEL, field="unit")
    if not can_send(actor, unit):
        raise Forbidden(E.REPORT_FORBIDDEN)
    if period.start > timezone.localdate():
        raise DomainError(E.REPORT_NOT_STARTED, field="period")
    number = " ".join((number or "").split())
    if len(number) > 40:
        raise DomainError(E.REPORT_NUMBER, field="number")
    built = report_content.build(user=actor, unit=unit, period=period)
    now = timezone.now()
    with transaction.atomic():
        report = UnitReport.objects.select_for_update().filter(
            unit_code=unit.code, period_kind=period.kind, period_start=period.start).first()
        if report is not None and report.status == UnitReport.Status.ACCEPTED:
            raise Conflict(E.REPORT_FROZEN)
        if report is not None and report.status == UnitReport.Status.SUBMITTED:
            raise Conflict(E.REPORT_PENDING)
        if report is None:
            report = UnitReport(unit_code=unit.code, unit_level=unit.level, province_code=unit.province_code,
                                commune_code=unit.commune_code, period_kind=period.kind,
                                period_start=period.start, period_end=period.end, times_submitted=0)
        report.status = UnitReport.Status.SUBMITTED
        report.content, report.number = built, number
        report.submitted_by, report.submitted_at = actor, now
        report.reviewed_by, report.reviewed_at = None, None
        report.times_submitted += 1
        report.history = [*report.history, _event("submitted", actor)]
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:  # sent at the same moment from another window
            raise Conflict(E.REPORT_PENDING) from None
        audit_record(actor=actor, action="report_submitted", obj=report, unit=unit, request=request,
                     detail={"label": _label(unit, period), "period": period.token, "number": number,
                             "times": report.times_submitted})
    return report


def _reviewed(*, actor, unit, period, status: str, comment: str, action: str, request) -> UnitReport:
    if not can_review(actor, unit):
        raise Forbidden(E.REPORT_FORBIDDEN)
    with transaction.atomic():
        report = UnitReport.objects.select_for_update().filter(
            unit_code=unit.code, period_kind=period.kind, period_start=period.start).first()
        if report is not None and report.status == UnitReport.Status.ACCEPTED:
            raise Conflict(E.REPORT_FROZEN)
        if report is None or report.status != UnitReport.Status.SUBMITTED:
            raise Conflict(E.REPORT_NOT_SUBMITTED)
        report.status, report.reviewed_by, report.reviewed_at = status, actor, timezone.now()
        report.comment = comment
        report.history = [*report.history, _event(action, actor, comment)]
        report.save(update_fields=["status", "reviewed_by", "reviewed_at", "comment", "history"])
        audit_record(actor=actor, action=f"report_{action}", obj=report, unit=unit, request=request,
                     detail={"label": _label(unit, period), "period": period.token, "comment": comment[:200]})
    return report


def report_return(*, actor, unit, period, comment: str, request=None) -> UnitReport:
    """Return a sent report to its unit with what to correct."""
    comment = (comment or "").strip()
    if not comment or len(comment) > MAX_COMMENT:
        raise DomainError(E.REPORT_COMMENT, field="comment")
    return _reviewed(actor=actor, unit=unit, period=period, status=UnitReport.Status.RETURNED, comment=comment,
                     action="returned", request=request)


def report_accept(*, actor, unit, period, request=None) -> UnitReport:
    """Accept a sent report: from now on it is kept exactly as sent."""
    return _reviewed(actor=actor, unit=unit, period=period, status=UnitReport.Status.ACCEPTED, comment="",
                     action="accepted", request=request)


# --- the workbook, prepared by the worker ----------------------------------------------------------


def _workbook_name(unit, period) -> str:
    return f"bao-cao-{unit.code}-{period.token}.xlsx"


def _export_queue(*, actor, unit, kind: str, period, params: dict, task) -> ExportJob:
    """Queue a workbook job of `kind` for `task`; the one already waiting when it asks for the same file."""
    if not in_scope(actor, unit):
        raise NotFound(CommonErrorCode.NOT_FOUND)
    with transaction.atomic():
        waiting = ExportJob.objects.filter(
            owner_id=actor.pk, unit=unit, kind=kind, period=period.token,
            state__in=(ExportJob.State.QUEUED, ExportJob.State.RUNNING), expires_at__gt=timezone.now(),
        ).defer("content")
        # A second click, or a second window: follow the job already queued (params compared here,
        # since a JSON equality differs between SQLite and PostgreSQL; a user has few jobs waiting).
        same = next((job for job in waiting if job.params == params), None)
        if same is not None:
            return same
        job = ExportJob.objects.create(
            owner=actor, unit=unit, kind=kind, format="xlsx", period=period.token, params=params,
            expires_at=timezone.now() + EXPORT_TTL, progress={"done": 0, "total": 0, "started": None, "step": "queued"},
        )
        # The database backend queues it with the job, or not at all; the labels in the page's language.
        task.enqueue(job.pk, translation.get_language() or settings.LANGUAGE_CODE)
        import_purge_expired()
    return job


def report_export_start(*, actor, unit, period) -> ExportJob:
    """Queue the report's workbook for the worker (`tasks.report_workbook`); the same one while it waits."""
    from gocua.reports import tasks

    return _export_queue(actor=actor, unit=unit, kind=ExportJob.Kind.REPORT, period=period, params={},
                         task=tasks.report_workbook)


class _Parts:
    """Count the parts of the workbook done (its content's, then the workbook) for the progress bar."""

    def __init__(self, progress):
        self.progress, self.done, self.total = progress, 0, report_content.parts() + 1

    def __call__(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)

    def skip_to_last(self) -> None:
        self.done = self.total - 1


def report_export_run(*, job: ExportJob, progress=None) -> ExportJob:
    """Prepare a queued workbook as its owner sees the report now and keep it, encrypted, on the job (audited)."""
    owner, unit = job.owner, job.unit
    if not in_scope(owner, unit):  # the owner may have moved to another area since queuing it
        raise NotFound(CommonErrorCode.NOT_FOUND)
    period = parse_period(job.period, None, default_day=timezone.localdate())
    parts = _Parts(progress)
    if progress is not None:
        progress(0, parts.total)
    report, content = selectors.report_as_shown(user=owner, unit=unit, period=period, tick=parts)
    if parts.done == 0:  # the report as sent: no content to build
        parts.skip_to_last()
    data = exports.xlsx_bytes(content, report=report)
    parts()
    # Audited when prepared, not when downloaded: one event per workbook, written with the file in one
    # transaction, so a failed task leaves neither and downloading the same file again logs nothing more.
    with transaction.atomic():
        job.content, job.file_name, job.state = payload.pack_bytes(data), _workbook_name(unit, period), ExportJob.State.DONE
        job.save(update_fields=["content", "file_name", "state"])
        audit_record(actor=owner, action="report_exported", unit=unit,
                     object_type="reports.unitreport", object_id=str(report.pk) if report else "",
                     detail={"label": _label(unit, period), "period": period.token, "format": "xlsx"})
    return job


# --- the dashboard's period workbook, prepared by the worker --------------------------------------


def dashboard_params(*, on=None, map_era: str = indicator_selectors.MAP_NOW) -> dict:
    """Return what a dashboard workbook asks besides its unit and period: the day and the map, when not today's."""
    params = {}
    if on is not None:
        params["date"] = on.isoformat()
    if map_era == indicator_selectors.MAP_THEN:
        params["map"] = indicator_selectors.MAP_THEN
    return params


def dashboard_export_start(*, actor, unit, period, on=None, map_era: str = indicator_selectors.MAP_NOW) -> ExportJob:
    """Queue the dashboard's workbook of `unit` for `period` (as of `on`) for the worker (`tasks.dashboard_workbook`)."""
    from gocua.reports import tasks

    return _export_queue(actor=actor, unit=unit, kind=ExportJob.Kind.DASHBOARD, period=period,
                         params=dashboard_params(on=on, map_era=map_era), task=tasks.dashboard_workbook)


def dashboard_export_run(*, job: ExportJob, progress=None) -> ExportJob:
    """Prepare a queued dashboard workbook as its owner sees the figures now; keep it, encrypted, on the job (audited)."""
    owner, params = job.owner, job.params or {}
    if not in_scope(owner, job.unit):  # the owner may have moved to another area since queuing it
        raise NotFound(CommonErrorCode.NOT_FOUND)
    on = parse_date(params.get("date"))
    era = indicator_selectors.MAP_THEN if params.get("map") == indicator_selectors.MAP_THEN else indicator_selectors.MAP_NOW
    # The unit as the dashboard finds it (the period of the code valid that day, with its history).
    unit = indicator_selectors.unit_for(user=owner, code=job.unit.code, on=on)
    period = parse_period(job.period, None, default_day=timezone.localdate())
    if progress is not None:
        progress(0, 2)
    context = dashboard_reports.report_context_of(user=owner, unit=unit, period=period, on=on, map_era=era)
    if progress is not None:
        progress(1, 2)
    data = dashboard_reports.workbook_bytes(context)
    if progress is not None:
        progress(2, 2)
    # Audited when prepared, like the report's workbook: one event per file, with the file.
    with transaction.atomic():
        job.content, job.file_name = payload.pack_bytes(data), dashboard_reports.workbook_name(context)
        job.state = ExportJob.State.DONE
        job.save(update_fields=["content", "file_name", "state"])
        audit_record(actor=owner, action="dashboard_exported", unit=unit, object_type="places.unit",
                     object_id=unit.code, detail={"label": _label(unit, period), "period": period.token,
                                                  "format": "xlsx", **params})
    return job


# --- downloads ---------------------------------------------------------------------------------------

JOB_KINDS = (ExportJob.Kind.REPORT, ExportJob.Kind.DASHBOARD)


def report_export_download(*, actor, job: ExportJob) -> FileOut:
    """Return the finished workbook of a report or dashboard job (its owner only, in their area, before it expires)."""
    if (job.owner_id != getattr(actor, "pk", None) or job.kind not in JOB_KINDS
            or job.expires_at <= timezone.now() or not in_scope(actor, job.unit)):
        raise NotFound(CommonErrorCode.NOT_FOUND)
    if job.state != ExportJob.State.DONE:
        raise Conflict(ImportErrorCode.EXPORT_NOT_READY)
    return FileOut(job.file_name, exports.XLSX_TYPE, payload.unpack_bytes(job.content))
