"""Help requests residents send from the village QR code, their per-phone folding, spam marks and rate counters."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gocua.households.models import Household, ScopedCodes
from gocua.places.models import Unit


class PreferredTime(models.TextChoices):
    ANYTIME = "anytime", _("Any time")
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")


class Status(models.TextChoices):
    NEW = "new", _("Received")
    CLAIMED = "claimed", _("A team member is on it")
    CLOSED = "closed", _("Done")


class CloseReason(models.TextChoices):
    VISIT = "visit", _("Helped at a visit")
    SOLVED_BY_PHONE = "solved_by_phone", _("Helped by phone")
    UNREACHABLE = "unreachable", _("Could not reach the resident")
    NOT_NEEDED = "not_needed", _("No longer needed")
    OTHER = "other", _("Other reason")


class HelpRequest(ScopedCodes):
    """One request sent from a village's public help page.

    Requests from one phone in one village fold into the first open one (`folded_into`), which
    counts them (`repeat_count`) and is the only one the queue shows; acting on it acts on the
    whole group, so every code the resident was given tells the same story.
    """

    code = models.CharField(_("code"), max_length=12, unique=True)
    village = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    service = models.ForeignKey(
        "outreach.ServiceItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("help with"),
    )
    other_text = models.CharField(_("what else"), max_length=300, blank=True)
    preferred_time = models.CharField(
        _("preferred time"), max_length=12, choices=PreferredTime.choices, default=PreferredTime.ANYTIME
    )
    name = models.CharField(_("name"), max_length=80)
    phone = models.CharField(_("phone"), max_length=16, db_index=True)  # normalised: 0912345678
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.NEW)
    folded_into = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="folded")
    repeat_count = models.PositiveIntegerField(default=1)
    is_spam = models.BooleanField(default=False)
    claimed_by = models.ForeignKey(
        "teams.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("claimed by")
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("household")
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    close_reason = models.CharField(_("reason"), max_length=16, choices=CloseReason.choices, blank=True)
    close_note = models.CharField(_("note"), max_length=300, blank=True)
    visit = models.ForeignKey("outreach.Visit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The last thing the team did (claim, call, link); the overdue lists compare it with the setting.
    last_action_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["village_code", "status", "created_at"], name="help_queue")]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED


class SpamMark(ScopedCodes):
    """A phone a village team marked as spam: its requests are hidden from the queue until unmarked."""

    village = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(max_length=16)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["village", "phone"], name="help_spam_once")]

    def __str__(self) -> str:
        return f"{self.village_code} {self.phone[:3]}****{self.phone[-3:]}"


class RateCounter(models.Model):
    """Requests seen per key (a keyed hash of an address or a phone) per fixed window.

    In the database, not the cache: the default cache is per process (LocMem), so with several
    workers each would count alone and the limit would multiply by the number of workers; the
    database is the one place every worker shares. The key is an HMAC, never the address or phone.
    """

    key = models.CharField(max_length=64)
    window = models.PositiveIntegerField()  # start of the window, in hours since the epoch
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="help_rate_once")]

    def __str__(self) -> str:
        return f"{self.key[:8]}… @{self.window}: {self.count}"
