"""Clean what recording or correcting a visit receives: date, members, residents checked and outcomes."""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.errors import DomainError, Forbidden
from gocua.households.indicators import INDICATOR_NAMES
from gocua.households.models import Household, Resident
from gocua.outreach import rules
from gocua.outreach.models import Outcome
from gocua.outreach.services._common import (
    active_items,
    clean_ids,
    clean_past_date,
    clean_team_members,
    clean_text,
)
from gocua.teams.models import Member

MAX_MEMBERS = 2
OUTCOMES = frozenset(Outcome.values)  # Choices.values builds a new list on every call
# What recording a visit reads of a resident: household, scope codes, indicators.
RESIDENT_FIELDS = ("id", "household_id", "province_code", "commune_code", "village_code", *INDICATOR_NAMES)


def clean_visit_date(household: Household, visited_on, loaded=None) -> dt.date:
    """Return the visit date: not in the future, not before the household was registered.

    `loaded` (a batch's _Lookups) keeps today and each household's registration date, whose
    time-zone conversions are most of this check's cost.
    """
    if loaded is None:
        visited_on = clean_past_date(visited_on, field="visited_on")
        registered_on = timezone.localdate(household.created_at)
    else:
        visited_on = clean_past_date(visited_on, field="visited_on", today=loaded.today)
        registered_on = loaded.registered_on(household)
    if visited_on < registered_on:
        raise DomainError(
            "date_before_household",
            _("The household was registered on %(date)s; the visit cannot be earlier.")
            % {"date": registered_on.strftime("%d/%m/%Y")},
            field="visited_on",
        )
    return visited_on


def clean_members(actor, household: Household, member_ids, visited_on: dt.date, loaded=None) -> list[Member]:
    """Return the visit's members; `loaded` ({id: Member with team}) saves the query in a batch."""
    ids = clean_ids(member_ids, field="members")
    if not 1 <= len(ids) <= MAX_MEMBERS:
        raise DomainError("members_count", _("Choose one or two members who made the visit."), field="members")
    if loaded is None:
        members = list(Member.objects.select_related("team").filter(pk__in=ids))
    else:
        members = [loaded[i] for i in ids if i in loaded]
    if len(members) != len(ids):
        raise DomainError("member_unknown", _("Choose members of the team."), field="members")
    team = members[0].team
    if any(m.team_id != team.pk for m in members):
        raise DomainError("members_one_team", _("The members of a visit must belong to one team."), field="members")
    if not rules.team_covers(team, household):
        raise DomainError("team_area", _("This household is outside the team's area."), field="members")
    me = rules.actor_member(actor)
    if (me is None and not rules.is_officer(actor)) or (me is not None and me.team_id != team.pk):
        raise Forbidden("other_team", _("You can record visits of your own team only."))
    return clean_team_members(members, ids, on=visited_on, field="members")


def _clean_outcome(raw: dict[str, Any], items, visited_on: dt.date) -> dict[str, Any]:
    outcome = raw.get("outcome")
    if outcome not in OUTCOMES:
        raise DomainError("outcome_invalid", _("Choose an outcome for each service guided."), field="outcomes")
    follow_up_on = raw.get("follow_up_on") or None
    if follow_up_on is not None:
        if isinstance(follow_up_on, dt.datetime) or not isinstance(follow_up_on, dt.date):
            raise DomainError("date_required", _("Enter a date."), field="follow_up_on")
        if follow_up_on < visited_on:
            raise DomainError(
                "follow_up_before_visit", _("The follow-up date cannot be before the visit."), field="follow_up_on"
            )
    return {
        "item": items[int(raw["item_id"])],
        "outcome": outcome,
        "note": clean_text(raw.get("note"), limit=500, field="note"),
        "follow_up_on": follow_up_on,
    }


def clean_content(household: Household, residents, visited_on: dt.date, *, known=(), allowed_retired=(), loaded=None):
    """Return the cleaned residents and outcomes; `known` residents may have moved out since.

    `loaded` (a _Lookups) holds the residents and catalogue items of a whole batch of visits.
    """
    if not residents:
        raise DomainError("no_residents", _("Tick at least one resident who was checked."), field="residents")
    ids = clean_ids([r.get("resident_id") for r in residents], field="residents")
    if len(ids) != len(residents):
        raise DomainError("resident_twice", _("A resident appears twice."), field="residents")
    candidates = (
        Resident.objects.filter(pk__in=ids) if loaded is None else [loaded.residents[i] for i in ids if i in loaded.residents]
    )
    known = set(known)
    found = {r.pk: r for r in candidates if r.household_id == household.pk or r.pk in known}
    if len(found) != len(ids):
        raise DomainError("resident_not_in_household", _("This person is not in this household."), field="residents")
    item_ids = clean_ids([o.get("item_id") for r in residents for o in r.get("outcomes") or []], field="outcomes")
    items = active_items(
        item_ids, allowed_retired=set(allowed_retired), field="outcomes", loaded=None if loaded is None else loaded.items
    )
    cleaned = []
    for raw, resident_id in zip(residents, ids, strict=True):
        outcomes = [_clean_outcome(o, items, visited_on) for o in raw.get("outcomes") or []]
        if len({o["item"].pk for o in outcomes}) != len(outcomes):
            raise DomainError("service_twice", _("A service appears twice for one resident."), field="outcomes")
        cleaned.append({
            "resident": found[resident_id],
            "present": bool(raw.get("present", True)),
            "note": clean_text(raw.get("note"), limit=500, field="note"),
            "outcomes": outcomes,
        })
    return cleaned
