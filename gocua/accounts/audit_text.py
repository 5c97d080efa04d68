"""Audit events as people read them: one Vietnamese line each, and changes as "field: old → new".

The log keeps ids and masked values only (docs/DANGEROUS.md); the names in a line are looked
up when the page is drawn, a fixed number of queries per page, and shortened ("Trần Văn A.")
like everywhere personal data is shown to someone who needs no more.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from gocua.accounts.models import AuditEvent, Role, User
from gocua.households.digital import INDICATOR_LABELS, Tri
from gocua.households.models import Household, Resident
from gocua.lib import phone as phones
from gocua.lib.text import short_name
from gocua.places.models import Unit

Action = AuditEvent.Action

# What each action says (msgids, translated when drawn): %(actor)s did it to %(object)s; the unit is appended.
LINES = {
    Action.LOGIN: N_("%(actor)s logged in"),
    Action.LOGIN_FAILED: N_("A log-in as %(actor)s failed"),
    Action.LOGOUT: N_("%(actor)s logged out"),
    Action.CITIZEN_ID_SHOWN: N_("%(actor)s showed the citizen ID of %(object)s"),
    Action.EXPORT: N_("%(actor)s exported personal data (%(object)s)"),
    Action.ACCOUNT_CREATED: N_("%(actor)s created the account %(object)s"),
    Action.ACCOUNT_DEACTIVATED: N_("%(actor)s deactivated the account %(object)s"),
    Action.ACCOUNT_REACTIVATED: N_("%(actor)s reactivated the account %(object)s"),
    Action.PASSWORD_RESET: N_("%(actor)s reset the password of %(object)s"),
    Action.PASSWORD_CHANGED: N_("%(actor)s changed their password"),
    Action.ROLE_CHANGED: N_("%(actor)s changed the role or area of %(object)s"),
    Action.HOUSEHOLD_CREATED: N_("%(actor)s registered household %(object)s"),
    Action.HOUSEHOLD_CHANGED: N_("%(actor)s changed household %(object)s"),
    Action.HOUSEHOLD_MOVED: N_("%(actor)s moved household %(object)s"),
    Action.RESIDENT_CREATED: N_("%(actor)s registered resident %(object)s"),
    Action.RESIDENT_CHANGED: N_("%(actor)s changed resident %(object)s"),
    Action.RESIDENT_MOVED: N_("%(actor)s moved resident %(object)s to another household"),
    Action.RESIDENT_REMOVED: N_("%(actor)s removed resident %(object)s from the household"),
    Action.INDICATORS_CHANGED: N_("%(actor)s changed the indicators of %(object)s"),
    Action.VISIT_RECORDED: N_("%(actor)s recorded a visit to household %(object)s"),
    Action.VISIT_EDITED: N_("%(actor)s corrected a visit to household %(object)s"),
    Action.VISIT_DELETED: N_("%(actor)s deleted a visit to household %(object)s"),
    Action.ASSIGNMENT_SET: N_("%(actor)s assigned households (%(object)s)"),
    Action.ASSIGNMENT_REMOVED: N_("%(actor)s removed assignments (%(object)s)"),
    Action.SESSION_RECORDED: N_("%(actor)s recorded a community session (%(object)s)"),
    Action.SESSION_DELETED: N_("%(actor)s deleted a community session (%(object)s)"),
    Action.IMPORT_CONFIRMED: N_("%(actor)s imported a roster (%(object)s)"),
    Action.PRIORITY_SHOWN: N_("%(actor)s showed the priority groups of %(object)s"),
    Action.PRIORITY_CHANGED: N_("%(actor)s changed the priority groups of %(object)s"),
    Action.PRIORITY_SETTING: N_("%(actor)s decided which priority groups the commune collects"),
    "token_revoked": N_("%(actor)s revoked a device sign-in of %(object)s"),  # the action w14a adds
    "help_claimed": N_("%(actor)s took help request %(object)s"),  # gocua/helprequests
    "help_called": N_("%(actor)s called back about help request %(object)s"),
    "help_linked": N_("%(actor)s linked help request %(object)s to a household"),
    "help_closed": N_("%(actor)s closed help request %(object)s"),
    "help_spam_marked": N_("%(actor)s hid a phone's help requests as spam (%(object)s)"),
    "help_spam_unmarked": N_("%(actor)s showed a phone's help requests again (%(object)s)"),
    "alert_published": N_("%(actor)s published the scam alert %(object)s"),  # gocua/alerts
    "alert_changed": N_("%(actor)s changed the scam alert %(object)s"),
    "alert_withdrawn": N_("%(actor)s withdrew the scam alert %(object)s"),
    "push.subscribe": N_("%(actor)s turned on daily reminders on a phone"),  # gocua/field/push.py
    "push.unsubscribe": N_("%(actor)s turned off daily reminders on a phone"),
    "reorg.record": N_("%(actor)s recorded a change of the map (%(object)s)"),  # gocua/places/reorg.py
    "reorg.cancel": N_("%(actor)s cancelled a scheduled change of the map (%(object)s)"),
    "reorg.apply": N_("The change of the map %(object)s was applied"),
    # Learning (issue 18).
    "framework_loaded": N_("%(actor)s loaded a digital-skills framework version (%(object)s)"),
    "skills_assessed": N_("%(actor)s recorded a digital-skills assessment (%(object)s)"),
    "course_recorded": N_("%(actor)s recorded a course (%(object)s)"),
    "courses_imported": N_("%(actor)s imported a course platform export (%(object)s)"),
    "target_set": N_("%(actor)s set a target (%(object)s)"),
    "target_withdrawn": N_("%(actor)s withdrew a target (%(object)s)"),
    "report_submitted": N_("%(actor)s submitted a report (%(object)s)"),
    "report_returned": N_("%(actor)s returned a report for correction (%(object)s)"),
    "report_accepted": N_("%(actor)s accepted a report (%(object)s)"),
    "report_exported": N_("%(actor)s downloaded a report (%(object)s)"),
    "dashboard_exported": N_("%(actor)s downloaded a dashboard workbook (%(object)s)"),  # gocua/reports
}

FIELD_LABELS = {
    "full_name": N_("Full name"), "phone": N_("Phone"), "birth_year": N_("Year of birth"),
    "birth_date": N_("Date of birth"), "gender": N_("Gender"), "relation": N_("Relation to head"),
    "status": N_("Status"), "household_key": N_("Household key"), "address_line": N_("Address"),
    "citizen_id": N_("Citizen ID"), "head": N_("Head of household"), "role": N_("Role"), "scope": N_("Area"),
}
CHOICES = {
    "gender": dict(Resident.Gender.choices), "relation": dict(Resident.Relation.choices),
    "status": dict(Resident.Status.choices),
}


@dataclass
class AuditRow:
    event: AuditEvent
    line: str
    unit_name: str = ""
    changes: list[str] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.event.pk


def _masked(name: str, value) -> str:
    """Return a value as the page may show it; values kept unmasked by mistake are masked here too."""
    text = "" if value is None else str(value)
    if not text:
        return "—"
    if name == "phone" and "*" not in text:
        return phones.mask(text)
    if name == "citizen_id" and "*" not in text:
        return f"{text[:3]}{'*' * max(len(text) - 6, 0)}{text[-3:]}"
    if name in ("full_name", "head"):
        return short_name(text) if not text.endswith(".") else text
    if name in CHOICES:
        return str(CHOICES[name].get(text, text))
    if name == "role":
        return str(dict(Role.choices).get(text, text))
    if name in INDICATOR_LABELS:
        try:
            return str(Tri(int(text)).label)
        except ValueError:
            return text
    return text


def change_lines(detail: dict) -> list[str]:
    """Return "field: old → new" for each change an event keeps."""
    if not isinstance(detail, dict):
        return []
    changes = detail.get("changes")
    before, after = detail.get("before"), detail.get("after")
    if changes is None and isinstance(before, dict) and isinstance(after, dict):  # a role change
        changes = {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
    if not isinstance(changes, dict):
        return []
    lines = []
    for name, pair in changes.items():
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        label = _(FIELD_LABELS[name]) if name in FIELD_LABELS else str(INDICATOR_LABELS.get(name, name))
        lines.append(f"{label}: {_masked(name, old)} → {_masked(name, new)}")
    return lines


def _household_label(household: Household | None) -> str:
    if household is None:
        return "?"
    head = household.head
    return f"{short_name(head.full_name)} ({household.household_key})" if head else household.household_key


def _objects(events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """Return {(object type, id): readable name} for the events' objects (one query per type)."""
    ids: dict[str, set[int]] = {}
    for event in events:
        if event.object_id.isdigit():
            ids.setdefault(event.object_type, set()).add(int(event.object_id))
        household = event.detail.get("household") if isinstance(event.detail, dict) else None
        if isinstance(household, int):
            ids.setdefault("households.household", set()).add(household)
    names: dict[tuple[str, str], str] = {}
    households = Household.objects.select_related("head").in_bulk(ids.get("households.household", ()))
    for pk, household in households.items():
        names[("households.household", str(pk))] = _household_label(household)
    for pk, resident in Resident.objects.in_bulk(ids.get("households.resident", ())).items():
        names[("households.resident", str(pk))] = short_name(resident.full_name)
    for pk, user in User.objects.in_bulk(ids.get("accounts.user", ())).items():
        names[("accounts.user", str(pk))] = user.username
    for pk, unit in Unit.objects.in_bulk(ids.get("places.unit", ())).items():
        names[("places.unit", str(pk))] = unit.name
    from gocua.teams.models import Team

    for pk, team in Team.objects.in_bulk(ids.get("teams.team", ())).items():
        names[("teams.team", str(pk))] = team.name
    return names


def _object_name(event: AuditEvent, names) -> str:
    detail = event.detail if isinstance(event.detail, dict) else {}
    if event.object_type == "outreach.visit" or (
        event.action in (Action.ASSIGNMENT_SET,) and event.object_type == "households.household"
    ):
        household = detail.get("household", event.object_id if event.object_type == "households.household" else None)
        return names.get(("households.household", str(household)), "?")
    if event.action in (Action.ASSIGNMENT_SET, Action.ASSIGNMENT_REMOVED):
        return _("%(count)s households") % {"count": detail.get("households", 0)}
    if event.action == Action.IMPORT_CONFIRMED:
        return _("%(count)s households") % {"count": detail.get("rows", 0)}
    if event.action == Action.EXPORT:
        return _("%(count)s rows") % {"count": detail.get("rows", 0)}
    if event.object_type == "outreach.communitysession":
        held_on = detail.get("held_on", "")
        return "/".join(reversed(held_on.split("-"))) if held_on else event.object_id
    if isinstance(detail.get("label"), str):  # events that name their object themselves (targets, reports)
        return detail["label"]
    return names.get((event.object_type, event.object_id), event.object_id or "")


def _actor_name(event: AuditEvent) -> str:
    actor = event.actor if event.actor_id else None
    if actor is not None:
        member = getattr(actor, "member", None)  # a team member's account is named after the member
        name = actor.full_name or (member.full_name if member is not None else "")
        if name:
            return short_name(name)
    return event.actor_username or _("Someone")


def audit_rows(events) -> list[AuditRow]:
    """Turn a page of events (actor selected) into readable rows, in a fixed number of queries."""
    events = list(events)
    names = _objects(events)
    units = {
        u.code: u.name
        for u in Unit.objects.filter(code__in={e.unit_code for e in events if e.unit_code}, valid_to__isnull=True)
    }
    rows = []
    for event in events:
        template = LINES.get(event.action)
        values = {"actor": _actor_name(event), "object": _object_name(event, names)}
        line = _(template) % values if template else f"{values['actor']}: {event.get_action_display()}"
        unit_name = units.get(event.unit_code, event.unit_code)
        if unit_name:
            line = f"{line} ({unit_name})"
        rows.append(AuditRow(event=event, line=line, unit_name=unit_name, changes=change_lines(event.detail)))
    return rows
