"""Pages: upload a roster, preview it, map columns, choose, confirm, follow background work, exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from gocua.errors import DomainError, Forbidden, NotFound
from gocua.households.digital import INDICATOR_LABELS
from gocua.households.models import Resident
from gocua.imports import layout, selectors, services, tasks
from gocua.imports.exporter import CONTENT_TYPES, XLSX
from gocua.imports.forms import UploadForm
from gocua.imports.models import ExportJob, ImportBatch
from gocua.imports.problems import WAITING_CODES, message
from gocua.imports.reader import max_bytes, too_large_error
from gocua.places.models import Kind, Level
from gocua.places.selectors import units_visible
from gocua.web.forms import apply_domain_error
from gocua.web.views.common import file_response, require

PROBLEMS_PER_PAGE = 50


def _commune_from_form(request, form: UploadForm):
    fixed = selectors.fixed_commune(user=request.user)
    if fixed is not None:
        return fixed
    code = form.cleaned_data["commune"].strip()
    commune = selectors.importable_communes(user=request.user).filter(code=code).first()
    if commune is None:
        form.add_error("commune", _("No commune with this code in your area."))
    return commune


@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    user = request.user
    require(services.can_import(user))
    fixed = selectors.fixed_commune(user=user)
    initial = {"commune": request.GET.get("commune", "")[:16]}
    form = UploadForm(request.POST or None, request.FILES or None, fixed_commune=fixed, initial=initial)
    if request.method == "POST" and form.is_valid():
        commune = _commune_from_form(request, form)
        upload_file = form.cleaned_data["file"]
        if upload_file.size > max_bytes():
            apply_domain_error(form, too_large_error())
        elif commune is not None:
            try:
                batch = services.import_start(
                    actor=user, commune=commune, filename=upload_file.name, data=upload_file.read()
                )
            except Forbidden:
                raise PermissionDenied from None
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                return redirect("imports:preview", uuid=batch.uuid)
    communes = selectors.importable_communes(user=user)[:200] if fixed is None else []
    context = {
        "form": form,
        "fixed_commune": fixed,
        "commune_choices": communes,
        "recent": selectors.batches_of(user=user)[:10],
    }
    return render(request, "imports/upload.html", context, status=400 if form.errors else 200)


def _choices_from_post(post) -> dict:
    communes = {k.removeprefix("commune-"): v for k, v in post.items() if k.startswith("commune-") and v}
    villages = {k.removeprefix("village-"): v for k, v in post.items() if k.startswith("village-") and v}
    return {"communes": communes, "villages": villages}


def _mapping_from_post(post) -> dict:
    """Return {column letter: field} from the mapping form's `map-<letter>` selects."""
    return {k.removeprefix("map-")[:3]: v[:40] for k, v in post.items() if k.startswith("map-")}


def _batch_of(request, uuid) -> ImportBatch:
    return get_object_or_404(selectors.batches_of(user=request.user), uuid=uuid)


@login_required
@require_http_methods(["GET", "POST"])
def preview(request, uuid):
    user = request.user
    require(services.can_import(user))
    batch = _batch_of(request, uuid)
    error = ""
    if request.method == "POST":
        choices = _choices_from_post(request.POST)
        action = request.POST.get("action")
        try:
            if action == "confirm":
                services.import_confirm(actor=user, batch=batch, choices=choices)
                if batch.status == ImportBatch.Status.IMPORTED:
                    messages.success(request, _("The roster was imported."))
            elif action == "remap":
                services.import_remap(actor=user, batch=batch, sheet=request.POST.get("sheet", "")[:200],
                                      mapping=_mapping_from_post(request.POST))
            else:
                services.import_choose(actor=user, batch=batch, choices=choices)
            return redirect("imports:preview", uuid=batch.uuid)
        except (Forbidden, NotFound):
            raise Http404 from None
        except DomainError as exc:
            error = str(exc.message)
    return render(request, "imports/preview.html", _preview_context(request, batch, error), status=400 if error else 200)


def _field_names() -> list[str]:
    fields = getattr(layout, "FIELDS", None)
    if not fields:
        return [c.field for c in layout.COLUMNS]
    return [f[0] if isinstance(f, list | tuple) else str(f) for f in fields]


def _mapping_rows(batch: ImportBatch, summary: dict) -> list[dict]:
    samples = services.batch_samples(batch) if batch.samples else {}
    options = [(name, _field_label(name)) for name in _field_names()]
    return [
        {**c, "samples": samples.get(c["letter"], [])[:3], "label_taken": _field_label(c["field"]) if c["field"] else ""}
        for c in summary.get("columns", {}).get("list", [])
    ] if options else []


def _preview_context(request, batch: ImportBatch, error: str) -> dict:
    summary = batch.summary
    page = Paginator(batch.problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {"row": p["row"], "column": services.field_column(summary, p["field"]), "message": message(p),
         "waiting": p["code"] in WAITING_CODES}
        for p in page
    ]
    communes = {p["key"].split(":")[0] for p in summary.get("proposals", [])}
    existing = _existing_villages(request.user, communes)
    return {
        "batch": batch,
        "summary": summary,
        "columns": _column_rows(summary),
        "problems": rows,
        "page_obj": page,
        "proposals": [
            {**p, "kind_label": Kind(p["kind"]).label, "villages": existing.get(p["key"].split(":")[0], [])}
            for p in summary.get("proposals", [])
        ],
        "changed": [(_field_label(name), count) for name, count in summary.get("changed_fields", {}).items()],
        "error": error,
        "is_open": batch.status == ImportBatch.Status.PREVIEW and not batch.pending and bool(summary),
        "pending": batch.pending,
        "failed": batch.work == ImportBatch.Work.FAILED,
        "failure": tasks.failure_text(batch.error),
        "progress": tasks.progress_figures(batch),
        "status_url": reverse("imports:status", args=[batch.uuid]),
        "mapping": _mapping_rows(batch, summary),
        "field_options": [(name, _field_label(name)) for name in _field_names()],
        "sheets": summary.get("columns", {}).get("sheets", []),
        "chosen_sheet": batch.sheet_name or summary.get("columns", {}).get("sheet", ""),
        "skipped_rows": [
            {"row": n, "reason": services.skip_reason(code)} for n, code in summary.get("columns", {}).get("skipped_rows", [])
        ][:PROBLEMS_PER_PAGE * 4],
        "rows_read": summary.get("columns", {}).get("rows_read", 0),
        "replanned": str(services.REPLAN_REASONS.get((batch.result or {}).get("replanned", ""), "")),
        "remembered": bool(batch.choices.get("mapping_remembered")),
        "crumbs": [(batch.commune.name, reverse("web:unit", args=[batch.commune.code]))],
    }


def _existing_villages(user, commune_codes: set[str]) -> dict[str, list[dict]]:
    """Return the villages of these communes (one query), for "it is the existing village …" choices."""
    found: dict[str, list[dict]] = {}
    if commune_codes:
        rows = units_visible(user=user).filter(commune_code__in=commune_codes, level=Level.VILLAGE).order_by("name")
        for row in rows.values("code", "name", "commune_code"):
            found.setdefault(row["commune_code"], []).append(row)
    return found


def _column_rows(summary: dict) -> list[tuple[str, str, str]]:
    fields = summary.get("columns", {}).get("fields", {})
    rows = [(letter, header, _field_label(name)) for name, (letter, header) in fields.items()]
    return sorted(rows, key=lambda r: (len(r[0]), r[0]))


def _field_label(name: str) -> str:
    if name in INDICATOR_LABELS:
        return str(INDICATOR_LABELS[name])
    labels = {
        "household_key": _("Household key"), "address": _("Address"), "address_line": _("Address"),
        "citizen_id": _("Citizen ID"), "basic_skills": _("All five basic digital skills"),
    }
    if name in labels:
        return labels[name]
    try:
        return str(Resident._meta.get_field(name).verbose_name).capitalize()
    except Exception:  # noqa: BLE001 — an unknown name is shown as it is
        return name


@login_required
@require_GET
def problem_rows(request, uuid):
    require(services.can_import(request.user))
    batch = get_object_or_404(ImportBatch.objects.select_related("commune"), uuid=uuid, owner_id=request.user.pk)
    try:
        return file_response(services.problem_rows_file(actor=request.user, batch=batch, request=request))
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def template(request):
    return file_response(services.template_file())


@login_required
@require_GET
def export(request, code: str):
    user = request.user
    require(services.can_export(user))
    unit = get_object_or_404(units_visible(user=user), code=code)
    fmt = request.GET.get("format", XLSX)
    if fmt not in CONTENT_TYPES:
        fmt = XLSX
    try:
        if services.export_size(actor=user, unit=unit) > services.background_rows():
            job = services.export_start(actor=user, unit=unit, fmt=fmt)
            return redirect("imports:export_job", uuid=job.uuid)
        return file_response(services.export_unit(actor=user, unit=unit, fmt=fmt, request=request))
    except Forbidden:
        raise PermissionDenied from None
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        return render(request, "web/error.html", {"status": 400, "message": exc.message}, status=400)


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def status(request, uuid):
    """Answer the state of a batch's background work as JSON (polled by imports/progress.js)."""
    require(services.can_import(request.user))
    batch = _batch_of(request, uuid)
    return _no_store(JsonResponse({
        "work": batch.work, "pending": batch.pending, "status": batch.status,
        "failed": batch.work == ImportBatch.Work.FAILED, "error": tasks.failure_text(batch.error), **tasks.progress_figures(batch),
    }))


def _job_of(request, uuid) -> ExportJob:
    return get_object_or_404(ExportJob.objects.select_related("unit").defer("content"), uuid=uuid,
                             owner_id=request.user.pk, kind=ExportJob.Kind.ROSTER)


@login_required
@require_GET
def export_job(request, uuid):
    require(services.can_export(request.user))
    job = _job_of(request, uuid)
    if request.GET.get("format") == "json":
        return _no_store(JsonResponse({
            "work": job.state, "pending": job.state in (ExportJob.State.QUEUED, ExportJob.State.RUNNING),
            "failed": job.state == ExportJob.State.FAILED, "error": tasks.failure_text(job.error), **tasks.progress_figures(job),
        }))
    context = {
        "job": job, "progress": tasks.progress_figures(job), "status_url": f"{request.path}?format=json", "failure": tasks.failure_text(job.error),
        "pending": job.state in (ExportJob.State.QUEUED, ExportJob.State.RUNNING),
        "crumbs": [(job.unit.name, reverse("web:unit", args=[job.unit.code]))],
    }
    return render(request, "imports/export_job.html", context)


@login_required
@require_GET
def export_download(request, uuid):
    require(services.can_export(request.user))
    job = get_object_or_404(ExportJob, uuid=uuid, owner_id=request.user.pk, kind=ExportJob.Kind.ROSTER)
    try:
        return file_response(services.export_download(actor=request.user, job=job))
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        return render(request, "web/error.html", {"status": 409, "message": exc.message}, status=409)
