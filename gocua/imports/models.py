"""An uploaded roster waiting between its preview and the officer's confirmation."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gocua.places.models import Unit


class ImportBatch(models.Model):
    """The rows of one uploaded file, kept on the server (encrypted) until confirmed or expired.

    The preview and the confirmation both work from `payload`, never from data sent back by the
    browser; only the officer's choices (split communes, new villages) come from the form.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        IMPORTED = "imported", _("Imported")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    payload = models.BinaryField(editable=False)  # the rows as read: compressed, then encrypted (payload.py)
    choices = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)  # counts and names only, no personal data
    problems = models.JSONField(default=list, blank=True)  # row, field, code, params: no personal data
    result = models.JSONField(default=dict, blank=True)
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
