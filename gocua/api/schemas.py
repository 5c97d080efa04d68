"""API schemas: the error envelope and input types every router shares, and the registry shapes."""

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, StringConstraints, create_model

from gocua.accounts.permissions import can_see_phone
from gocua.errors import declared
from gocua.households.digital import INDICATOR_NAMES, Tri
from gocua.households.models import Resident
from gocua.lib import phone as phones
from gocua.teams.models import Member

# --- shared: errors and input types ------------------------------------------------------------


class ErrorItemOut(Schema):
    loc: list[str | int] = Field(description='Where the bad value is, e.g. ["query", "page"].')
    type: str
    message: str


class ErrorOut(Schema):
    # Documented as an enum of every declared code (gocua/errors.py: REGISTRY_MODULES), not
    # validated as one: an answer is never turned into a 500 over its code.
    code: str = Field(
        description="Stable machine-readable code, e.g. not_found, invalid_input.",
        json_schema_extra={"enum": sorted(declared())},
    )
    message: str = Field(description="Human-readable message in the caller's language (Accept-Language).")
    field: str | None = Field(None, description="The input field the error is about, when there is one.")
    errors: list[ErrorItemOut] | None = Field(None, description="Each invalid value (invalid_input only).")


# Documented on every operation; the handlers in gocua.api.api produce exactly this shape.
ERROR_RESPONSES: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}


def responses(ok: int, schema) -> dict:
    """Return an operation's responses: `schema` for status `ok`, the error envelope for the rest."""
    return {ok: schema, **ERROR_RESPONSES}

# PostgreSQL refuses NUL in text and other control characters have no place in a name; refusing
# them here turns what would be a database error into a 422.
_NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"

Code = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
# Ids beyond a signed 64-bit integer would overflow the database driver instead of not matching.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
SearchText = Annotated[str, StringConstraints(max_length=100, pattern=_NO_CONTROL)]


class StrictIn(BaseModel):
    """Input that refuses unknown fields, so a typo is a 422 and not a silently ignored value.

    A plain pydantic model, not `ninja.Schema`: input is always JSON (dicts), and Schema's
    wrapper for reading Django objects cost a third of parsing a 500-record sync batch.
    """

    model_config = ConfigDict(extra="forbid")


def patched(current: dict, payload: BaseModel, *, nullable: tuple[str, ...] = ()) -> dict:
    """Return `current` with the fields the payload sent; null keeps a value unless the field may be empty."""
    sent = payload.model_dump(exclude_unset=True)
    return {**current, **{k: v for k, v in sent.items() if v is not None or k in nullable}}


def text(max_length: int):
    """Return a single-line text type no longer than the column it is stored in."""
    return Annotated[str, StringConstraints(max_length=max_length, pattern=_NO_CONTROL)]


TRI_NAMES = {Tri.UNKNOWN: "unknown", Tri.YES: "yes", Tri.NO: "no"}
TRI_VALUES = {name: value for value, name in TRI_NAMES.items()}
TriName = Literal["yes", "no", "unknown"]


def _user_of(context) -> Any:
    request = (context or {}).get("request")
    return getattr(request, "auth", None)


def phone_for(obj, context) -> str:
    """Return `obj.phone` in full for roles that call people, masked for everyone else."""
    return obj.phone if can_see_phone(_user_of(context)) else phones.mask(obj.phone)


# --- units and the caller --------------------------------------------------------------------


class UnitChildOut(Schema):
    code: str
    name: str
    kind: str


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    level: int = Field(description="0 nation, 1 province, 2 commune, 3 village.")
    parent_code: str | None
    latitude: float | None
    longitude: float | None
    valid_from: date
    valid_to: date | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class UnitDetailOut(UnitOut):
    children: list[UnitChildOut] = Field(description="Current units directly below this one.")

    @staticmethod
    def resolve_children(obj) -> list:
        # Set by the selector: `obj.children` would be every period of every child, unscoped.
        return obj.current_children


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    scope_unit: UnitChildOut | None


# --- teams -----------------------------------------------------------------------------------


class TeamOut(Schema):
    id: int
    name: str
    unit_code: str
    unit_name: str
    founded_on: date
    is_active: bool
    member_count: int = Field(description="Current members (those without a leaving date).")

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name


class MemberOut(Schema):
    id: int
    full_name: str
    role: Literal[tuple(Member.Role.values)]
    strengths: list[str]
    phone: str = Field(description="Masked (091****678) unless the caller's role calls people.")
    joined_on: date

    @staticmethod
    def resolve_phone(obj, context) -> str:
        return phone_for(obj, context)


class TeamDetailOut(TeamOut):
    members: list[MemberOut] = Field(description="Current members, leader first.")

    @staticmethod
    def resolve_members(obj) -> list:
        # Prefetched by the selector: `obj.members` would include those who left.
        return obj.current_members


# --- households and residents ------------------------------------------------------------------


class HouseholdOut(Schema):
    id: int
    uuid: UUID
    household_key: str
    address_line: str
    village_code: str
    village_name: str
    head_name: str | None
    resident_count: int = Field(description="Residents living here or away for work.")

    @staticmethod
    def resolve_village_name(obj) -> str:
        return obj.village.name

    @staticmethod
    def resolve_head_name(obj) -> str | None:
        return obj.head.full_name if obj.head_id else None


class ResidentOut(Schema):
    id: int
    uuid: UUID
    household_id: int
    household_key: str
    village_code: str
    full_name: str
    birth_year: int
    gender: Literal[tuple(Resident.Gender.values)]
    relation: Literal[tuple(Resident.Relation.values)]
    status: Literal[tuple(Resident.Status.values)]

    @staticmethod
    def resolve_household_key(obj) -> str:
        return obj.household.household_key


class HouseholdResidentOut(Schema):
    id: int
    full_name: str
    birth_year: int
    gender: str
    relation: str
    status: str


class HouseholdDetailOut(HouseholdOut):
    created_at: datetime
    updated_at: datetime
    residents: list[HouseholdResidentOut] = Field(description="Everyone registered here, moved-out included.")


IndicatorsOut = create_model(
    "IndicatorsOut", __base__=Schema, **{name: (TriName, ...) for name in INDICATOR_NAMES}
)


IndicatorsIn = create_model(
    "IndicatorsIn", __base__=StrictIn, **{name: (TriName | None, None) for name in INDICATOR_NAMES}
)


def indicator_values(indicators: Schema | None) -> dict[str, int]:
    """Return the indicators that were sent, as the Tri integers the services take."""
    if indicators is None:
        return {}
    return {name: TRI_VALUES[value] for name, value in indicators.model_dump(exclude_none=True).items()}


class ResidentDetailOut(ResidentOut):
    birth_date: date | None
    phone: str = Field(description="Masked (091****678) unless the caller's role calls people.")
    citizen_id_masked: str = Field(
        description="Only ever the masked form; revealing is an audited web action."
    )
    indicators: IndicatorsOut
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_phone(obj, context) -> str:
        return phone_for(obj, context)

    @staticmethod
    def resolve_indicators(obj) -> dict[str, str]:
        return {name: TRI_NAMES[getattr(obj, name)] for name in INDICATOR_NAMES}


# --- inputs and filters ----------------------------------------------------------------------


class HouseholdIn(StrictIn):
    village: Code = Field(description="Code of the village, e.g. 09784-001.")
    household_key: text(32)
    address_line: text(200) = ""


class ResidentIn(StrictIn):
    household: Id
    full_name: text(120)
    birth_year: int = Field(ge=0, le=9999)
    birth_date: date | None = None
    gender: Literal[tuple(Resident.Gender.values)]
    relation: Literal[tuple(Resident.Relation.values)]
    status: Literal[tuple(Resident.Status.values)] = Resident.Status.LIVING.value
    phone: text(32) = ""
    citizen_id: text(32) = Field("", description="12 digits; stored encrypted, answered only masked.")
    indicators: IndicatorsIn | None = None


class TeamFilters(Schema):
    unit: Code | None = Field(None, description="Only teams in this unit (village, commune or province).")


class HouseholdFilters(Schema):
    village: Code | None = Field(None, description="Only households in this village.")
    unit: Code | None = Field(None, description="Only households in this unit (commune or province).")
    q: SearchText | None = Field(None, description="Key, head's name or address; diacritics optional.")


class ResidentFilters(HouseholdFilters):
    household: Id | None = Field(None, description="Only residents of this household.")
    q: SearchText | None = Field(None, description="Name; diacritics optional.")
