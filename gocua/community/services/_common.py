"""Input cleaning shared by the community services."""

import datetime as dt
import re
import unicodedata

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.community.errors import CommunityErrorCode
from gocua.errors import CommonErrorCode, DomainError
from gocua.lib.text import clean_name

EARLIEST = dt.date(2000, 1, 1)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_line(value, *, limit: int, field: str, required: bool = False, message=None) -> str:
    """Return one line of text (NFC, single spaces, no control characters) within `limit`."""
    text = clean_name(_CONTROL.sub("", str(value))) if value else ""
    if required and not text:
        raise DomainError(f"{field}_required", message or _("This field is required."), field=field)
    if len(text) > limit:
        raise DomainError(
            CommonErrorCode.TEXT_TOO_LONG, _("This text is too long (at most %(n)s characters).") % {"n": limit}, field=field
        )
    return text


def clean_paragraphs(value, *, limit: int, field: str) -> str:
    """Return multi-line text (NFC, unified line ends, no control characters) within `limit`."""
    text = unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text).strip()
    if len(text) > limit:
        raise DomainError(
            CommonErrorCode.TEXT_TOO_LONG, _("This text is too long (at most %(n)s characters).") % {"n": limit}, field=field
        )
    return text


def clean_date(value, *, field: str, required: bool = True, past: bool = False) -> dt.date | None:
    """Return a date (not before 2000; not after today when `past`), or None when optional and empty."""
    if value in (None, ""):
        if required:
            raise DomainError(CommonErrorCode.DATE_REQUIRED, field=field)
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise DomainError(CommunityErrorCode.DATE_INVALID, field=field)
    if value < EARLIEST:
        raise DomainError(CommunityErrorCode.DATE_TOO_EARLY, field=field)
    if past and value > timezone.localdate():
        raise DomainError(CommonErrorCode.DATE_IN_FUTURE, field=field)
    return value
