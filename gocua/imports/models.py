"""An uploaded roster waiting between its preview and the officer's confirmation."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gocua.places.models import Unit


class ImportBatch(models.Model):
    """The rows of one uploaded file, kept on the server (encrypted) until confirmed or expired.

    The preview and the confirmation both work from `payload`, never from data sent back by the
    browser; only the officer's choices (split communes, new villages, column mapping) come from
    the form. `plan` is the preview's plan, applied by the confirmation when `plan_stamp` still
    matches the registry.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        IMPORTED = "imported", _("Imported")

    class Work(models.TextChoices):
        """What the background worker is doing with the batch ("" when nothing is pending)."""

        NONE = "", _("Nothing pending")
        PREVIEW_QUEUED = "preview_queued", _("Preview waiting for the worker")
        PREVIEWING = "previewing", _("Reading and checking the file")
        IMPORT_QUEUED = "import_queued", _("Import waiting for the worker")
        IMPORTING = "importing", _("Importing")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    payload = models.BinaryField(editable=False)  # the rows as read: compressed, then encrypted (payload.py)
    source = models.BinaryField(editable=False, default=b"")  # the uploaded file, encrypted: re-read on a new mapping
    plan = models.BinaryField(editable=False, default=b"")  # the preview's plan: stored.dump, encrypted (payload.seal)
    samples = models.BinaryField(editable=False, default=b"")  # up to 3 values per column, encrypted (names!)
    plan_stamp = models.JSONField(default=dict, blank=True)  # what the plan depends on (services.registry_stamp)
    sheet_name = models.CharField(_("sheet"), max_length=200, blank=True)  # the officer's choice; "" = best
    mapping = models.JSONField(default=dict, blank=True)  # column letter → field ("" = ignored), officer's
    choices = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)  # counts and names only, no personal data
    problems = models.JSONField(default=list, blank=True)  # row, field, code, params: no personal data
    result = models.JSONField(default=dict, blank=True)
    work = models.CharField(max_length=16, choices=Work.choices, default=Work.NONE, blank=True)
    progress = models.JSONField(default=dict, blank=True)  # done, total, started (epoch s), step
    error = models.JSONField(default=dict, blank=True)  # code, message of a failed background task
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        indexes = [models.Index(fields=["owner", "-created_at"], name="importbatch_owner_recent")]

    def __str__(self) -> str:
        return f"import {self.uuid} ({self.status})"

    @property
    def pending(self) -> bool:
        return self.work in (self.Work.PREVIEW_QUEUED, self.Work.PREVIEWING, self.Work.IMPORT_QUEUED,
                             self.Work.IMPORTING)


class RosterMapping(models.Model):
    """A column mapping an officer confirmed, offered again for the next file with the same header."""

    commune = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)  # the reader's hash of the folded header labels
    mapping = models.JSONField(default=dict)  # column letter → field ("" = ignored)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commune", "fingerprint"], name="rostermapping_unique")]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self) -> str:
        return f"mapping {self.commune_id}:{self.fingerprint[:8]}"


class ExportJob(models.Model):
    """A big export prepared by the worker; the file is kept encrypted until downloaded or expired.

    `kind` says what the file is: a unit's roster (this app's pages), a periodic report's
    workbook or a dashboard's period workbook (both `gocua.reports`, which sits above this app and
    queues its own tasks).
    """

    class Kind(models.TextChoices):
        ROSTER = "roster", _("Roster")
        REPORT = "report", _("Periodic report")
        DASHBOARD = "dashboard", _("Dashboard report")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Preparing")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ROSTER)
    format = models.CharField(max_length=8)
    period = models.CharField(max_length=16, blank=True)  # a report's period token (indicators.periods)
    params = models.JSONField(default=dict, blank=True)  # a dashboard workbook's day ("date") and map ("map")
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.JSONField(default=dict, blank=True)
    error = models.JSONField(default=dict, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(editable=False, default=b"")  # encrypted (payload.pack_bytes)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"export {self.uuid} ({self.state})"
