"""A year of generated outreach: visits, residents checked, services guided, indicator history.

Rows agree with the residents' current indicators the way `visit_record` would have left
them: a "done" outcome is only drawn for an item whose indicators are all "yes" now, and the
first time it happens an IndicatorChange (source "visit", old "no" or "unknown" → "yes") is
written at the visit's time; items the resident still lacks get "partly", "needs follow-up",
"refused" or "not applicable". Some residents also carry an earlier survey edit (unknown → the
current value). Rows go straight into `bulk.Table`s; all randomness comes from one RNG.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from gocua.bench.bulk import IdBlock, Table, db_date, db_datetime, uuid_hex, uuid_text
from gocua.households.digital import Tri
from gocua.households.models import Assignment, IndicatorChange, Resident
from gocua.outreach.models import ServiceItem, Visit, VisitOutcome, VisitResident

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
DAYS = 365
COUNTED = set(Resident.COUNTED_STATUSES)
# Outcomes for an item the resident still lacks, with cumulative shares (partly 40%, follow-up 25%, …).
NOT_DONE = [(0.40, "partly"), (0.65, "follow_up"), (0.85, "refused"), (1.0, "not_applicable")]


@dataclass
class HistoryCounts:
    visits: int = 0
    visit_residents: int = 0
    outcomes: int = 0
    indicator_changes: int = 0
    assignments: int = 0


@dataclass
class Home:
    """What the planner needs of one written household."""

    id: int
    codes: tuple[str, str, str]  # province, commune, village
    residents: list[tuple[int, int, str, dict]]  # id, birth year, status, indicators (current)
    team_id: int | None
    member_ids: list[int]
    coverage: float
    achieved: dict = field(default_factory=dict)


class History:
    """Plan and collect the outreach rows of households, chunk by chunk."""

    def __init__(self, rng: random.Random, today: dt.date, ids: IdBlock, *, items: list | None = None):
        """`items`: (id, indicators) of the active service items, read here when not given."""
        self.rng, self.today, self.ids = rng, today, ids
        if items is None:
            items = ServiceItem.objects.filter(is_active=True).order_by("pk").values_list("pk", "indicators")
        self.items = [(pk, tuple(ind)) for pk, ind in items]
        self.visits = Table(
            Visit,
            ["id", "uuid", "household_id", "team_id", "visited_on", "from_paper", "follow_up_on", "created_at",
             "updated_at", "province_code", "commune_code", "village_code"],
        )
        self.members = Table(Visit.members.through, ["visit_id", "member_id"])
        # The visit's province (and for outcomes its date) copied on, as visit_record writes them.
        self.checked = Table(VisitResident, ["id", "visit_id", "resident_id", "province_code", "present"])
        self.outcomes = Table(
            VisitOutcome, ["visit_resident_id", "item_id", "province_code", "visited_on", "outcome", "follow_up_on"]
        )
        self.changes = Table(
            IndicatorChange,
            ["resident_id", "province_code", "indicator", "old_value", "new_value", "changed_at", "source", "source_ref"],
        )
        self.assignments = Table(Assignment, ["household_id", "member_id"])
        self.counts = HistoryCounts()
        self._moments: dict[tuple[dt.date, int], object] = {}

    def tables(self) -> list[Table]:
        """Return the tables in an order that writes referenced rows first."""
        return [self.visits, self.members, self.checked, self.outcomes, self.changes, self.assignments]

    def flush(self) -> None:
        for table in self.tables():
            table.flush()
        self.counts = HistoryCounts(
            visits=self.visits.written,
            visit_residents=self.checked.written,
            outcomes=self.outcomes.written,
            indicator_changes=self.changes.written,
            assignments=self.assignments.written,
        )

    def _moment(self, day: dt.date, hour: int):
        key = (day, hour)
        if key not in self._moments:
            self._moments[key] = db_datetime(dt.datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL))
        return self._moments[key]

    # --- one household ------------------------------------------------------------------------

    def add(self, home: Home, assign_to: int | None) -> None:
        """Plan the assignment, visits and indicator history of one household."""
        rng = self.rng
        if assign_to is not None:
            self.assignments.add((home.id, assign_to))
        counted = [r for r in home.residents if r[2] in COUNTED]
        if home.team_id is not None and home.member_ids and counted and len(self.items) >= 2:
            if rng.random() < min(0.98, home.coverage + 0.2):
                days = sorted(self.today - dt.timedelta(days=rng.randrange(DAYS)) for _ in range(rng.randint(2, 7)))
                for day in days:
                    self._visit(home, counted, day)
        self._survey_edits(home, counted)

    def _visit(self, home: Home, counted: list, day: dt.date) -> None:
        rng, ids = self.rng, self.ids
        visit_id = ids.take(Visit)
        uuid = uuid_hex(rng.getrandbits(128))
        ref = uuid_text(uuid)  # what visit_record writes as the history's source_ref
        province, commune, village = home.codes
        members = rng.sample(home.member_ids, min(len(home.member_ids), 1 if rng.random() < 0.6 else 2))
        for member_id in members:
            self.members.add((visit_id, member_id))
        follow_ups, visited_on = [], db_date(day)
        for resident_id, _born, _status, values in rng.sample(counted, min(3, len(counted))):
            row_id = ids.take(VisitResident)
            self.checked.add((row_id, visit_id, resident_id, province, rng.random() < 0.85))
            first = rng.randrange(len(self.items))
            second = (first + 1 + rng.randrange(len(self.items) - 1)) % len(self.items)
            for item_id, indicators in (self.items[first], self.items[second]):
                outcome, follow_up = self._outcome(home, resident_id, values, indicators, day, ref, province)
                if follow_up is not None:
                    follow_ups.append(follow_up)
                self.outcomes.add((row_id, item_id, province, visited_on, outcome, db_date(follow_up)))
        created = self._moment(day, 18)
        self.visits.add(
            (visit_id, uuid, home.id, home.team_id, visited_on, rng.random() < 0.1, db_date(min(follow_ups, default=None)),
             created, created, province, commune, village)
        )

    def _outcome(self, home, resident_id, values, indicators, day, ref, province):
        """Return (outcome, follow-up date) for one item guided, writing the indicator history it causes."""
        rng = self.rng
        if indicators and all(values.get(name, Tri.UNKNOWN) == Tri.YES for name in indicators):
            done = home.achieved.setdefault(resident_id, set())
            fresh = [name for name in indicators if name not in done]
            if fresh and rng.random() < 0.6:
                moment = self._moment(day, rng.randint(8, 17))
                for name in fresh:
                    old = Tri.NO if rng.random() < 0.7 else Tri.UNKNOWN
                    self.changes.add((resident_id, province, name, old, Tri.YES, moment, "visit", ref))
                done.update(fresh)
                return "done", None
            if not fresh:
                return ("done" if rng.random() < 0.5 else "not_applicable"), None
        roll = rng.random()
        outcome = next(name for share, name in NOT_DONE if roll < share)
        if outcome == "follow_up" or (outcome == "partly" and rng.random() < 0.3):
            return outcome, day + dt.timedelta(days=rng.randint(7, 30))
        return outcome, None

    def _survey_edits(self, home: Home, counted: list) -> None:
        """Give some residents an earlier survey answer (unknown → the current value) in the last year."""
        rng = self.rng
        province = home.codes[0]
        for resident_id, _born, _status, values in counted:
            if not values or rng.random() > 0.25:
                continue
            done = home.achieved.get(resident_id, ())
            names = [n for n in values if n not in done]
            if not names:
                continue
            moment = self._moment(self.today - dt.timedelta(days=rng.randrange(DAYS)), rng.randint(8, 17))
            for name in rng.sample(names, min(len(names), rng.randint(1, 3))):
                self.changes.add((resident_id, province, name, Tri.UNKNOWN, values[name], moment, "edit", ""))
