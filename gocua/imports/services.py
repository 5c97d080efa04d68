"""Roster import and export: every entry point that pages, the API and commands call."""

import datetime as dt
import gc
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.models import AuditEvent
from gocua.accounts.permissions import OFFICERS, can_see_citizen_id, can_see_phone
from gocua.accounts.scope import in_scope, scoped
from gocua.accounts.services import audit_record
from gocua.errors import Conflict, DomainError, Forbidden, NotFound
from gocua.households.models import Resident
from gocua.imports import exporter, layout, payload, planner, problems, writer
from gocua.imports.addresses import Resolver
from gocua.imports.models import ImportBatch
from gocua.imports.reader import Sheet, read_roster
from gocua.imports.rows import parse_row
from gocua.places.models import Level, Unit
from gocua.places.selectors import OWN_CODE_FIELD

BATCH_TTL = dt.timedelta(hours=24)


def can_import(user, commune: Unit | None = None) -> bool:
    """Return whether `user` may import rosters (into `commune`, when given)."""
    if getattr(user, "role", None) not in OFFICERS or not getattr(user, "is_active", False):
        return False
    return commune is None or (commune.level == Level.COMMUNE and commune.valid_to is None and in_scope(user, commune))


def can_export(user, unit: Unit | None = None) -> bool:
    """Return whether `user` may export the residents of `unit` (officers, inside their area)."""
    return can_import(user) and (unit is None or in_scope(user, unit))


@contextmanager
def _gc_paused():
    """Pause the cycle collector while a roster is read, planned and written.

    A 100,000-row roster allocates millions of small objects, none of them in cycles; the
    collector's full passes over them cost a quarter of the planning time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _require_importer(actor, commune: Unit | None) -> None:
    if not can_import(actor):
        raise Forbidden("forbidden", _("Your role cannot import rosters."))
    if commune is not None and not can_import(actor, commune):
        raise Forbidden("forbidden", _("This commune is outside your area."))


# --- the sheet as stored -----------------------------------------------------------------------


def _sheet_data(sheet: Sheet) -> dict:
    return {
        "format": sheet.format, "header_row": sheet.header_row, "headers": sheet.headers,
        "fields": [[i, f] for i, f in sheet.fields.items()], "unknown": sheet.unknown_columns,
        "duplicates": sheet.duplicate_columns, "skipped": sheet.skipped, "offset": sheet.column_offset,
        "rows": sheet.rows,
    }


def _sheet_from(data: dict) -> Sheet:
    return Sheet(
        data["format"], data["header_row"], data["headers"], {i: f for i, f in data["fields"]},
        data["unknown"], data["duplicates"], [(n, cells) for n, cells in data["rows"]], data["skipped"],
        data["offset"],
    )


def sheet_columns(sheet: Sheet) -> dict:
    """Return what the officer needs to know about the columns (letters, names, what was ignored)."""
    from gocua.imports.reader import column_letter

    return {
        "header_row": sheet.header_row,
        "format": sheet.format,
        "fields": {f: [column_letter(i + sheet.column_offset), sheet.headers[i]] for i, f in sheet.fields.items()},
        "unknown": sheet.unknown_columns,
        "duplicates": sheet.duplicate_columns,
        "skipped": sheet.skipped_count,  # w13a: `Sheet.skipped` is now the list of (row, reason)
    }


# --- planning ----------------------------------------------------------------------------------


def roster_plan(*, actor, commune: Unit | None, sheet: Sheet, choices: planner.Choices, resolver: Resolver,
                progress=None):
    """Return the plan of importing `sheet` into `commune` (None: wherever each address lands)."""
    rows = [parse_row(number, cells, sheet.fields) for number, cells in sheet.rows]
    return planner.build(actor=actor, target=commune, rows=rows, resolver=resolver, choices=choices,
                         progress=progress)


def _describe(batch: ImportBatch, sheet: Sheet, plan) -> None:
    batch.summary = {**planner.summary(plan), "columns": sheet_columns(sheet)}
    batch.problems = [p.as_dict() for p in plan.problems]


@dataclass
class RosterResult:
    plan: object
    summary: dict
    written: dict | None


def roster_import(*, actor, commune: Unit | None, sheet: Sheet, choices: planner.Choices,
                  dry_run: bool = False, source_ref: str = "", progress=None) -> RosterResult:
    """Plan `sheet` and (unless `dry_run`) write its valid rows in one transaction.

    `written` is None when nothing was written (a dry run, or no valid row).
    """
    _require_importer(actor, commune)
    with _gc_paused(), transaction.atomic():
        plan = roster_plan(actor=actor, commune=commune, sheet=sheet, choices=choices, resolver=Resolver(),
                           progress=progress)
        written = None
        if not dry_run and plan.valid_households:
            written = writer.write(plan, actor=actor, source_ref=source_ref)
    return RosterResult(plan, {**planner.summary(plan), "columns": sheet_columns(sheet)}, written)


# --- the web flow: upload → preview → choices → confirm ----------------------------------------


def import_start(*, actor, commune: Unit, filename: str, data: bytes) -> ImportBatch:
    """Read an uploaded roster and keep it, with its preview, for the officer to confirm."""
    _require_importer(actor, commune)
    if commune is None:
        raise DomainError("commune_required", _("Choose the commune to import into."), field="commune")
    batch = ImportBatch(
        owner=actor, commune=commune, file_name=(filename or "")[-200:], expires_at=timezone.now() + BATCH_TTL
    )
    with _gc_paused():
        sheet = read_roster(data, filename)
        resolver = Resolver()
        plan = roster_plan(actor=actor, commune=commune, sheet=sheet, choices=planner.Choices(), resolver=resolver)
        batch.payload = payload.pack({"sheet": _sheet_data(sheet), "addresses": resolver.dump()})
        _describe(batch, sheet, plan)
    with transaction.atomic():
        batch.save()
        import_purge_expired()
    return batch


def _require_open(actor, batch: ImportBatch) -> None:
    if batch.owner_id != getattr(actor, "pk", None):
        raise NotFound("not_found", _("Not found, or outside your area."))
    _require_importer(actor, batch.commune)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise Conflict("import_done", _("This file has already been imported."))
    if batch.expires_at <= timezone.now():
        raise Conflict("import_expired", _("This preview has expired; upload the file again."))


def _load(batch: ImportBatch) -> tuple[Sheet, Resolver]:
    data = payload.unpack(batch.payload)
    return _sheet_from(data["sheet"]), Resolver(data["addresses"])


def import_choose(*, actor, batch: ImportBatch, choices: dict) -> ImportBatch:
    """Apply the officer's choices (split communes, new villages) and refresh the preview."""
    _require_open(actor, batch)
    with _gc_paused():
        sheet, resolver = _load(batch)
        chosen = planner.Choices.from_dict(choices)
        plan = roster_plan(actor=actor, commune=batch.commune, sheet=sheet, choices=chosen, resolver=resolver)
        batch.choices = chosen.as_dict()
        _describe(batch, sheet, plan)
    batch.save(update_fields=["choices", "summary", "problems"])
    return batch


def import_confirm(*, actor, batch: ImportBatch, choices: dict | None = None) -> ImportBatch:
    """Write the valid rows of a previewed roster in one transaction (choices applied first)."""
    _require_open(actor, batch)
    chosen = planner.Choices.from_dict(batch.choices if choices is None else choices)
    with _gc_paused(), transaction.atomic():
        sheet, resolver = _load(batch)
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportBatch.Status.PREVIEW:
            raise Conflict("import_done", _("This file has already been imported."))
        plan = roster_plan(actor=actor, commune=batch.commune, sheet=sheet, choices=chosen, resolver=resolver)
        if not plan.valid_households:
            raise DomainError("nothing_to_import", _("No row can be imported: fix the problem rows first."))
        batch.result = writer.write(plan, actor=actor, source_ref=f"import:{batch.uuid}")
        batch.choices = chosen.as_dict()
        _describe(batch, sheet, plan)
        batch.status = ImportBatch.Status.IMPORTED
        batch.imported_at = timezone.now()
        batch.save(update_fields=["choices", "summary", "problems", "result", "status", "imported_at"])
    return batch


def import_purge_expired() -> int:
    """Delete expired batches (their rows hold personal data); return how many."""
    return ImportBatch.objects.filter(expires_at__lte=timezone.now()).delete()[0]


# --- files -------------------------------------------------------------------------------------


@dataclass
class FileOut:
    name: str
    content_type: str
    content: bytes


def problem_rows_file(*, actor, batch: ImportBatch, request=None) -> FileOut:
    """Return the problem rows of a batch as .xlsx (same columns plus an error column); audited."""
    if batch.owner_id != getattr(actor, "pk", None) or batch.expires_at <= timezone.now():
        raise NotFound("not_found", _("Not found, or outside your area."))
    sheet, _resolver = _load(batch)
    messages: dict[int, list[str]] = {}
    for problem in batch.problems:
        messages.setdefault(problem["row"], []).append(problems.message(problem))
    width = len(sheet.headers)
    rows = [
        [*(cells + [""] * (width - len(cells)))[:width], "; ".join(messages[number])]
        for number, cells in sheet.rows
        if number in messages
    ]
    content = exporter.write_xlsx([*sheet.headers, exporter.ERROR_HEADER], rows, title="Dòng lỗi")
    audit_record(
        actor=actor, action=AuditEvent.Action.EXPORT, obj=batch.commune,
        detail={"unit": batch.commune.code, "rows": len(rows), "format": "xlsx", "kind": "problem_rows"},
        request=request,
    )
    return FileOut(f"dong-loi-{batch.commune.code}.xlsx", exporter.CONTENT_TYPES[exporter.XLSX], content)


def template_file() -> FileOut:
    """Return the empty roster template (.xlsx) with a guide sheet."""
    content = exporter.write_xlsx(exporter.headers(), [], guide=exporter.template_guide())
    return FileOut("mau-danh-sach-ho.xlsx", exporter.CONTENT_TYPES[exporter.XLSX], content)


def export_unit(*, actor, unit: Unit, fmt: str = exporter.XLSX, request=None) -> FileOut:
    """Return the households and residents of a commune or village in the import layout; audited."""
    if fmt not in exporter.CONTENT_TYPES:
        raise DomainError("format_invalid", _("Choose xlsx or csv."), field="format")
    if not can_export(actor):
        raise Forbidden("forbidden", _("Your role cannot export personal data."))
    if not in_scope(actor, unit):
        raise NotFound("not_found", _("Not found, or outside your area."))
    if unit.level not in (Level.COMMUNE, Level.VILLAGE):
        raise DomainError("export_level", _("Export one commune or one village at a time."), field="unit")
    residents = scoped(actor, Resident.objects.filter(**{OWN_CODE_FIELD[unit.level]: unit.code}))
    show_id, show_phone, addresses = can_see_citizen_id(actor), can_see_phone(actor), {}
    rows = [
        exporter.resident_row(r, show_citizen_id=show_id, show_phone=show_phone, addresses=addresses)
        for r in exporter.residents_for_export(residents).iterator(chunk_size=2000)
    ]
    header = exporter.headers()
    content = exporter.write_xlsx(header, rows) if fmt == exporter.XLSX else exporter.write_csv(header, rows)
    audit_record(
        actor=actor, action=AuditEvent.Action.EXPORT, obj=unit,
        detail={"unit": unit.code, "rows": len(rows), "format": fmt}, request=request,
    )
    return FileOut(f"danh-sach-{unit.code}.{fmt}", exporter.CONTENT_TYPES[fmt], content)


def field_column(summary: dict, field_name: str) -> tuple[str, str]:
    """Return (letter, header) of the column a problem's field was read from ("", "") if none."""
    fields = summary.get("columns", {}).get("fields", {})
    for name in (field_name, *_FALLBACK_FIELDS.get(field_name, ())):
        if name in fields:
            return tuple(fields[name])
    return "", ""


_FALLBACK_FIELDS = {
    layout.BIRTH_YEAR: (layout.BIRTH_DATE,),
    layout.BIRTH_DATE: (layout.BIRTH_YEAR,),
    **{name: (layout.BASIC_SKILLS_ALL,) for name in layout.ALL_SKILLS},
    layout.GENDER: (layout.RELATION,),
    "household": (layout.HOUSEHOLD_KEY,),
}
