"""GET /api/v1/sync: what a device should hold, and what changed since its last download.

A device holds its *scope*: the households it works on (assigned to its member; a team that
assigns nothing, a leader or a deputy: the team's whole area; plus households the user
registered), each with its residents, and the team and the catalogue. The first download
sends everything (`full`); later ones compare each household's fingerprint with the one the
previous download stored (`SyncCursor.snapshot`) and send only what differs, and name the
households that left the scope (reassigned) so the device drops them. Citizen ID numbers are
never sent: only whether one is on file.
"""

import datetime as dt
import hashlib
import json
import uuid as uuid_lib
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.models import Role
from gocua.accounts.permissions import can_see_phone
from gocua.accounts.scope import scoped
from gocua.alerts.sync import download_payload as alerts_payload
from gocua.api.schemas import TRI_NAMES
from gocua.errors import DomainError
from gocua.field import merge
from gocua.field.models import SyncCursor
from gocua.helprequests import selectors as help_selectors
from gocua.households.digital import INDICATOR_NAMES
from gocua.households.models import Assignment, Household, Resident
from gocua.learning import selectors as learning_selectors
from gocua.lib import phone as phones
from gocua.outreach import need, rules
from gocua.outreach.models import ServiceItem, Visit, VisitResident
from gocua.places.models import Level, Unit
from gocua.teams.models import Member

PAGE_SIZE = 200  # households per page (each with its residents)
KEEP_CURSORS = 3  # per device: a device that lost the last page can still resume from an older token
CHUNK = 5000  # ids per IN (...) list


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def device_member(user) -> Member | None:
    member = rules.actor_member(user)
    if member is not None:
        member = Member.objects.select_related("team", "team__unit").get(pk=member.pk)
    return member


def device_households(user, member: Member | None):
    """Return the households the device of `user` holds (see the module docstring)."""
    if member is None:
        return Household.objects.none()
    area = scoped(user, Household.objects.filter(rules.team_area_q(member.team)))
    if user.role == Role.TEAM_LEADER or member.role in (Member.Role.LEADER, Member.Role.DEPUTY):
        return area
    if not Assignment.objects.filter(member__team=member.team).exists():
        return area
    mine = Assignment.objects.filter(member=member).values("household_id")
    return area.filter(Q(pk__in=mine) | Q(created_by=user))


# --- payloads ----------------------------------------------------------------------------------------


def _resident_out(resident: Resident, version: int, show_phone: bool) -> dict:
    return {
        "uuid": str(resident.uuid), "id": resident.pk, "full_name": resident.full_name,
        "birth_year": resident.birth_year, "gender": resident.gender, "relation": resident.relation,
        "status": resident.status, "phone": resident.phone if show_phone else phones.mask(resident.phone),
        "has_citizen_id": bool(resident.citizen_id_hash),
        "indicators": {name: TRI_NAMES[getattr(resident, name)] for name in INDICATOR_NAMES},
        "version": version,
    }


HISTORY_DAYS = 365  # older visits are not sent: the history on the phone is the last year's
HISTORY_VISITS = 5  # per household: enough to see what was done and what is due, small on a cheap phone


def _histories(household_ids: list[int]) -> dict[int, list[dict]]:
    """Return {household id: its latest live visits, newest first} for the app's offline history (3 queries)."""
    recent = (
        Visit.objects.live().filter(household_id__in=household_ids, visited_on__gte=timezone.localdate()
                                    - dt.timedelta(days=HISTORY_DAYS))
        .order_by("household_id", "-visited_on", "-id").prefetch_related("members")
    )
    kept, counts = [], defaultdict(int)
    for visit in recent:
        if counts[visit.household_id] < HISTORY_VISITS:
            counts[visit.household_id] += 1
            kept.append(visit)
    rows = defaultdict(list)
    for vr in VisitResident.objects.filter(visit__in=kept).select_related("resident").prefetch_related("outcomes"):
        rows[vr.visit_id].append({
            "resident": str(vr.resident.uuid), "present": vr.present,
            "outcomes": [{"item": o.item_id, "outcome": o.outcome, "follow_up_on": o.follow_up_on}
                         for o in vr.outcomes.all()],
        })
    out = defaultdict(list)
    for visit in kept:
        out[visit.household_id].append({
            "uuid": str(visit.uuid), "visited_on": visit.visited_on, "follow_up_on": visit.follow_up_on,
            "members": [m.full_name for m in visit.members.all()], "residents": rows.get(visit.pk, []),
        })
    return out


def payloads(user, member: Member | None, household_ids: list[int]) -> dict[int, dict]:
    """Return {household id: what the device gets for it}, in a fixed number of queries per chunk."""
    out: dict[int, dict] = {}
    show_phone = can_see_phone(user)
    today = timezone.localdate()
    for ids in _chunks(household_ids):
        households = list(Household.objects.filter(pk__in=ids).select_related("village"))
        residents = defaultdict(list)
        for r in Resident.objects.filter(household_id__in=ids).defer("citizen_id_encrypted").order_by("id"):
            residents[r.household_id].append(r)
        latest = {}
        visits = Visit.objects.live().filter(household_id__in=ids).order_by("household_id", "-visited_on", "-id")
        for household_id, visited_on, follow_up_on in visits.values_list("household_id", "visited_on", "follow_up_on"):
            latest.setdefault(household_id, (visited_on, follow_up_on))
        history = _histories(ids)
        assigned = set()
        if member is not None:
            assigned = set(
                Assignment.objects.filter(member=member, household_id__in=ids).values_list("household_id", flat=True)
            )
        h_versions = merge.versions("household", [h.uuid for h in households])
        r_versions = merge.versions("resident", [r.uuid for rs in residents.values() for r in rs])
        for h in households:
            people = residents.get(h.pk, [])
            head = next((r for r in people if r.pk == h.head_id), None)
            last_visit_on, follow_up_on = latest.get(h.pk, (None, None))
            out[h.pk] = {
                "uuid": str(h.uuid), "id": h.pk, "household_key": h.household_key, "address_line": h.address_line,
                "village_code": h.village_code, "village_name": h.village.name,
                "head_uuid": str(head.uuid) if head else None,
                "last_visit_on": last_visit_on, "follow_up_on": follow_up_on, "assigned": h.pk in assigned,
                # Part of the fingerprint: a household crossing the window's end is sent again.
                "left_behind": need.household_is_left_behind(
                    people, [last_visit_on] if last_visit_on else [], today
                ),
                "version": h_versions.get(h.uuid, 0),
                "residents": [_resident_out(r, r_versions.get(r.uuid, 0), show_phone) for r in people],
                "visits": history.get(h.pk, []),
            }
    return out


def fingerprint(payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


def _team_out(member: Member | None) -> dict | None:
    if member is None:
        return None
    team = member.team
    if team.village_code:
        villages = [team.unit]
    else:
        villages = Unit.objects.filter(parent=team.unit, level=Level.VILLAGE, valid_to__isnull=True).order_by("code")
    members = team.members.filter(left_on__isnull=True).order_by("role", "full_name", "id")
    return {
        "id": team.pk, "name": team.name, "unit_code": team.unit.code,
        "members": [{"id": m.pk, "full_name": m.full_name, "role": m.role} for m in members],
        "villages": [{"code": v.code, "name": v.name} for v in villages],
    }


def replaced_villages(member: Member | None, limit: int = 200) -> list[dict]:
    """Return the villages of the team's area replaced on the map (merged, moved, split), newest first.

    A phone that still shows an old village learns its successor on the same sync and can
    relabel what it holds; its households already come with their new village code and name.
    """
    from gocua.places.models import UnitSuccession

    if member is None:
        return []
    team = member.team
    area = {"successor__village_code": team.village_code} if team.village_code else {
        "successor__commune_code": team.commune_code}
    rows = (UnitSuccession.objects.filter(successor__level=Level.VILLAGE, **area)
            .select_related("predecessor", "successor").order_by("-on", "pk")[:limit])
    return [{"code": r.predecessor.code, "name": r.predecessor.name, "successor_code": r.successor.code,
             "successor_name": r.successor.name, "change": r.change, "on": r.on.isoformat()} for r in rows]


def _first_page_extras(user, member: Member | None) -> dict:
    items = ServiceItem.objects.filter(is_active=True)
    return {
        "replaced_villages": replaced_villages(member),
        "me": {
            "username": user.username, "full_name": user.full_name, "role": user.role,
            "member_id": member.pk if member else None,
        },
        "team": _team_out(member),
        "help_requests": help_selectors.field_entries(user, member),
        "catalogue": [
            {"id": i.pk, "code": i.code, "name_vi": i.name_vi, "name_en": i.name_en, "indicators": i.indicators}
            for i in items
        ],
        "alerts": alerts_payload(member.team.unit if member else user.scope_unit, device_households(user, member)),
        "skills_framework": learning_selectors.framework_payload(learning_selectors.current_framework_or_none()),
    }


# --- cursors and pages ------------------------------------------------------------------------------------


def _bad(code: str, field: str):
    return DomainError(code, _("This sync token is not valid; download again without it."), field=field)


def _parse_uuid(value: str, code: str, field: str) -> uuid_lib.UUID:
    try:
        return uuid_lib.UUID(value)
    except ValueError:
        raise _bad(code, field) from None


def _page(cursor: SyncCursor, offset: int, built: dict[int, dict] | None, user, member) -> dict:
    ids = cursor.to_send[offset : offset + PAGE_SIZE]
    if built is None:
        built = payloads(user, member, ids)
    last = offset + PAGE_SIZE >= len(cursor.to_send)
    page = {
        "server_time": timezone.now(), "full": cursor.full,
        "households": [built[i] for i in ids if i in built],
        "removed": cursor.removed if offset == 0 else [],
        "next": None if last else f"{cursor.pk}.{offset + PAGE_SIZE}",
        "since": str(cursor.pk) if last else None,
    }
    if offset == 0:
        page.update(_first_page_extras(user, member))
    return page


def sync_download(*, user, device, since: str | None = None, cursor: str | None = None) -> dict:
    """Return one page of the download (a new one from `since`, or the next page of `cursor`)."""
    member = device_member(user)
    if cursor:
        cursor_id, _dot, offset = cursor.partition(".")
        current = SyncCursor.objects.filter(pk=_parse_uuid(cursor_id, "cursor_invalid", "cursor"), user=user).first()
        if current is None or not offset.isdigit() or int(offset) % PAGE_SIZE:
            raise _bad("cursor_invalid", "cursor")
        return _page(current, int(offset), None, user, member)
    previous = None
    if since:
        previous = SyncCursor.objects.filter(pk=_parse_uuid(since, "since_invalid", "since"), user=user).first()
    ids = list(device_households(user, member).order_by("village_code", "household_key", "pk").values_list("pk", flat=True))
    built = payloads(user, member, ids)
    snapshot = {str(pk): fingerprint(built[pk]) for pk in ids if pk in built}
    if previous is None:
        to_send, removed = [pk for pk in ids if pk in built], []
    else:
        to_send = [pk for pk in ids if pk in built and previous.snapshot.get(str(pk)) != snapshot[str(pk)]]
        gone = [int(pk) for pk in previous.snapshot if pk not in snapshot]
        removed = [str(u) for u in Household.objects.filter(pk__in=gone).values_list("uuid", flat=True)]
    current = SyncCursor.objects.create(
        user=user, device=device, full=previous is None, snapshot=snapshot, to_send=to_send, removed=removed
    )
    stale = SyncCursor.objects.filter(user=user, device=device).order_by("-created_at").values_list("pk", flat=True)
    SyncCursor.objects.filter(pk__in=list(stale[KEEP_CURSORS:])).delete()
    return _page(current, 0, built, user, member)
