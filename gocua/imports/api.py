"""Imports endpoints under /api/v1/: upload a roster, read its preview, choose, confirm; exports."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import StringConstraints

from gocua.api.auth import api_user
from gocua.api.pagination import PageParams, paged
from gocua.api.schemas import ERROR_RESPONSES, Code, ErrorOut, StrictIn
from gocua.errors import Forbidden
from gocua.imports import selectors, services
from gocua.imports.exporter import CSV, XLSX
from gocua.imports.problems import message
from gocua.imports.reader import max_bytes, too_large_error
from gocua.places.selectors import units_visible

router = Router(tags=["imports"])
FILE_DOC = {"200": {"description": "The file.", "content": {"application/octet-stream": {}}}}
ProposalKey = Annotated[str, StringConstraints(min_length=1, max_length=150, pattern=r"^[^\x00-\x1f\x7f]*$")]


class CountsOut(Schema):
    new: int
    updated: int
    unchanged: int


class VillageOut(Schema):
    code: str = Field(description="Empty for a village the import would create.")
    name: str
    commune: str
    new_village: bool
    households: CountsOut
    residents: CountsOut
    problem_rows: int


class CandidateOut(Schema):
    code: str
    name: str
    default: bool = Field(description="The usual successor (the library's default).")


class AmbiguousOut(Schema):
    legacy_code: str = Field(description="Code of the pre-2025 commune; the key of a choice.")
    label: str
    candidates: list[CandidateOut]
    rows: int
    chosen: str


class ProposalOut(Schema):
    key: str = Field(description="The key of a choice: `new`, `skip` or an existing village code.")
    name: str
    kind: str
    commune: str
    rows: int
    choice: str


class ColumnOut(Schema):
    field: str
    letter: str
    header: str


class SkippedOut(Schema):
    row: int
    reason: str


class MappingIn(StrictIn):
    sheet: Annotated[str, StringConstraints(max_length=200)] = Field(
        default="", description="Sheet name or 1-based number; empty for the best-scoring sheet.")
    mapping: dict[Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{1,3}$")],
                  Annotated[str, StringConstraints(max_length=40)]] = Field(
        default_factory=dict, description="Column letter → field name, or empty to ignore the column.")


class ImportOut(Schema):
    uuid: UUID
    commune_code: str
    file_name: str
    status: Literal["preview", "imported"]
    created_at: datetime
    expires_at: datetime
    imported_at: datetime | None
    rows: int = Field(description="Rows with a person in them.")
    valid_rows: int
    problem_rows: int
    skipped_rows: int = Field(description="Rows with neither a name nor a citizen ID (totals, notes).")
    header_row: int
    households: CountsOut
    residents: CountsOut
    villages: list[VillageOut]
    changed_fields: dict[str, int] = Field(description="How many updated residents change each field.")
    ambiguous: list[AmbiguousOut]
    proposals: list[ProposalOut]
    columns: list[ColumnOut]
    unknown_columns: list[str]
    rows_read: int = Field(description="rows_read = valid_rows + problem_rows + skipped_rows.")
    skipped: list[SkippedOut] = Field(description="Each skipped row and the reader's reason code.")
    sheet: str = Field(description="The sheet the list was read from.")
    sheets: list[str] = Field(description="The sheets of the workbook, best candidate first.")
    work: str = Field(description="Background work pending: `preview_queued`, `previewing`, `import_queued`, "
                      "`importing`, `failed`, or empty. The figures are empty until a preview is done.")
    progress: dict = Field(description="done, total (rows), started (epoch seconds), step.")
    error: dict = Field(description="code and message (vi, en) of failed background work.")
    result: dict = Field(description="What was written, once imported; `replanned` says why the stored plan "
                         "was not used (empty when it was).")


class ProblemOut(Schema):
    row: int = Field(description="The row number in the file (as Excel shows it).")
    column: str = Field(description="The column letter, or empty.")
    header: str
    field: str
    code: str
    message: str


class ChoicesIn(StrictIn):
    communes: dict[Code, Code] = Field(default_factory=dict, description="Pre-2025 commune code → new commune code.")
    villages: dict[ProposalKey, ProposalKey] = Field(
        default_factory=dict, description="Proposal key → `new`, `skip` or an existing village code."
    )


_EMPTY = {"rows": 0, "valid_rows": 0, "problem_rows": 0, "households": {"new": 0, "updated": 0, "unchanged": 0},
          "residents": {"new": 0, "updated": 0, "unchanged": 0}, "villages": [], "changed_fields": {},
          "ambiguous": [], "proposals": []}


def _out(batch) -> dict:
    summary = batch.summary or _EMPTY
    columns = summary.get("columns", {})
    return {
        "uuid": batch.uuid, "commune_code": batch.commune.code, "file_name": batch.file_name,
        "status": batch.status, "created_at": batch.created_at, "expires_at": batch.expires_at,
        "imported_at": batch.imported_at, "rows": summary["rows"], "valid_rows": summary["valid_rows"],
        "problem_rows": summary["problem_rows"], "skipped_rows": columns.get("skipped", 0),
        "header_row": columns.get("header_row", 0), "households": summary["households"],
        "residents": summary["residents"], "villages": summary["villages"],
        "changed_fields": summary["changed_fields"], "ambiguous": summary["ambiguous"],
        "proposals": summary["proposals"],
        "columns": [{"field": f, "letter": lh[0], "header": lh[1]} for f, lh in columns.get("fields", {}).items()],
        "unknown_columns": columns.get("unknown", []), "result": batch.result or {},
        "rows_read": columns.get("rows_read", 0),
        "skipped": [{"row": n, "reason": code} for n, code in columns.get("skipped_rows", [])],
        "sheet": batch.sheet_name or columns.get("sheet", ""), "sheets": [n for n, _s in columns.get("sheets", [])],
        "work": batch.work, "progress": batch.progress or {}, "error": batch.error or {},
    }


def _batch(request, uuid: UUID):
    user = api_user(request)
    if not services.can_import(user):
        raise Forbidden("forbidden", _("Your role cannot import rosters."))
    return get_object_or_404(selectors.batches_of(user=user), uuid=uuid)


def _file(out: services.FileOut) -> HttpResponse:
    response = HttpResponse(out.content, content_type=out.content_type)
    response["Content-Disposition"] = f'attachment; filename="{out.name}"'
    response["Cache-Control"] = "no-store"
    return response


@router.post("/imports", response={201: ImportOut, **ERROR_RESPONSES}, summary="Upload a roster for preview",
             description="Multipart: `file` (.xlsx or .csv) and `commune` (its code). Commune officers always "
             "import into their own commune. Nothing is written until `confirm`.")
def import_upload(request, commune: Form[Code], file: File[UploadedFile]):
    user = api_user(request)
    if not services.can_import(user):
        raise Forbidden("forbidden", _("Your role cannot import rosters."))
    unit = selectors.fixed_commune(user=user) or get_object_or_404(
        selectors.importable_communes(user=user), code=commune
    )
    if file.size > max_bytes():
        raise too_large_error()
    batch = services.import_start(actor=user, commune=unit, filename=file.name or "", data=file.read())
    return Status(201, _out(batch))


@router.get("/imports/template.xlsx", response=ERROR_RESPONSES, openapi_extra={"responses": FILE_DOC},
            summary="The roster template")
def import_template(request):
    return _file(services.template_file())


@router.get("/imports/{uuid:uuid}", response={200: ImportOut, **ERROR_RESPONSES}, summary="A roster preview")
def import_detail(request, uuid: UUID):
    return _out(_batch(request, uuid))


@router.get("/imports/{uuid:uuid}/problems", response={200: paged(ProblemOut), **ERROR_RESPONSES},
            summary="Problem rows of a roster")
def import_problems(request, uuid: UUID, paging: Query[PageParams]):
    batch = _batch(request, uuid)
    start = (paging.page - 1) * paging.page_size
    items = []
    for problem in batch.problems[start : start + paging.page_size]:
        letter, header = services.field_column(batch.summary, problem["field"])
        items.append({**problem, "column": letter, "header": header, "message": message(problem)})
    count = len(batch.problems)
    return {"items": items, "count": count, "page": paging.page, "page_size": paging.page_size,
            "pages": -(-count // paging.page_size)}


@router.post("/imports/{uuid:uuid}/choices", response={200: ImportOut, **ERROR_RESPONSES, 409: ErrorOut},
             summary="Choose new communes and villages, refresh the preview")
def import_choices(request, uuid: UUID, payload: ChoicesIn):
    batch = services.import_choose(actor=api_user(request), batch=_batch(request, uuid), choices=payload.model_dump())
    return _out(batch)


@router.post("/imports/{uuid:uuid}/mapping", response={200: ImportOut, **ERROR_RESPONSES, 409: ErrorOut},
             summary="Read the file again with another sheet or column mapping")
def import_mapping(request, uuid: UUID, payload: MappingIn):
    batch = services.import_remap(actor=api_user(request), batch=_batch(request, uuid), sheet=payload.sheet,
                                  mapping=payload.mapping)
    return _out(batch)


@router.post("/imports/{uuid:uuid}/confirm", response={200: ImportOut, **ERROR_RESPONSES, 409: ErrorOut},
             summary="Import the valid rows (one transaction)")
def import_confirm(request, uuid: UUID, payload: ChoicesIn):
    batch = _batch(request, uuid)
    return _out(services.import_confirm(actor=api_user(request), batch=batch, choices=payload.model_dump()))


@router.get("/imports/{uuid:uuid}/problems.xlsx", response=ERROR_RESPONSES,
            openapi_extra={"responses": FILE_DOC}, summary="Problem rows as .xlsx, to fix and import again")
def import_problem_rows(request, uuid: UUID):
    batch = _batch(request, uuid)
    return _file(services.problem_rows_file(actor=api_user(request), batch=batch, request=request))


@router.get("/exports/{code}", response=ERROR_RESPONSES, openapi_extra={"responses": FILE_DOC},
            summary="Households and residents of a commune or village, in the import layout (audited)")
def export_unit(request, code: Code, format: Literal["xlsx", "csv"] = XLSX):  # noqa: A002 — the query name
    user = api_user(request)
    if not services.can_export(user):
        raise Forbidden("forbidden", _("Your role cannot export personal data."))
    unit = get_object_or_404(units_visible(user=user), code=code)
    return _file(services.export_unit(actor=user, unit=unit, fmt=format if format in (XLSX, CSV) else XLSX,
                                      request=request))
