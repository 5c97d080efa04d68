"""Shapes of the device endpoints: log-in tokens, the upload batch and its records, the download."""

import functools
import operator
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import BaseModel, TypeAdapter

from gocua.api.schemas import Code, Id, IndicatorsIn, StrictIn, text
from gocua.households.models import Resident
from gocua.outreach.schemas import OutcomeName

MAX_RECORDS = 500
MAX_BATCH_BYTES = 5 * 1024 * 1024

Gender = Literal[tuple(Resident.Gender.values)]
Relation = Literal[tuple(Resident.Relation.values)]
Status = Literal[tuple(Resident.Status.values)]

# --- tokens --------------------------------------------------------------------------------------


class TokenIn(StrictIn):
    username: text(150)
    password: Annotated[str, Field(max_length=200)]
    device_name: text(80) = Field(description="Shown in the device list, e.g. “Điện thoại của Hà”.")
    new_password: Annotated[str, Field(max_length=200)] = Field(
        "", description="Only when the answer was password_change_required: the new password to set first."
    )
    otp: Annotated[str, Field(max_length=16)] = Field(
        "", description="For accounts with two-factor sign-in (answer otp_required): the current code or a recovery code."
    )


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters of the token, to tell devices apart.")
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class UserBriefOut(Schema):
    username: str
    full_name: str
    role: str


class TokenIssuedOut(Schema):
    token: str = Field(description="Send as `Authorization: Bearer <token>`; shown only this once.")
    device: TokenOut
    user: UserBriefOut


# --- upload: the data of each record type ---------------------------------------------------------


class HouseholdData(StrictIn):
    village: Code | None = Field(None, description="Village code; default: the team's village.")
    temp_key: text(32) = Field("", description="The key the device showed until the server assigned one.")
    household_key: text(32) = Field("", description="The official key when known; else the next free number.")
    address_line: text(200) = ""


class ResidentData(StrictIn):
    household: UUID = Field(description="UUID of the household (downloaded, or created earlier in a batch).")
    full_name: text(120)
    birth_year: int = Field(ge=0, le=9999)
    birth_date: date | None = None
    gender: Gender
    relation: Relation
    status: Status = Resident.Status.LIVING.value
    phone: text(32) = ""
    indicators: IndicatorsIn | None = None


class OutcomeData(StrictIn):
    item: Id = Field(description="Catalogue item id (from the download).")
    outcome: OutcomeName
    note: text(500) = ""
    follow_up_on: date | None = None


class VisitResidentData(StrictIn):
    resident: UUID
    present: bool = True
    note: text(500) = ""
    outcomes: list[OutcomeData] = Field(default_factory=list, max_length=50)


class VisitData(StrictIn):
    household: UUID
    visited_on: date
    members: list[Id] = Field(default_factory=list, max_length=2, description="Default: the uploader's member.")
    residents: list[VisitResidentData] = Field(min_length=1, max_length=50)
    note: text(2000) = ""
    from_paper: bool = False
    warned_alerts: list[Id] = Field(default_factory=list, max_length=20,
                                    description="Alerts the household was warned about on this visit (đã cảnh báo).")


class SessionData(StrictIn):
    team: Id | None = Field(None, description="Default: the uploader's team.")
    held_on: date
    place: text(200)
    topics: list[Id] = Field(min_length=1, max_length=50)
    members: list[Id] = Field(default_factory=list, max_length=50, description="Default: the uploader's member.")
    attendees: list[UUID] = Field(default_factory=list, max_length=500)
    unregistered_count: int = Field(0, ge=0, le=10000)
    note: text(2000) = ""


class EditData(StrictIn):
    base_version: int = Field(0, ge=0, le=2**63 - 1, description="The record's `version` the device saw.")
    device_time: datetime | None = Field(None, description="When the edit was made (device clock).")


class HouseholdFields(StrictIn):
    household_key: text(32) | None = None
    address_line: text(200) | None = None


class HouseholdEditData(EditData):
    household: UUID
    changes: HouseholdFields
    base: HouseholdFields | None = Field(None, description="The values the device held before the edit.")


class ResidentFields(StrictIn):
    full_name: text(120) | None = None
    birth_year: int | None = Field(None, ge=0, le=9999)
    gender: Gender | None = None
    relation: Relation | None = None
    status: Status | None = None
    phone: text(32) | None = None


class ResidentEditData(EditData):
    resident: UUID
    changes: ResidentFields
    base: ResidentFields | None = None


class IndicatorsData(EditData):
    resident: UUID
    values: IndicatorsIn
    base: IndicatorsIn | None = None


class HelpActionData(StrictIn):
    """An action on a help request of the team's queue (claim, call back), made offline."""

    request: Id


class HelpLinkData(HelpActionData):
    household: UUID


class HelpCloseData(HelpActionData):
    reason: text(16)
    note: text(300) = ""
class AssessmentData(StrictIn):
    """A digital-skills assessment of one resident (issue 18): what they showed, per question code."""

    resident: UUID
    assessed_on: date
    framework: text(30) = Field(description="The framework version the questions came from (`skills_framework.version`).")
    answers: dict[Annotated[str, Field(max_length=20)], bool] = Field(default_factory=dict, max_length=200)


DATA_OF_KIND: dict[str, type[StrictIn]] = {
    "household": HouseholdData,
    "resident": ResidentData,
    "visit": VisitData,
    "session": SessionData,
    "household_edit": HouseholdEditData,
    "resident_edit": ResidentEditData,
    "indicators": IndicatorsData,
    "help_claim": HelpActionData,
    "help_call": HelpActionData,
    "help_link": HelpLinkData,
    "help_close": HelpCloseData,
    "assessment": AssessmentData,
}
DATA_ADAPTERS = {kind: TypeAdapter(model) for kind, model in DATA_OF_KIND.items()}


def _record_model(kind: str, data: type[StrictIn]) -> type[StrictIn]:
    return type(
        f"{data.__name__.removesuffix('Data')}Record",
        (StrictIn,),
        {
            "__annotations__": {"uuid": UUID, "type": Literal[kind], "data": data},
            "__doc__": f"A {kind.replace('_', ' ')} made on the device.",
        },
    )


RECORD_MODELS = [_record_model(kind, data) for kind, data in DATA_OF_KIND.items()]


def sync_request_schema() -> dict:
    """Return the OpenAPI schema of the upload body, with every record type inlined."""
    union = Annotated[functools.reduce(operator.or_, RECORD_MODELS), Field(discriminator="type")]
    model = type(
        "SyncBatchIn", (StrictIn,),
        {"__annotations__": {"records": list[union]}, "records": Field(max_length=MAX_RECORDS)},
    )
    return inline_refs(model.model_json_schema())


def inline_refs(schema: dict) -> dict:
    """Return `schema` with its local `$defs` references replaced by the definitions (no cycles here)."""
    defs = schema.pop("$defs", {})

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(dict(defs[ref.removeprefix("#/$defs/")]))
            node = {key: walk(value) for key, value in node.items()}
            if "discriminator" in node and isinstance(node["discriminator"], dict):
                node["discriminator"] = {"propertyName": node["discriminator"]["propertyName"]}
            return node
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(schema)


# --- upload: the answer ------------------------------------------------------------------------------
# Plain pydantic models: the answer is built from dicts, and ninja.Schema's wrapper for reading
# Django objects cost ~10 ms per 500 results.


class FieldConflictOut(BaseModel):
    field: str
    server_value: Any = None
    device_value: Any = None
    winner: Literal["device", "server"]


class RecordResultOut(BaseModel):
    uuid: str = Field(description="The record's UUID as sent (or its position when it had none).")
    status: Literal["created", "duplicate", "conflict", "rejected"]
    code: str | None = Field(None, description="Why it was rejected or is a conflict.")
    message: str | None = None
    field: str | None = None
    id: int | None = Field(None, description="Server id of a created household or resident.")
    household_key: str | None = Field(None, description="The permanent key of a household.")
    temp_key: str | None = None
    version: int | None = Field(None, description="The record's version after an edit.")
    conflicts: list[FieldConflictOut] | None = None


class KeyMappingOut(BaseModel):
    uuid: str
    temp_key: str
    household_key: str


class SyncOut(BaseModel):
    received_at: datetime
    results: list[RecordResultOut]
    household_keys: list[KeyMappingOut] = Field(description="Temporary → permanent keys of new households.")


# --- download ------------------------------------------------------------------------------------------


class DownloadResidentOut(Schema):
    uuid: UUID
    id: int
    full_name: str
    birth_year: int
    gender: str
    relation: str
    status: str
    phone: str
    has_citizen_id: bool = Field(description="The number itself never leaves the server.")
    indicators: dict[str, str]
    version: int


class DownloadOutcomeOut(Schema):
    item: int
    outcome: str
    follow_up_on: date | None


class DownloadVisitResidentOut(Schema):
    resident: UUID
    present: bool
    outcomes: list[DownloadOutcomeOut]


class DownloadVisitOut(Schema):
    uuid: UUID
    visited_on: date
    members: list[str] = Field(description="Names of the members who went.")
    follow_up_on: date | None = Field(description="When to come back; a later visit settles it.")
    residents: list[DownloadVisitResidentOut]


class DownloadHouseholdOut(Schema):
    uuid: UUID
    id: int
    household_key: str
    address_line: str
    village_code: str
    village_name: str
    head_uuid: UUID | None
    last_visit_on: date | None
    follow_up_on: date | None
    assigned: bool = Field(description="Assigned to the device's member (else: the team's or created here).")
    left_behind: bool = Field(description="Lacks the essentials and no visit in the left-behind window (outreach.need).")
    version: int
    residents: list[DownloadResidentOut]
    visits: list[DownloadVisitOut] = Field(description="The latest live visits, newest first (the history offline).")


class DownloadMemberOut(Schema):
    id: int
    full_name: str
    role: str


class DownloadTeamOut(Schema):
    id: int
    name: str
    unit_code: str
    members: list[DownloadMemberOut]
    villages: list[dict[str, str]] = Field(description="Villages where the team registers households.")


class DownloadCatalogueOut(Schema):
    id: int
    code: str
    name_vi: str
    name_en: str
    indicators: list[str]


class DownloadAlertOut(Schema):
    id: int
    title: str
    looks_like: str
    what_to_do: str
    severity: Literal["info", "warning", "danger"]
    area: str
    area_code: str
    published_on: date
    expires_on: date = Field(description="Last day the alert is in force.")
    warned: list[UUID] = Field(description="Households of this device already warned about it.")


class DownloadMeOut(Schema):
    username: str
    full_name: str
    role: str
    member_id: int | None


class DownloadHelpRequestOut(Schema):
    """One entry of the team's help-request queue (requests from one phone fold into one)."""

    id: int
    code: str
    village_code: str
    village_name: str
    service: str = Field(description="A catalogue code, or “other”.")
    service_name: str
    other_text: str
    preferred_time: str
    name: str
    phone: str
    count: int = Field(description="Requests from this phone folded into this entry.")
    status: str
    claimed_by: str | None
    mine: bool
    household: UUID | None
    candidates: list[UUID] = Field(description="Households of the village with a resident of this phone.")
    created_at: datetime
    overdue: bool
    close_reason: str


class SyncDownloadOut(Schema):
    server_time: datetime
    full: bool = Field(description="True: replace everything the device holds with these pages.")
    households: list[DownloadHouseholdOut]
    removed: list[UUID] = Field(description="Households that left the device's scope: drop them.")
    me: DownloadMeOut | None = Field(None, description="First page only.")
    team: DownloadTeamOut | None = Field(None, description="First page only.")
    catalogue: list[DownloadCatalogueOut] | None = Field(None, description="First page only.")
    help_requests: list[DownloadHelpRequestOut] | None = Field(
        None, description="First page only: the team's help-request queue, open and closed this week.")
    alerts: list[DownloadAlertOut] | None = Field(
        None, description="First page only: the scam alerts in force for the team's area (replace the ones held).")
    skills_framework: dict[str, Any] | None = Field(
        None, description="First page only: the digital-skills framework in use (groups, questions, pass marks).")
    replaced_villages: list[dict[str, str]] | None = Field(
        None, description="First page only: villages of the team's area replaced on the map (code → successor_code).")
    next: str | None = Field(None, description="Pass as `cursor` to get the next page.")
    since: str | None = Field(None, description="Last page only: keep it for the next download.")


# --- conflicts ---------------------------------------------------------------------------------------------


class ConflictOut(Schema):
    id: int
    kind: str
    record_uuid: UUID
    record_label: str
    village_code: str
    field: str
    server_value: Any = None
    device_value: Any = None
    winner: str
    device_time: datetime
    other_time: datetime
    uploaded_by: str | None
    changed_by: str | None
    created_at: datetime
    settled_at: datetime | None
    settled_value: Any = None


class SettleIn(StrictIn):
    keep: Literal["current", "other"] = Field(
        description="current: keep the value now on the server; other: use the value that lost."
    )
