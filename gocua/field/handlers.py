"""Apply one uploaded record through the existing services (each returns the record's result dict)."""

import datetime as dt
import uuid as uuid_lib
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from gocua.accounts.scope import in_scope, scoped
from gocua.api.schemas import indicator_values
from gocua.errors import CommonErrorCode, Conflict, DomainError, Forbidden, NotFound
from gocua.field import merge
from gocua.field import schemas as s
from gocua.field.errors import FieldErrorCode
from gocua.field.keys import household_create_numbered
from gocua.households import services as household_services
from gocua.households.models import Household, IndicatorChange, Resident
from gocua.learning import services as learning_services
from gocua.learning.errors import LearningErrorCode
from gocua.learning.models import Assessment, Framework
from gocua.outreach.models import CommunitySession
from gocua.outreach.services import sessions as session_services
from gocua.outreach.services import visits as visit_services
from gocua.places.models import Level, Unit
from gocua.teams.models import Member, Team


@dataclass
class Batch:
    """What every record of one upload shares: who sent it, when, and lookups by UUID."""

    user: object
    device: object | None
    received_at: dt.datetime
    member: Member | None = None
    households: dict = field(default_factory=dict)  # uuid → Household (read-only use)
    resident_ids: dict = field(default_factory=dict)  # uuid → (id, household id, Resident for scope)

    def prefetch(self, household_uuids, resident_uuids) -> None:
        """Load the households and residents the records name, two queries for the whole batch."""
        if household_uuids:
            for h in Household.objects.filter(uuid__in=list(household_uuids)):
                self.households[h.uuid] = h
        if resident_uuids:
            for r in Resident.objects.filter(uuid__in=list(resident_uuids)).only(
                "id", "uuid", "household_id", "province_code", "commune_code", "village_code"
            ):
                self.resident_ids[r.uuid] = r

    def household_ids(self) -> set[int]:
        """Return the ids of the households the prefetched records name (directly or through a resident)."""
        return {h.pk for h in self.households.values()} | {r.household_id for r in self.resident_ids.values()}


def _outside(what: str) -> Forbidden:
    return Forbidden(FieldErrorCode.OUT_OF_SCOPE, _("This %(what)s is outside your area.") % {"what": what})


def household_of(batch: Batch, uuid, *, field_name: str = "household") -> Household:
    household = batch.households.get(uuid)
    if household is None:
        household = Household.objects.filter(uuid=uuid).first()
        if household is None:
            raise NotFound(FieldErrorCode.HOUSEHOLD_UNKNOWN,
                           field=field_name)
        batch.households[uuid] = household
    if not in_scope(batch.user, household):
        raise _outside(_("household"))
    return household


def resident_row(batch: Batch, uuid, *, field_name: str = "resident") -> Resident:
    row = batch.resident_ids.get(uuid)
    if row is None:
        row = Resident.objects.filter(uuid=uuid).first()
        if row is None:
            raise NotFound(FieldErrorCode.RESIDENT_UNKNOWN,
                           field=field_name)
        batch.resident_ids[uuid] = row
    if not in_scope(batch.user, row):
        raise _outside(_("resident"))
    return row


def _uuid_free(model, uuid) -> None:
    # Created elsewhere (a web form, another client) with this UUID, so no receipt says what it held.
    if model.objects.filter(uuid=uuid).exists():
        raise Conflict(CommonErrorCode.UUID_TAKEN)


# --- creations ------------------------------------------------------------------------------------


def _village(batch: Batch, code: str | None) -> Unit:
    if code:
        unit = Unit.objects.filter(code=code, level=Level.VILLAGE, valid_to__isnull=True).first()
        if unit is None:
            raise NotFound(FieldErrorCode.VILLAGE_UNKNOWN, field="village")
        if not in_scope(batch.user, unit):
            raise _outside(_("village"))
        return unit
    team = batch.member.team if batch.member else None
    if team is None or not team.village_code:
        raise DomainError(FieldErrorCode.VILLAGE_REQUIRED, field="village")
    return team.unit


def household(batch: Batch, uuid, data: s.HouseholdData) -> dict:
    _uuid_free(Household, uuid)
    village = _village(batch, data.village)
    if data.household_key.strip():
        created = household_services.household_create(
            actor=batch.user, village=village, household_key=data.household_key, address_line=data.address_line
        )
    else:
        created = household_create_numbered(actor=batch.user, village=village, address_line=data.address_line)
    Household.objects.filter(pk=created.pk).update(uuid=uuid)
    created.uuid = uuid
    batch.households[uuid] = created
    return {"id": created.pk, "household_key": created.household_key, "temp_key": data.temp_key or None}


def resident(batch: Batch, uuid, data: s.ResidentData) -> dict:
    _uuid_free(Resident, uuid)
    home = Household.objects.get(pk=household_of(batch, data.household).pk)  # fresh: its head may change
    personal = data.model_dump(include={"full_name", "birth_year", "birth_date", "gender", "relation", "phone", "status"})
    created = household_services.resident_create(
        actor=batch.user, household=home, data=personal, indicators=indicator_values(data.indicators),
        source=IndicatorChange.Source.SYNC,
    )
    Resident.objects.filter(pk=created.pk).update(uuid=uuid)
    created.uuid = uuid
    batch.resident_ids[uuid] = created
    return {"id": created.pk}


def _own_member_ids(batch: Batch, given: list[int]) -> list[int]:
    if given:
        return given
    if batch.member is None:
        raise DomainError(CommonErrorCode.MEMBERS_REQUIRED, field="members")
    return [batch.member.pk]


def visit_input(batch: Batch, uuid, data: s.VisitData) -> visit_services.VisitInput:
    """Return the service's input for a visit record (raises DomainError for unknown or out-of-scope rows)."""
    home = household_of(batch, data.household)
    entries = [
        {
            "resident_id": resident_row(batch, r.resident).pk, "present": r.present, "note": r.note,
            "outcomes": [
                {"item_id": o.item, "outcome": o.outcome, "note": o.note, "follow_up_on": o.follow_up_on}
                for o in r.outcomes
            ],
        }
        for r in data.residents
    ]
    return visit_services.VisitInput(
        uuid=uuid, household=home, visited_on=data.visited_on, member_ids=_own_member_ids(batch, data.members),
        residents=entries, note=data.note, from_paper=data.from_paper,
        extras={"warned_alerts": data.warned_alerts} if data.warned_alerts else None,
    )


def visit(batch: Batch, uuid, data: s.VisitData) -> dict:
    request = visit_input(batch, uuid, data)
    recorded = visit_services.visit_record(
        actor=batch.user, uuid=request.uuid, household=request.household, visited_on=request.visited_on,
        member_ids=request.member_ids, residents=request.residents, note=request.note, from_paper=request.from_paper,
        extras=request.extras,
    )
    return {"status": "created" if recorded.created else "duplicate"}


def session(batch: Batch, uuid, data: s.SessionData) -> dict:
    if data.team is not None:
        team = scoped(batch.user, Team.objects.all()).filter(pk=data.team).first()
        if team is None:
            raise NotFound(FieldErrorCode.TEAM_UNKNOWN, field="team")
    elif batch.member is not None:
        team = batch.member.team
    else:
        raise DomainError(FieldErrorCode.TEAM_REQUIRED, field="team")
    existed = CommunitySession.objects.filter(uuid=uuid).exists()
    session_services.session_record(
        actor=batch.user, uuid=uuid, team=team, held_on=data.held_on, place=data.place, topic_ids=data.topics,
        member_ids=_own_member_ids(batch, data.members),
        attendee_ids=[resident_row(batch, a, field_name="attendees").pk for a in data.attendees],
        unregistered_count=data.unregistered_count, note=data.note,
    )
    return {"status": "duplicate" if existed else "created"}


# --- edits ------------------------------------------------------------------------------------------------


def _edit_context(batch: Batch, uuid, data: s.EditData) -> merge.EditContext:
    return merge.EditContext(
        user=batch.user, device=batch.device, received_at=batch.received_at, change_uuid=uuid_lib.UUID(str(uuid)),
        device_time=merge.clamp(data.device_time, batch.received_at),
    )


def _dump(model) -> dict | None:
    return model.model_dump(exclude_none=True) if model is not None else None


def household_edit(batch: Batch, uuid, data: s.HouseholdEditData) -> dict:
    target = merge.fresh("household", household_of(batch, data.household).pk)
    return merge.edit_apply(
        "household", target, _dump(data.changes), _dump(data.base), data.base_version, _edit_context(batch, uuid, data)
    )


def resident_edit(batch: Batch, uuid, data: s.ResidentEditData) -> dict:
    target = merge.fresh("resident", resident_row(batch, data.resident).pk)
    return merge.edit_apply(
        "resident", target, _dump(data.changes), _dump(data.base), data.base_version, _edit_context(batch, uuid, data)
    )


def indicators(batch: Batch, uuid, data: s.IndicatorsData) -> dict:
    target = merge.fresh("resident", resident_row(batch, data.resident).pk)
    return merge.edit_apply(
        "resident", target, _dump(data.values), _dump(data.base), data.base_version, _edit_context(batch, uuid, data)
    )


# --- help requests (issue 17): the queue's actions, made offline --------------------------------------


def _help_entry(batch: Batch, pk: int):
    from gocua.helprequests.selectors import entry

    found = entry(batch.user, pk)
    if found is None:
        raise NotFound(CommonErrorCode.NOT_FOUND, field="request")
    return found


def help_claim(batch: Batch, uuid, data: s.HelpActionData) -> dict:
    from gocua.helprequests.services import help_claim as claim

    claim(actor=batch.user, request=_help_entry(batch, data.request))
    return {"status": "created"}


def help_call(batch: Batch, uuid, data: s.HelpActionData) -> dict:
    from gocua.helprequests.services import help_call as call

    call(actor=batch.user, request=_help_entry(batch, data.request))
    return {"status": "created"}


def help_link(batch: Batch, uuid, data: s.HelpLinkData) -> dict:
    from gocua.helprequests.services import help_link as link

    link(actor=batch.user, request=_help_entry(batch, data.request), household=household_of(batch, data.household))
    return {"status": "created"}


def help_close(batch: Batch, uuid, data: s.HelpCloseData) -> dict:
    from gocua.helprequests.services import help_close as close

    close(actor=batch.user, request=_help_entry(batch, data.request), reason=data.reason, note=data.note)
    return {"status": "created"}
def assessment(batch: Batch, uuid, data: s.AssessmentData) -> dict:
    """Record a skills assessment made offline, against the framework version the phone had."""
    _uuid_free(Assessment, uuid)
    framework = Framework.objects.filter(version=data.framework).order_by("-loaded_at").first()
    if framework is None:
        raise NotFound(LearningErrorCode.FRAMEWORK_UNKNOWN, field="framework")
    resident = Resident.objects.get(pk=resident_row(batch, data.resident).pk)
    recorded = learning_services.assessment_record(
        actor=batch.user, resident=resident, answers=data.answers, assessed_on=data.assessed_on,
        framework=framework, member=batch.member, uuid=uuid,
    )
    return {"status": "created", "passed": recorded.passed}


HANDLERS = {
    "household": household,
    "resident": resident,
    "visit": visit,
    "session": session,
    "household_edit": household_edit,
    "resident_edit": resident_edit,
    "indicators": indicators,
    "help_claim": help_claim,
    "help_call": help_call,
    "help_link": help_link,
    "help_close": help_close,
    "assessment": assessment,
}


def referenced_uuids(kind: str, data) -> tuple[list, list]:
    """Return (household uuids, resident uuids) a parsed record names, for Batch.prefetch."""
    if kind == "visit":
        return [data.household], [r.resident for r in data.residents]
    if kind == "resident":
        return [data.household], []
    if kind == "session":
        return [], list(data.attendees)
    if kind == "household_edit":
        return [data.household], []
    if kind == "help_link":
        return [data.household], []
    if kind in ("resident_edit", "indicators", "assessment"):
        return [], [data.resident]
    return [], []
