"""Small template helpers for the registry pages."""

from django import template

from gocua.lib.phone import mask

register = template.Library()


@register.filter
def phone_for(number: str, allowed: bool) -> str:
    """Return the phone in full for roles that call residents, else masked (091****678)."""
    if not number:
        return ""
    return number if allowed else mask(number)


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    """Return the current query string with `page` set to `number` (keeps ?q= and other filters)."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()
