"""National administrators add catalogue items and retire them (retired items stay on old visits)."""

import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.models import Role
from gocua.errors import DomainError, Forbidden
from gocua.households.digital import INDICATOR_NAMES
from gocua.outreach.models import ServiceItem
from gocua.outreach.services._common import clean_text

_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def _require_admin(actor) -> None:
    if getattr(actor, "role", None) != Role.NATIONAL_ADMIN or not actor.is_active:
        raise Forbidden("forbidden", _("Only national administrators can change the catalogue."))


def service_item_create(
    *, actor, code: str, name_vi: str, name_en: str = "", howto_vi: str = "", howto_en: str = "", indicators=()
) -> ServiceItem:
    """Add an item to the catalogue; `indicators` are the ones a "done" outcome sets to yes."""
    _require_admin(actor)
    code = (code or "").strip().lower()
    if not _CODE.match(code):
        raise DomainError(
            "code_invalid", _("The code uses lower-case letters, digits and _ (2–40 characters)."), field="code"
        )
    name_vi = clean_text(name_vi, limit=150, field="name_vi")
    name_en = clean_text(name_en, limit=150, field="name_en") or name_vi
    if not name_vi:
        raise DomainError("name_required", _("Enter the Vietnamese name."), field="name_vi")
    indicators = list(dict.fromkeys(indicators or []))
    if any(name not in INDICATOR_NAMES for name in indicators):
        raise DomainError("indicator_unknown", _("Choose indicators from the list."), field="indicators")
    last = ServiceItem.objects.order_by("-position").values_list("position", flat=True).first() or 0
    item = ServiceItem(
        code=code, name_vi=name_vi, name_en=name_en, howto_vi=(howto_vi or "").strip(),
        howto_en=(howto_en or "").strip(), indicators=indicators, position=last + 10,
    )
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise DomainError("code_taken", _("Another catalogue item has this code."), field="code") from None
    return item


def service_item_retire(*, actor, item: ServiceItem) -> ServiceItem:
    """Retire an item: new visits can no longer use it; past visits keep it."""
    _require_admin(actor)
    if item.is_active:
        item.is_active, item.retired_at = False, timezone.now()
        item.save(update_fields=["is_active", "retired_at"])
    return item


def service_item_restore(*, actor, item: ServiceItem) -> ServiceItem:
    """Bring a retired item back into use."""
    _require_admin(actor)
    if not item.is_active:
        item.is_active, item.retired_at = True, None
        item.save(update_fields=["is_active", "retired_at"])
    return item
