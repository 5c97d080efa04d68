"""Cleaning amounts: whole đồng, half labour days, and the sane limits."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from gocua.community.errors import CommunityErrorCode
from gocua.community.models import MAX_LABOUR_DAYS, MAX_VND
from gocua.errors import DomainError

# "1500000", "1.500.000", "1,500,000" or "1 500 000": separators only between groups of three,
# so "1.5" is refused as a fraction instead of being read as fifteen đồng.
_GROUPED = re.compile(r"^\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*$")
_PLAIN = re.compile(r"^\d+$")


def clean_vnd(value, *, field: str, allow_zero: bool = True) -> int:
    """Return `value` (int, or text as typed in Vietnam) as whole đồng, or raise a DomainError."""
    if value is None or value == "":
        amount = 0
    elif isinstance(value, bool):
        raise DomainError(CommunityErrorCode.AMOUNT_INVALID, field=field)
    elif isinstance(value, int):
        amount = value
    elif isinstance(value, float | Decimal):
        if value != int(value):
            raise DomainError(CommunityErrorCode.AMOUNT_FRACTIONAL, field=field)
        amount = int(value)
    else:
        amount = _parse_vnd_text(str(value), field=field)
    if amount < 0:
        raise DomainError(CommunityErrorCode.AMOUNT_NEGATIVE, field=field)
    if amount > MAX_VND:
        raise DomainError(
            CommunityErrorCode.AMOUNT_TOO_LARGE,
            _("The amount is over the limit of %(limit)s đồng; check the number of zeros.")
            % {"limit": f"{MAX_VND:,}".replace(",", ".")},
            field=field,
        )
    if amount == 0 and not allow_zero:
        raise DomainError(CommunityErrorCode.AMOUNT_REQUIRED, field=field)
    return amount


def _parse_vnd_text(text: str, *, field: str) -> int:
    text = text.strip().removesuffix("đ").removesuffix("VND").removesuffix("vnd").strip()
    if text.startswith("-"):
        raise DomainError(CommunityErrorCode.AMOUNT_NEGATIVE, field=field)
    if _PLAIN.match(text) or _GROUPED.match(text):
        return int(re.sub(r"\D", "", text))
    if re.match(r"^\d+[.,]\d+$", text):
        raise DomainError(CommunityErrorCode.AMOUNT_FRACTIONAL, field=field)
    raise DomainError(CommunityErrorCode.AMOUNT_INVALID, field=field)


def clean_labour(value, *, field: str) -> Decimal:
    """Return labour days as a Decimal in half days (0, 0.5, 1, …), or raise a DomainError."""
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool):
        raise DomainError(CommunityErrorCode.LABOUR_INVALID, field=field)
    try:
        days = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise DomainError(
            CommunityErrorCode.LABOUR_INVALID, field=field
        ) from None
    if not days.is_finite():
        raise DomainError(CommunityErrorCode.LABOUR_INVALID, field=field)
    if days < 0:
        raise DomainError(CommunityErrorCode.LABOUR_NEGATIVE, field=field)
    if days > MAX_LABOUR_DAYS:
        raise DomainError(
            CommunityErrorCode.LABOUR_TOO_LARGE, _("At most %(n)s labour days in one entry.") % {"n": MAX_LABOUR_DAYS}, field=field
        )
    if (days * 2) % 1:
        raise DomainError(CommunityErrorCode.LABOUR_HALVES, field=field)
    return days.quantize(Decimal("0.1"))


def format_vnd(amount: int) -> str:
    """Return 1500000 as "1.500.000" (the Vietnamese grouping)."""
    sign = "-" if amount < 0 else ""
    return sign + f"{abs(int(amount)):,}".replace(",", ".")
