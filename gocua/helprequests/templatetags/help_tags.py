"""`{% help_overdue %}`: the help requests nobody acted on, where leaders and officers look for what is late.

A template tag rather than a call from the outreach views: outreach and helprequests are sibling
apps of one layer (pyproject.toml) and do not import each other; the page only loads this tag.
"""

from django import template

from gocua.helprequests import selectors

register = template.Library()


@register.inclusion_tag("helprequests/_overdue.html", takes_context=True)
def help_overdue(context, by_village: bool = False):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "scope_unit", None) is None:
        return {"rows": [], "total": 0}
    rows = selectors.overdue_by_village(user)
    return {"rows": rows if by_village else [], "total": sum(row["n"] for row in rows),
            "hours": selectors.overdue_since}
