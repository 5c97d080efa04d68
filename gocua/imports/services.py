"""Roster import and export: every entry point that pages, the API and commands call."""

import datetime as dt
import gc
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.models import AuditEvent
from gocua.accounts.permissions import OFFICERS, can_see_citizen_id, can_see_phone
from gocua.accounts.scope import in_scope, scoped
from gocua.accounts.services import audit_record
from gocua.errors import Conflict, DomainError, Forbidden, NotFound
from gocua.households.models import Household, Resident
from gocua.imports import exporter, layout, payload, planner, problems, stored, writer
from gocua.imports.addresses import Resolver
from gocua.imports.models import ExportJob, ImportBatch, RosterMapping
from gocua.imports.reader import Sheet, read_roster
from gocua.imports.rows import parse_row
from gocua.lib.calamine import release_memory
from gocua.places.models import Level, Unit
from gocua.places.selectors import OWN_CODE_FIELD

BATCH_TTL = dt.timedelta(hours=24)
DEFAULT_BACKGROUND_ROWS = 5_000


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


# --- the sheet as read ------------------------------------------------------------------------


def _skipped_rows(sheet: Sheet) -> list[list]:
    """Return [excel row, reason code] of each skipped row (the reader gives a list, or only a count)."""
    skipped = sheet.skipped
    return [[int(n), str(code)] for n, code in skipped] if isinstance(skipped, list | tuple) else []


def _skipped_count(sheet: Sheet) -> int:
    return len(sheet.skipped) if isinstance(sheet.skipped, list | tuple) else int(sheet.skipped or 0)


SKIP_REASONS = {
    "blank": _("blank row"),
    "total": _("total row"),
    "formula": _("formula row"),
    "repeated_header": _("the header repeated"),
    "column_numbers": _("the column numbers under the header"),
    "note": _("a note, not a person"),
    "footer": _("the signature block under the list"),
    "no_person": _("no name and no citizen ID"),
}


def skip_reason(code: str) -> str:
    """Return the page text of a reader's skipped-row reason code (the code itself when unknown)."""
    return SKIP_REASONS.get(code, code)


def sheet_columns(sheet: Sheet) -> dict:
    """Return what the officer needs to know about the columns (letters, names, what was ignored).

    No cell values: the samples are personal data and are stored encrypted (`column_samples`).
    """
    from gocua.imports.reader import column_letter

    columns = getattr(sheet, "columns", None)
    if columns:
        listed = [{"letter": c.letter, "label": str(c.label), "field": c.field or ""} for c in columns]
    else:
        listed = [
            {"letter": column_letter(i + sheet.column_offset), "label": str(h), "field": sheet.fields.get(i, "")}
            for i, h in enumerate(sheet.headers) if h != "" or i in sheet.fields
        ]
    return {
        "header_row": sheet.header_row,
        "format": sheet.format,
        "sheet": getattr(sheet, "sheet_name", ""),
        "sheets": [[str(name), score] for name, score in getattr(sheet, "sheet_choices", [])],
        "fingerprint": getattr(sheet, "fingerprint", ""),
        "list": listed,
        "fields": {f: [column_letter(i + sheet.column_offset), sheet.headers[i]] for i, f in sheet.fields.items()},
        "unknown": sheet.unknown_columns,
        "duplicates": sheet.duplicate_columns,
        "skipped": _skipped_count(sheet),
        "skipped_rows": _skipped_rows(sheet),
        "rows_read": getattr(sheet, "rows_read", None) or len(sheet.rows) + _skipped_count(sheet),
    }


def column_samples(sheet: Sheet) -> dict[str, list[str]]:
    """Return up to three sample values per column letter (personal data: stored encrypted)."""
    columns = getattr(sheet, "columns", None)
    if columns:
        return {c.letter: [str(v) for v in list(c.samples)[:3]] for c in columns}
    from gocua.imports.reader import column_letter

    samples: dict[str, list[str]] = {}
    for i in range(len(sheet.headers)):
        values = [str(cells[i]) for _n, cells in sheet.rows[:50] if i < len(cells) and cells[i] != ""]
        samples[column_letter(i + sheet.column_offset)] = values[:3]
    return samples


def batch_samples(batch: ImportBatch) -> dict[str, list[str]]:
    """Return the stored sample values of a batch's columns ({} when none)."""
    return payload.unpack(batch.samples) if batch.samples else {}


# --- planning ----------------------------------------------------------------------------------


def roster_plan(*, actor, commune: Unit | None, sheet: Sheet, choices: planner.Choices, resolver: Resolver,
                progress=None, consume: bool = False):
    """Return the plan of importing `sheet` into `commune` (None: wherever each address lands).

    `consume`: empty `sheet.rows` as they are parsed (the preview, which has stored them already),
    so that the cells and the parsed rows are not both in memory (~40 MB at 100,000 rows).
    """
    if consume:
        source, sheet.rows = sheet.rows, []
        rows = []
        for index, (number, cells) in enumerate(source):
            rows.append(parse_row(number, cells, sheet.fields))
            source[index] = None
        del source
    else:
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
            audit_record(actor=actor, action=AuditEvent.Action.IMPORT_CONFIRMED, obj=commune, unit=commune,
                         detail={"rows": len(plan.valid_households), "result": _counts(written)})
    return RosterResult(plan, {**planner.summary(plan), "columns": sheet_columns(sheet)}, written)


# --- what a stored plan depends on -------------------------------------------------------------


def _stamp_codes(plan) -> list[str]:
    codes = set(plan.communes) | {h.commune.code for h in plan.households}
    if plan.target is not None:
        codes.add(plan.target.code)
    return sorted(codes)


def registry_stamp(codes) -> dict:
    """Return a version stamp of the registry of these communes: counts, last change and last id.

    Any created, changed or deleted household, resident or village of the communes changes it.
    A citizen ID registered elsewhere in the meantime is caught by the database's unique
    constraint when writing (the confirmation then re-plans).
    """
    codes = sorted(codes)
    stamp = {"communes": codes}
    for name, qs in (
        ("households", Household.objects.filter(commune_code__in=codes)),
        ("residents", Resident.objects.filter(commune_code__in=codes)),
    ):
        row = qs.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
        stamp[name] = [row["n"], row["last"].isoformat() if row["last"] else "", row["top"] or 0]
    villages = Unit.objects.filter(commune_code__in=codes, level=Level.VILLAGE, valid_to__isnull=True)
    row = villages.aggregate(n=Count("id"), top=Max("id"))
    stamp["villages"] = [row["n"], row["top"] or 0]
    return stamp


def _keep_plan(batch: ImportBatch, plan) -> None:
    batch.plan = payload.seal(stored.dump(plan))
    batch.plan_stamp = registry_stamp(_stamp_codes(plan))


# --- the web flow: upload → preview (→ mapping, choices) → confirm -----------------------------


def background_rows() -> int:
    """Return the row count above which previews and imports run in the background worker."""
    return int(getattr(settings, "GOCUA_IMPORT_BACKGROUND_ROWS", DEFAULT_BACKGROUND_ROWS))


def _read(data: bytes, filename: str, *, sheet: str = "", mapping: dict | None = None) -> Sheet:
    options = {}
    if sheet:
        options["sheet"] = sheet  # a name or a 1-based number: the reader tells them apart
    if mapping:
        options["mapping"] = mapping
    return read_roster(data, filename, **options)


def remembered_mapping(commune: Unit, sheet: Sheet) -> dict | None:
    """Return the mapping last confirmed for this commune and this header, if any."""
    return _remembered(commune, sheet)


def _remembered(commune: Unit, sheet: Sheet) -> dict | None:
    fingerprint = getattr(sheet, "fingerprint", "")
    if not fingerprint:
        return None
    found = RosterMapping.objects.filter(commune=commune, fingerprint=fingerprint).first()
    return found.mapping if found else None


def _preview(batch: ImportBatch, *, actor, sheet: Sheet, progress=None) -> None:
    """Plan `sheet` for `batch` and keep rows, plan, stamp and figures on it (not saved)."""
    with _gc_paused():
        resolver = Resolver()
        chosen = planner.Choices.from_dict(batch.choices)
        # The sheet is kept (for a re-plan) before planning empties its rows.
        kept = payload.pickled(sheet)
        batch.samples = payload.pack(column_samples(sheet))
        plan = roster_plan(actor=actor, commune=batch.commune, sheet=sheet, choices=chosen, resolver=resolver,
                           progress=progress, consume=True)
        _describe(batch, sheet, plan)
        codes, dumped = _stamp_codes(plan), stored.dump(plan)
        # The plan's objects (~150 MB at 100,000 rows) go before the blobs are encrypted, so that
        # the memory they free is there for the copies encryption and the database make.
        del plan
        release_memory()  # and the pages they held go back to the system, not under the next step
        batch.payload = payload.pack_sheet({"sheet_pickle": kept, "addresses": resolver.dump()})
        del kept
        batch.plan, dumped = payload.seal(dumped), None
        batch.plan_stamp = registry_stamp(codes)


def _queue(batch: ImportBatch, work: str, total: int) -> None:
    from gocua.imports import tasks

    batch.work, batch.error = work, {}
    batch.progress = {"done": 0, "total": total, "started": None, "step": work}
    batch.save()
    task = tasks.preview_batch if work == ImportBatch.Work.PREVIEW_QUEUED else tasks.import_batch
    batch.task_id = str(task.enqueue(batch.pk).id)
    batch.save(update_fields=["task_id"])


def import_start(*, actor, commune: Unit, filename: str, data: bytes, sheet: str = "",
                 mapping: dict | None = None, background: bool | None = None) -> ImportBatch:
    """Read an uploaded roster and keep it, with its preview, for the officer to confirm.

    A file of more than `background_rows()` rows (or `background=True`) is read here, to refuse a
    bad file at once, and planned by the worker (`tasks.preview_batch`).
    """
    _require_importer(actor, commune)
    if commune is None:
        raise DomainError("commune_required", _("Choose the commune to import into."), field="commune")
    batch = ImportBatch(
        owner=actor, commune=commune, file_name=(filename or "")[-200:], expires_at=timezone.now() + BATCH_TTL,
        source=payload.pack_bytes(data), sheet_name=str(sheet or "")[:200], mapping=dict(mapping or {}),
    )
    read = _read(data, filename, sheet=batch.sheet_name, mapping=batch.mapping)
    if not batch.mapping:
        remembered = _remembered(commune, read)
        if remembered:
            batch.mapping = remembered
            read = _read(data, filename, sheet=batch.sheet_name, mapping=remembered)
            batch.choices = {**batch.choices, "mapping_remembered": True}
    if background or (background is None and len(read.rows) > background_rows()):
        with transaction.atomic():
            batch.payload = b""
            _queue(batch, ImportBatch.Work.PREVIEW_QUEUED, len(read.rows))
            import_purge_expired()
        return batch
    _preview(batch, actor=actor, sheet=read)
    with transaction.atomic():
        batch.save()
        import_purge_expired()
    return batch


def preview_run(*, batch: ImportBatch, progress=None) -> ImportBatch:
    """Read and plan a queued batch (the worker's half of `import_start`); save it."""
    actor = batch.owner
    _require_importer(actor, batch.commune)
    data = payload.unpack_bytes(batch.source)
    sheet = _read(data, batch.file_name, sheet=batch.sheet_name, mapping=batch.mapping)
    _preview(batch, actor=actor, sheet=sheet, progress=progress)
    batch.work = ImportBatch.Work.NONE
    # Not `progress`: the worker's recorder keeps it up to date on the row itself.
    batch.save(update_fields=["payload", "samples", "summary", "problems", "plan", "plan_stamp", "work"])
    return batch


def import_remap(*, actor, batch: ImportBatch, sheet: str = "", mapping: dict | None = None,
                 background: bool | None = None) -> ImportBatch:
    """Read the stored file again with another sheet or column mapping and refresh the preview."""
    _require_open(actor, batch)
    # The reader refuses an unknown column letter or field name (ReadError, field "mapping").
    mapping = {str(k).strip().upper(): str(v).strip() for k, v in (mapping or {}).items()}
    data = payload.unpack_bytes(batch.source)
    batch.sheet_name, batch.mapping = str(sheet or "")[:200], mapping
    read = _read(data, batch.file_name, sheet=batch.sheet_name, mapping=mapping)
    choices = {k: v for k, v in batch.choices.items() if k != "mapping_remembered"}
    batch.choices = choices
    if background or (background is None and len(read.rows) > background_rows()):
        with transaction.atomic():
            _queue(batch, ImportBatch.Work.PREVIEW_QUEUED, len(read.rows))
        return batch
    _preview(batch, actor=actor, sheet=read)
    batch.work, batch.error = ImportBatch.Work.NONE, {}
    batch.save()
    return batch


def _require_open(actor, batch: ImportBatch) -> None:
    if batch.owner_id != getattr(actor, "pk", None):
        raise NotFound("not_found", _("Not found, or outside your area."))
    _require_importer(actor, batch.commune)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise Conflict("import_done", _("This file has already been imported."))
    if batch.expires_at <= timezone.now():
        raise Conflict("import_expired", _("This preview has expired; upload the file again."))
    if batch.pending:
        raise Conflict("import_busy", _("This file is still being processed; wait until it is done."))
    if not batch.summary:  # a background preview that failed: there is nothing to confirm
        raise Conflict("import_not_ready", _("This file could not be read; upload it again."))


def _load(batch: ImportBatch) -> tuple[Sheet, Resolver]:
    data = payload.unpack_sheet(batch.payload)
    sheet = data["sheet"] if "sheet" in data else payload.unpickled(data["sheet_pickle"])  # "sheet": before 2026-12-08
    return sheet, Resolver(data["addresses"])


def import_choose(*, actor, batch: ImportBatch, choices: dict) -> ImportBatch:
    """Apply the officer's choices (split communes, new villages) and refresh the preview.

    A big file is planned again by the worker (`tasks.preview_batch`, which reads the stored file).
    """
    _require_open(actor, batch)
    chosen = planner.Choices.from_dict(choices)
    if batch.summary.get("rows", 0) > background_rows():
        with transaction.atomic():
            batch.choices = chosen.as_dict()
            _queue(batch, ImportBatch.Work.PREVIEW_QUEUED, batch.summary["rows"])
        return batch
    with _gc_paused():
        sheet, resolver = _load(batch)
        plan = roster_plan(actor=actor, commune=batch.commune, sheet=sheet, choices=chosen, resolver=resolver)
        batch.choices = chosen.as_dict()
        _describe(batch, sheet, plan)
        _keep_plan(batch, plan)
    batch.save(update_fields=["choices", "summary", "problems", "plan", "plan_stamp"])
    return batch


REPLAN_REASONS = {
    "registry_changed": _("The registry of this commune changed since the preview (someone added, edited or "
                          "removed households, residents or villages): the file was checked again."),
    "choices_changed": _("Your choices changed since the preview: the file was checked again."),
    "conflict": _("A citizen ID of this file was registered elsewhere since the preview: the file was checked "
                  "again."),
    "no_plan": _("The preview's plan was not kept: the file was checked again."),
}


def import_confirm(*, actor, batch: ImportBatch, choices: dict | None = None, background: bool | None = None,
                   progress=None) -> ImportBatch:
    """Write the valid rows of a previewed roster in one transaction, applying the preview's plan.

    The stored plan is used when nothing it depends on changed (the registry stamp, the choices);
    otherwise the stored rows are planned again and `result["replanned"]` says why. A file of more
    than `background_rows()` rows (or `background=True`) is written by the worker.
    """
    _require_open(actor, batch)
    chosen = planner.Choices.from_dict(batch.choices if choices is None else choices)
    same_choices = chosen.as_dict() == planner.Choices.from_dict(batch.choices).as_dict()
    rows = batch.summary.get("rows", 0)
    if background or (background is None and rows > background_rows()):
        with transaction.atomic():
            batch.choices = {**batch.choices, "confirm": chosen.as_dict()}
            _queue(batch, ImportBatch.Work.IMPORT_QUEUED, rows)
        return batch
    return _confirm(actor, batch, chosen, same_choices, progress)


def import_run(*, batch: ImportBatch, progress=None) -> ImportBatch:
    """Write a batch queued by `import_confirm` (the worker's half of it)."""
    actor = batch.owner
    if batch.status != ImportBatch.Status.PREVIEW:
        raise Conflict("import_done", _("This file has already been imported."))
    _require_importer(actor, batch.commune)
    stored = {k: v for k, v in batch.choices.items() if k != "confirm"}
    chosen = planner.Choices.from_dict(batch.choices.get("confirm", stored))
    batch.choices = stored
    same_choices = chosen.as_dict() == planner.Choices.from_dict(stored).as_dict()
    return _confirm(actor, batch, chosen, same_choices, progress)


def _confirm(actor, batch: ImportBatch, chosen: planner.Choices, same_choices: bool, progress) -> ImportBatch:
    if hasattr(progress, "writing"):
        progress.writing()  # one transaction from here: progress inside it could not be seen by the page
    with _gc_paused(), transaction.atomic():
        # Only the status: the row's blobs (file, rows, plan) are tens of MB at 100,000 rows.
        locked = ImportBatch.objects.select_for_update().only("id", "status").get(pk=batch.pk)
        if locked.status != ImportBatch.Status.PREVIEW:
            raise Conflict("import_done", _("This file has already been imported."))
        plan, reason = None, ""
        if not batch.plan:
            reason = "no_plan"
        elif not same_choices:
            reason = "choices_changed"
        else:
            plan = stored.open_plan(payload.unseal(batch.plan))  # read a chunk at a time by the writer
            if registry_stamp(batch.plan_stamp.get("communes", [])) != batch.plan_stamp:
                plan, reason = None, "registry_changed"
        sheet = None
        if plan is None:
            sheet, resolver = _load(batch)
            plan = roster_plan(actor=actor, commune=batch.commune, sheet=sheet, choices=chosen, resolver=resolver,
                               progress=progress)
        households = plan.household_count
        if not households:
            raise DomainError("nothing_to_import", _("No row can be imported: fix the problem rows first."))
        try:
            with transaction.atomic():
                written = writer.write(plan, actor=actor, source_ref=f"import:{batch.uuid}")
        except Conflict:
            if sheet is not None:
                raise
            sheet, resolver = _load(batch)
            plan = roster_plan(actor=actor, commune=batch.commune, sheet=sheet, choices=chosen, resolver=resolver)
            households = plan.household_count
            if not households:
                raise DomainError("nothing_to_import", _("No row can be imported: fix the problem rows first.")) from None
            written, reason = writer.write(plan, actor=actor, source_ref=f"import:{batch.uuid}"), "conflict"
        batch.result = {**written, "replanned": reason}
        batch.choices = chosen.as_dict()
        if sheet is not None:
            _describe(batch, sheet, plan)
        _remember_mapping(batch, actor)
        batch.status = ImportBatch.Status.IMPORTED
        batch.imported_at = timezone.now()
        batch.plan, batch.work, batch.error = b"", ImportBatch.Work.NONE, {}
        batch.save(update_fields=["choices", "summary", "problems", "result", "status", "imported_at", "plan",
                                  "work", "error"])
        audit_record(actor=actor, action=AuditEvent.Action.IMPORT_CONFIRMED, obj=batch, unit=batch.commune,
                     detail={"rows": households, "result": _counts(batch.result)})
    return batch


def _counts(result) -> dict:
    """Return the numbers of a write result (what the audit log keeps of an import)."""
    if not isinstance(result, dict):
        return {}
    return {key: value for key, value in result.items() if isinstance(value, int)}


def _remember_mapping(batch: ImportBatch, actor) -> None:
    """Keep the mapping of an imported file for the next file of this commune with the same header."""
    columns = batch.summary.get("columns", {})
    fingerprint = columns.get("fingerprint", "")
    if not fingerprint:
        return
    mapping = {c["letter"]: c["field"] for c in columns.get("list", [])}
    RosterMapping.objects.update_or_create(
        commune=batch.commune, fingerprint=fingerprint, defaults={"mapping": mapping, "updated_by": actor}
    )


def import_purge_expired() -> int:
    """Delete expired batches and exports (they hold personal data); return how many."""
    now = timezone.now()
    ExportJob.objects.filter(expires_at__lte=now).delete()
    return ImportBatch.objects.filter(expires_at__lte=now).delete()[0]


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


def _export_target(actor, unit: Unit, fmt: str) -> None:
    if fmt not in exporter.CONTENT_TYPES:
        raise DomainError("format_invalid", _("Choose xlsx or csv."), field="format")
    if not can_export(actor):
        raise Forbidden("forbidden", _("Your role cannot export personal data."))
    if not in_scope(actor, unit):
        raise NotFound("not_found", _("Not found, or outside your area."))
    if unit.level not in (Level.COMMUNE, Level.VILLAGE):
        raise DomainError("export_level", _("Export one commune or one village at a time."), field="unit")


def _export_residents(actor, unit: Unit):
    return scoped(actor, Resident.objects.filter(**{OWN_CODE_FIELD[unit.level]: unit.code}))


def export_size(*, actor, unit: Unit) -> int:
    """Return how many residents an export of `unit` would hold (to run big ones in the background)."""
    return _export_residents(actor, unit).count()


def export_unit(*, actor, unit: Unit, fmt: str = exporter.XLSX, request=None, progress=None) -> FileOut:
    """Return the households and residents of a commune or village in the import layout; audited."""
    _export_target(actor, unit, fmt)
    residents = _export_residents(actor, unit)
    total = residents.count() if progress else 0
    show_id, show_phone, addresses = can_see_citizen_id(actor), can_see_phone(actor), {}
    rows = []
    for r in exporter.residents_for_export(residents).iterator(chunk_size=2000):
        rows.append(exporter.resident_row(r, show_citizen_id=show_id, show_phone=show_phone, addresses=addresses))
        if progress and len(rows) % 2000 == 0:
            progress(len(rows), total)
    header = exporter.headers()
    content = exporter.write_xlsx(header, rows) if fmt == exporter.XLSX else exporter.write_csv(header, rows)
    audit_record(
        actor=actor, action=AuditEvent.Action.EXPORT, obj=unit,
        detail={"unit": unit.code, "rows": len(rows), "format": fmt}, request=request,
    )
    return FileOut(f"danh-sach-{unit.code}.{fmt}", exporter.CONTENT_TYPES[fmt], content)


EXPORT_TTL = dt.timedelta(hours=2)


def export_start(*, actor, unit: Unit, fmt: str = exporter.XLSX) -> ExportJob:
    """Queue an export of `unit` for the worker (`tasks.export_file`); checked now, written later."""
    from gocua.imports import tasks

    _export_target(actor, unit, fmt)
    with transaction.atomic():
        job = ExportJob.objects.create(owner=actor, unit=unit, format=fmt, expires_at=timezone.now() + EXPORT_TTL,
                                       progress={"done": 0, "total": 0, "started": None, "step": "queued"})
        tasks.export_file.enqueue(job.pk)
        import_purge_expired()
    return job


def export_run(*, job: ExportJob, progress=None) -> ExportJob:
    """Prepare a queued export as its owner (audited) and keep the file, encrypted, on the job."""
    out = export_unit(actor=job.owner, unit=job.unit, fmt=job.format, progress=progress)
    job.content, job.file_name, job.state = payload.pack_bytes(out.content), out.name, ExportJob.State.DONE
    job.save(update_fields=["content", "file_name", "state"])
    return job


def export_download(*, actor, job: ExportJob) -> FileOut:
    """Return the file of a finished export job (its owner only, before it expires)."""
    if job.owner_id != getattr(actor, "pk", None) or job.expires_at <= timezone.now():
        raise NotFound("not_found", _("Not found, or outside your area."))
    if job.state != ExportJob.State.DONE:
        raise Conflict("export_not_ready", _("The export is not ready yet."))
    return FileOut(job.file_name, exporter.CONTENT_TYPES[job.format], payload.unpack_bytes(job.content))


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
