"""Device tokens, log-in throttling, and the bookkeeping of offline sync.

The sync tables never hold personal data of their own beyond what a merge needs: a field's
value in `FieldChange` and `SyncConflict` (a phone, a name, an indicator) is the same value the
registry holds, kept so that a leader can settle a conflict; never a citizen ID.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.households.models import ScopedCodes


class DeviceToken(models.Model):
    """A bearer token of one named device; only the SHA-256 of the secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("device"), max_length=80)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the secret, so a person can tell two tokens apart in a list.
    prefix = models.CharField(max_length=16, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("device token")
        verbose_name_plural = _("device tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class LoginFailure(models.Model):
    """One failed token log-in, counted per account and per address to throttle guessing."""

    username = models.CharField(max_length=150, db_index=True)  # lower-cased, as typed
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"failure at {self.at:%Y-%m-%d %H:%M}"


class RecordKind(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    RESIDENT = "resident", _("Resident")
    VISIT = "visit", _("Visit")
    SESSION = "session", _("Community session")
    HOUSEHOLD_EDIT = "household_edit", _("Household edit")
    RESIDENT_EDIT = "resident_edit", _("Resident edit")
    INDICATORS = "indicators", _("Indicator change")
    ASSESSMENT = "assessment", _("Digital-skills assessment")


class SyncReceipt(models.Model):
    """One record a device uploaded and the server accepted; its UUID can never be used twice.

    The UNIQUE constraint on `uuid` is what makes a replay a no-op, also for edits and
    indicator changes, which have no table of their own; `content_hash` tells a harmless
    replay (`duplicate`) from a reused UUID with other content (`conflict`).
    """

    uuid = models.UUIDField(unique=True)
    kind = models.CharField(max_length=16, choices=RecordKind.choices)
    content_hash = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    device = models.ForeignKey(DeviceToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)
    result = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.uuid}"


class FieldChange(models.Model):
    """One field of a household or resident changed through sync; the row's id is the record's new version."""

    kind = models.CharField(max_length=16)  # "household" or "resident"
    record_uuid = models.UUIDField()
    field = models.CharField(max_length=40)
    value = models.JSONField(null=True)
    # The device's clock when the edit was made, clamped to when the server received it.
    device_time = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    device = models.ForeignKey(DeviceToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    change_uuid = models.UUIDField()

    class Meta:
        indexes = [models.Index(fields=["record_uuid", "field", "id"], name="fieldchange_record")]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_uuid} {self.field} v{self.pk}"


class SyncConflict(ScopedCodes):
    """The same field changed to different values by two devices (or a device and the web)."""

    class Winner(models.TextChoices):
        DEVICE = "device", _("The uploaded value")
        SERVER = "server", _("The value already on the server")

    kind = models.CharField(_("record"), max_length=16)
    record_uuid = models.UUIDField()
    field = models.CharField(_("field"), max_length=40)
    server_value = models.JSONField(_("value on the server"), null=True)
    device_value = models.JSONField(_("uploaded value"), null=True)
    winner = models.CharField(_("kept for now"), max_length=8, choices=Winner.choices)
    device_time = models.DateTimeField(_("time of the upload's change"))
    other_time = models.DateTimeField(_("time of the other change"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    other_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("changed by")
    )
    change_uuid = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    settled_value = models.JSONField(_("settled value"), null=True, blank=True)

    class Meta:
        verbose_name = _("sync conflict")
        verbose_name_plural = _("sync conflicts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["village_code", "settled_at"], name="syncconflict_open")]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_uuid} {self.field}"

    @property
    def kept_value(self):
        return self.device_value if self.winner == self.Winner.DEVICE else self.server_value

    @property
    def other_value(self):
        return self.server_value if self.winner == self.Winner.DEVICE else self.device_value


class SyncCursor(models.Model):
    """What one download sent: the since-token of the next download, and the pages of this one.

    `snapshot` maps every household id in the device's scope to a fingerprint of what was
    sent for it (the household with its residents); the next download sends the households
    whose fingerprint changed, and names those that left the scope so the device drops them.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    device = models.ForeignKey(DeviceToken, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    full = models.BooleanField(default=True)
    snapshot = models.JSONField(default=dict)
    to_send = models.JSONField(default=list)  # household ids, in page order
    removed = models.JSONField(default=list)  # household UUIDs that left the scope

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="synccursor_user")]

    def __str__(self) -> str:
        return f"cursor {self.pk}"


class PushSubscription(models.Model):
    """A Web Push subscription of one installed field app: where the daily digest is sent.

    The endpoint and keys come from the phone's browser (PushManager.subscribe); they name no
    person. A subscription of a device that was logged out is dropped on the next send.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    device = models.ForeignKey(DeviceToken, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="push_subscriptions")
    endpoint = models.CharField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    # The day the digest was last sent: a conditional update claims each day once, whichever worker runs.
    last_sent_on = models.DateField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"push subscription {self.pk} of user {self.user_id}"
