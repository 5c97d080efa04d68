"""Background tasks of the importer (django-tasks, database backend): big previews, imports, exports.

Each task loads its row by id, reports progress on it and, when it fails, records why on it; the
services do the work in their own transactions, so a failed task writes nothing.
"""

import logging
import time

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from gocua.errors import DomainError
from gocua.imports import services
from gocua.imports.models import ExportJob, ImportBatch

log = logging.getLogger(__name__)
PROGRESS_EVERY_S = 0.5


class Recorder:
    """Store progress (rows done, total, start time, step) on a row, at most twice a second.

    Updates are plain UPDATEs outside the work's transaction, so the page sees them at once;
    inside the writing transaction they would stay invisible, so the writer only marks its step.
    """

    def __init__(self, model, pk: int, step: str):
        self.model, self.pk, self.step = model, pk, step
        self.started, self.last = time.time(), 0.0
        self.total = 0
        # Progress is saved only outside transactions opened after this point (the work's own).
        self.depth = len(transaction.get_connection().atomic_blocks)
        self.save(0, 0)

    def _free(self) -> bool:
        return len(transaction.get_connection().atomic_blocks) <= self.depth

    def save(self, done: int, total: int) -> None:
        self.total = total or self.total
        self.model.objects.filter(pk=self.pk).update(
            progress={"done": done, "total": self.total, "started": self.started, "step": self.step}
        )

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < PROGRESS_EVERY_S:
            return
        self.last = now
        if self._free():
            self.save(done, total)

    def writing(self) -> None:
        self.step = "writing"
        if self._free():
            self.save(self.total, self.total)


def progress_figures(row) -> dict:
    """Return done, total, rate, seconds left and percent of the progress a `Recorder` stored on `row`."""
    p = row.progress or {}
    done, total, started = int(p.get("done") or 0), int(p.get("total") or 0), p.get("started")
    elapsed = max(time.time() - started, 0.001) if started else 0
    rate = done / elapsed if elapsed and done else 0
    left = round((total - done) / rate) if rate and total > done else None
    return {"done": done, "total": total, "rate": round(rate), "left": left, "step": p.get("step", ""),
            "percent": round(100 * done / total) if total else 0, "elapsed": round(elapsed)}


def failure_text(error: dict) -> str:
    """Return why a background task failed, in the current language ("" when it did not fail)."""
    if not error:
        return ""
    text = error.get("vi" if translation.get_language().startswith("vi") else "en") or ""
    return text or _("The work stopped unexpectedly; nothing was written. Try again, or ask your administrator.")


def _error(exc: Exception, what: str = "") -> dict:
    if isinstance(exc, DomainError):
        with translation.override("vi"):
            vi = str(exc.message)
        with translation.override("en"):
            en = str(exc.message)
        return {"code": exc.code, "vi": vi, "en": en}
    # The exception text may quote data; only its type is logged, never its message.
    log.error("background task failed (%s): %s", what or "task", type(exc).__name__)
    return {"code": "task_failed", "vi": "", "en": ""}


def _fail(model, pk: int, field: str, failed: str, exc: Exception) -> None:
    what = f"{model._meta.label_lower} {pk}"  # which job, never what it holds
    model.objects.filter(pk=pk).update(**{field: failed, "error": _error(exc, what)})


def _run_batch(batch_id: int, *, queued: str, running: str, run) -> str:
    """Claim a queued batch (the conditional UPDATE's row count tells which worker won) and run it."""
    if not ImportBatch.objects.filter(pk=batch_id, work=queued).update(work=running):
        return "skipped"
    batch = ImportBatch.objects.select_related("owner", "commune").get(pk=batch_id)
    try:
        run(batch=batch, progress=Recorder(ImportBatch, batch_id, "checking"))
    except Exception as exc:  # noqa: BLE001 — every failure is recorded on the batch for the officer
        _fail(ImportBatch, batch_id, "work", ImportBatch.Work.FAILED, exc)
        return "failed"
    return "done"


@task()
def preview_batch(batch_id: int) -> str:
    """Read and plan an uploaded roster too big to preview during the request."""
    return _run_batch(batch_id, queued=ImportBatch.Work.PREVIEW_QUEUED, running=ImportBatch.Work.PREVIEWING,
                      run=services.preview_run)


@task()
def import_batch(batch_id: int) -> str:
    """Write a confirmed roster too big to import during the request (one transaction)."""
    return _run_batch(batch_id, queued=ImportBatch.Work.IMPORT_QUEUED, running=ImportBatch.Work.IMPORTING,
                      run=services.import_run)


def run_export_job(job_id: int, *, kind: str, run) -> str:
    """Claim a queued export job of `kind` (the conditional UPDATE tells which worker won) and run it.

    `run(job=..., progress=...)` prepares and stores the file; whatever it raises marks the job
    failed with why, and the job keeps no file.
    """
    claimed = ExportJob.objects.filter(pk=job_id, kind=kind, state=ExportJob.State.QUEUED)
    if not claimed.update(state=ExportJob.State.RUNNING):
        return "skipped"
    job = ExportJob.objects.select_related("owner", "unit").get(pk=job_id)
    try:
        run(job=job, progress=Recorder(ExportJob, job_id, "exporting"))
    except Exception as exc:  # noqa: BLE001 — every failure is recorded on the job for the officer
        _fail(ExportJob, job_id, "state", ExportJob.State.FAILED, exc)
        return "failed"
    return "done"


@task()
def export_file(job_id: int) -> str:
    """Prepare a big export (the file is kept encrypted on the job until it expires)."""
    return run_export_job(job_id, kind=ExportJob.Kind.ROSTER, run=services.export_run)
