"""API shapes of community projects and their ledger."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from gocua.api.schemas import Code, Id, StrictIn, text
from gocua.community.models import LedgerEntry, Project

KindName = Literal[tuple(Project.Kind.values)]
StatusName = Literal[tuple(Project.Status.values)]
# Money is whole đồng: an int (JSON number) or the digits as typed ("1.500.000"); a fraction is refused.
Money = int | str


class ProjectTotalsOut(Schema):
    collected_vnd: int
    spent_vnd: int
    balance_vnd: int
    labour_days: Decimal
    corrections: int = Field(description="Entries reversed (the totals already net them out).")


class ProjectPhotoOut(Schema):
    id: int
    caption: str
    width: int
    height: int
    url: str
    thumb_url: str


class ProjectOut(Schema):
    id: int
    title: str
    kind: KindName
    status: StatusName
    unit_code: str
    unit_name: str
    goal_vnd: int
    goal_labour_days: Decimal
    starts_on: date | None
    ends_on: date | None
    team_id: int | None
    responsible_name: str
    totals: ProjectTotalsOut
    progress_percent: int | None = Field(description="Collected as a share of the money goal, 0–100.")
    updated_at: datetime


class ProjectDetailOut(ProjectOut):
    description: str
    photos: list[ProjectPhotoOut]
    public_url: str


class ProjectFilters(Schema):
    unit: Code | None = Field(None, description="Only projects in this unit (village, commune or province).")
    status: StatusName | None = None


class ProjectIn(StrictIn):
    unit: Code = Field(description="Code of the village or commune, e.g. 09784-001.")
    title: text(200)
    kind: KindName
    description: str = Field("", max_length=4000)
    goal_vnd: Money = 0
    goal_labour_days: Decimal | str = Decimal(0)
    starts_on: date | None = None
    ends_on: date | None = None
    team: Id | None = None
    responsible_name: text(120) = ""


class ProjectPatchIn(StrictIn):
    title: text(200) | None = None
    kind: KindName | None = None
    description: str | None = Field(None, max_length=4000)
    goal_vnd: Money | None = None
    goal_labour_days: Decimal | str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    team: Id | None = None
    responsible_name: text(120) | None = None


class ProjectStatusIn(StrictIn):
    status: StatusName


class LedgerEntryOut(Schema):
    id: int
    number: int = Field(description="Position in the project's ledger, 1…n.")
    kind: Literal[tuple(LedgerEntry.Kind.values)]
    entry_on: date
    money_vnd: int = Field(description="Negative only on a reversing entry.")
    labour_days: Decimal
    materials: str
    description: str
    giver: str
    giver_name: str
    household_id: int | None
    household_key: str | None
    display: Literal[tuple(LedgerEntry.Display.values)]
    public_label: str = Field(description="How the giver appears on the public page.")
    reverses: int | None
    reversed_by: int | None
    reason: str
    has_receipt: bool
    recorded_by: str
    created_at: datetime


class ContributionIn(StrictIn):
    entry_on: date
    giver: Literal[tuple(LedgerEntry.Giver.values)]
    display: Literal[tuple(LedgerEntry.Display.values)]
    giver_name: text(120) = ""
    household: Id | None = None
    money_vnd: Money = 0
    labour_days: Decimal | str = Decimal(0)
    materials: text(300) = ""


class ExpenseIn(StrictIn):
    entry_on: date
    description: text(300)
    money_vnd: Money


class LedgerReverseIn(StrictIn):
    reason: text(300)


class UnitContributionOut(Schema):
    unit_code: str
    money_vnd: int
    labour_days: Decimal
    contributing_households: int
    projects_done: int
