"""Input cleaning shared by the outreach services."""

import datetime as dt
import uuid as uuid_lib

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.errors import DomainError
from gocua.lib.text import clean_name
from gocua.outreach.models import ServiceItem
from gocua.teams.models import Member


def clean_uuid(value) -> uuid_lib.UUID:
    try:
        return value if isinstance(value, uuid_lib.UUID) else uuid_lib.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise DomainError("uuid_invalid", _("The form identifier is missing or invalid; reload the page."),
                          field="uuid") from None


def clean_past_date(value, *, field: str, today: dt.date | None = None) -> dt.date:
    """Return `value` if it is a date not after today (local time); raise a DomainError otherwise."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise DomainError("date_required", _("Enter a date."), field=field)
    if value > (today or timezone.localdate()):
        raise DomainError("date_in_future", _("The date cannot be in the future."), field=field)
    return value


def clean_text(value, *, limit: int, field: str) -> str:
    text = clean_name(value) if value else ""
    if len(text) > limit:
        raise DomainError("text_too_long", _("This text is too long (at most %(n)s characters).") % {"n": limit},
                          field=field)
    return text


def clean_ids(values, *, field: str) -> list[int]:
    """Return the distinct integer ids in `values`, keeping their order."""
    try:
        return list(dict.fromkeys(int(v) for v in (values or [])))
    except (TypeError, ValueError):
        raise DomainError("id_invalid", _("Some choices are invalid; reload the page."), field=field) from None


def clean_team_members(team_members: list[Member], ids: list[int], *, on: dt.date, field: str) -> list[Member]:
    """Return the members with `ids` among `team_members` who were in the team on date `on`."""
    by_id = {m.pk: m for m in team_members}
    chosen = [by_id.get(i) for i in ids]
    if any(m is None for m in chosen):
        raise DomainError("member_unknown", _("Choose members of the team."), field=field)
    for member in chosen:
        if member.joined_on > on or (member.left_on is not None and member.left_on < on):
            raise DomainError(
                "member_not_in_team_then",
                _("%(name)s was not in the team on that date.") % {"name": member.full_name},
                field=field,
            )
    return chosen


def active_items(
    ids: list[int], *, allowed_retired=frozenset(), field: str, loaded: dict | None = None
) -> dict[int, ServiceItem]:
    """Return the catalogue items with `ids`; retired ones are refused unless in `allowed_retired`.

    `loaded` ({id: ServiceItem}, read once for a batch) saves the query.
    """
    items = {i.pk: i for i in ServiceItem.objects.filter(pk__in=ids)} if loaded is None else loaded
    for item_id in ids:
        item = items.get(item_id)
        if item is None:
            raise DomainError("service_item_unknown", _("Choose services from the catalogue."), field=field)
        if not item.is_active and item_id not in allowed_retired:
            raise DomainError(
                "service_item_retired",
                _("“%(name)s” has been retired from the catalogue; it cannot be used on a new record.")
                % {"name": item.name},
                field=field,
            )
    return items
