"""Template filters for amounts: đồng grouped the local way, labour in (half) days."""

from decimal import Decimal

from django import template
from django.utils.formats import get_format

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """Return 1500000 as "1.500.000 ₫" (Vietnamese) or "1,500,000 ₫" (English), whatever the locale's grouping."""
    if amount in (None, ""):
        return ""
    # Django's "vi" format sets no NUMBER_GROUPING, so group by three here with the locale's separator.
    return f"{int(amount):,}".replace(",", get_format("THOUSAND_SEPARATOR")) + " ₫"


@register.filter
def days(value) -> str:
    """Return labour days without a useless ".0": 2 → "2", 1.5 → "1,5" (Vietnamese)."""
    if value in (None, ""):
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value:.1f}".replace(".", get_format("DECIMAL_SEPARATOR"))
