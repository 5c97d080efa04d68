"""Template helpers for the outreach forms, whose field names carry ids (r<resident>_i<item>)."""

from django import template

register = template.Library()


@register.simple_tag
def posted(data, *parts):
    """Return the submitted value of the field whose name is the concatenation of `parts`."""
    if not data:
        return ""
    value = data.get("".join(str(p) for p in parts), "")
    return value if value is not None else ""


@register.filter
def contains(collection, value) -> bool:
    return value in (collection or ())
