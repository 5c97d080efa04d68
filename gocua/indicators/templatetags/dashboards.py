"""Small formatting filters for the dashboard and report templates."""

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def pct(value) -> str:
    """Format a percentage with one decimal in the current locale ("45,2%"); "—" when unknown."""
    if value is None:
        return "—"
    return f"{floatformat(value, 1)}%"


@register.filter
def blank(value) -> str:
    """Show "—" for None (a figure that does not exist), the value otherwise."""
    return "—" if value is None else value
