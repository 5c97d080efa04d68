"""Pages of the periodic reports: the A4 page, its workbook, sending it and reviewing it (thin adapters);
and the dashboard's period workbook, prepared by the worker like the report's."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gocua.accounts.scope import scope_of
from gocua.errors import DomainError, NotFound
from gocua.imports.models import ExportJob
from gocua.imports.tasks import failure_text, progress_figures
from gocua.indicators import selectors as indicator_selectors
from gocua.indicators.periods import KIND_LABELS, parse_date, parse_period, period_of
from gocua.indicators.reports import vietnamese_date_line
from gocua.reports import selectors, services
from gocua.reports.models import UnitReport
from gocua.web.views.common import file_response


def _error_page(request, status: int, message):
    return render(request, "web/error.html", {"status": status, "message": message}, status=status)


def _unit_and_period(request, code: str, token: str | None):
    unit = indicator_selectors.unit_for(user=request.user, code=code.strip())
    if token is None:
        kind = request.GET.get("kind") if request.GET.get("kind") in KIND_LABELS else "month"
        period = parse_period(request.GET.get("period"), None, default_day=timezone.localdate()) if request.GET.get(
            "period") else period_of(kind, timezone.localdate())
    else:
        period = parse_period(token, None, default_day=timezone.localdate())
    return unit, period


def adapter(view):
    """Parse the unit and period; bad input is a 400 page, a unit out of area a 404, refusals their status."""

    @login_required
    def wrapper(request, code: str, period: str | None = None):
        try:
            unit, parsed = _unit_and_period(request, code, period)
            return view(request, unit, parsed)
        except NotFound as exc:
            return _error_page(request, 404, exc.message)
        except DomainError as exc:
            return _error_page(request, exc.status, exc.message)

    wrapper.__name__, wrapper.__doc__ = view.__name__, view.__doc__
    return wrapper


@login_required
@require_GET
def index(request):
    """Send the user to the reports of their own area."""
    scope = scope_of(request.user)
    if scope is None:
        return _error_page(request, 404, _("Your account has no area yet; ask an officer to set one."))
    return redirect("reports:unit", code=scope.code)


@require_GET
@adapter
def unit_reports(request, unit, period):
    """Show the unit's own report for a period and, one level down, who has sent theirs."""
    below = selectors.status_below(user=request.user, unit=unit, period=period)
    sent = sum(1 for _u, r in below if r is not None and r.status != UnitReport.Status.RETURNED)
    return render(request, "reports/unit.html", {
        "unit": unit, "period": period, "own": selectors.report_of(user=request.user, unit=unit, period=period),
        "below": below, "sent": sent, "kinds": KIND_LABELS.items(), "can_send": services.can_send(request.user, unit),
    })


@require_GET
@adapter
def report_page(request, unit, period):
    """Show the A4 report ready to print and sign: as sent once sent, else as it stands now."""
    report, content = selectors.report_as_shown(user=request.user, unit=unit, period=period)
    day = report.submitted_at if report is not None and report.status != UnitReport.Status.RETURNED else timezone.now()
    return render(request, "reports/report.html", {
        "unit": unit, "period": period, "report": report, "c": content,
        "date_line": vietnamese_date_line(content["letterhead"]["place"], timezone.localtime(day).date()),
        "can_send": services.can_send(request.user, unit), "can_review": services.can_review(request.user, unit),
        "frozen": report is not None and report.status == UnitReport.Status.ACCEPTED,
        "workbook": selectors.latest_workbook(user=request.user, unit=unit, period=period),
    })


@require_POST
@adapter
def report_xlsx(request, unit, period):
    """Queue the report's XLSX workbook for the worker and follow it on its own page."""
    job = services.report_export_start(actor=request.user, unit=unit, period=period)
    return redirect("reports:export_job", uuid=job.uuid)


def _dashboard_url(code: str, period, params: dict) -> str:
    """Return the dashboard's address for the unit, period, day and map a workbook was asked for."""
    return f"{reverse('indicators:unit', args=[code])}?{urlencode({'period': period.token, **params})}"


def _dashboard_asked(request, code: str, data):
    """Parse a dashboard's `date`, `period`, `start` and `map` as the dashboard does; raise DomainError/NotFound."""
    on = parse_date(data.get("date"))
    period = parse_period(data.get("period"), data.get("start"), default_day=on or timezone.localdate())
    unit = indicator_selectors.unit_for(user=request.user, code=code.strip(), on=on)
    era = indicator_selectors.MAP_THEN if indicator_selectors.MAP_THEN in data.getlist("map") else indicator_selectors.MAP_NOW
    return unit, period, on, era


@login_required
@require_http_methods(["GET", "POST"])
def dashboard_xlsx(request, code: str):
    """Offer the dashboard's period workbook (GET), or queue it for the worker and follow it on its page (POST)."""
    try:
        unit, period, on, era = _dashboard_asked(request, code, request.POST if request.method == "POST" else request.GET)
        if request.method == "POST":
            job = services.dashboard_export_start(actor=request.user, unit=unit, period=period, on=on, map_era=era)
            return redirect("reports:export_job", uuid=job.uuid)
    except NotFound as exc:
        return _error_page(request, 404, exc.message)
    except DomainError as exc:
        return _error_page(request, exc.status, exc.message)
    params = services.dashboard_params(on=on, map_era=era)
    dashboard = _dashboard_url(unit.code, period, params)
    return render(request, "reports/dashboard_xlsx.html", {
        "unit": unit, "period": period, "params": params, "dashboard_url": dashboard,
        "workbook": selectors.latest_dashboard_workbook(user=request.user, unit=unit, period=period, params=params),
        "crumbs": [(unit.name, dashboard)],
    })


def _job_of(request, uuid, *, with_file: bool = False) -> ExportJob | None:
    """Return the user's own report or dashboard workbook job (anyone else's is not found), its file only if asked."""
    jobs = ExportJob.objects.select_related("unit").filter(uuid=uuid, owner_id=request.user.pk,
                                                           kind__in=services.JOB_KINDS)
    return (jobs if with_file else jobs.defer("content")).first()


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_job(request, uuid):
    """Show where the workbook stands (polled by imports/progress.js), then its download link."""
    job = _job_of(request, uuid)
    if job is None:
        return _error_page(request, 404, _("Not found, or outside your area."))
    pending = job.state in (ExportJob.State.QUEUED, ExportJob.State.RUNNING)
    progress, failure = progress_figures(job), failure_text(job.error)
    if request.GET.get("format") == "json":
        return _no_store(JsonResponse({"work": job.state, "pending": pending,
                                       "failed": job.state == ExportJob.State.FAILED, "error": failure, **progress}))
    period = parse_period(job.period, None, default_day=timezone.localdate())
    if job.kind == ExportJob.Kind.DASHBOARD:
        back = _dashboard_url(job.unit.code, period, job.params or {})
        crumbs = [(job.unit.name, back)]
    else:
        back = reverse("reports:report", args=[job.unit.code, period.token])
        crumbs = [(job.unit.name, reverse("reports:unit", args=[job.unit.code])), (period.label, back)]
    return _no_store(render(request, "reports/export_job.html", {
        "job": job, "period": period, "pending": pending, "progress": progress, "failure": failure,
        "expired": job.expires_at <= timezone.now(), "status_url": f"{request.path}?format=json",
        "back_url": back, "dashboard": job.kind == ExportJob.Kind.DASHBOARD, "crumbs": crumbs,
    }))


@login_required
@require_GET
def export_download(request, uuid):
    """Download a finished workbook, a report's or a dashboard's (its owner only)."""
    job = _job_of(request, uuid, with_file=True)
    if job is None:
        return _error_page(request, 404, _("Not found, or outside your area."))
    try:
        out = services.report_export_download(actor=request.user, job=job)
    except DomainError as exc:
        return _error_page(request, exc.status, exc.message)
    return file_response(out)


@require_POST
@adapter
def submit(request, unit, period):
    """Send the report with its number."""
    services.report_submit(actor=request.user, unit=unit, period=period, number=request.POST.get("number", ""),
                           request=request)
    return redirect("reports:report", code=unit.code, period=period.token)


@require_POST
@adapter
def return_report(request, unit, period):
    """Return a sent report with what to correct."""
    services.report_return(actor=request.user, unit=unit, period=period, comment=request.POST.get("comment", ""),
                           request=request)
    return redirect(f"{reverse('reports:unit', args=[unit.parent.code])}?period={period.token}")


@require_POST
@adapter
def accept(request, unit, period):
    """Accept a sent report (it is frozen from then on)."""
    services.report_accept(actor=request.user, unit=unit, period=period, request=request)
    return redirect(f"{reverse('reports:unit', args=[unit.parent.code])}?period={period.token}")
