"""Bulk generation of villages, teams, households, residents and a year of outreach.

The per-row services (village_create, resident_create, visit_record, …) cost several queries
per row; at a million residents that is hours. This module writes the same rows in bulk —
`bulk_create` for the few villages, teams and members, `bulk.Table` (COPY on PostgreSQL,
executemany on SQLite, keys handed out in advance) for households, residents, assignments,
visits, residents checked, outcomes and indicator history (`history.py`) — and sets
everything the services would set: the denormalised province/commune/village codes, the
folded columns, the household search text and head, the encrypted/hashed/masked citizen ID,
and each commune's `next_child_seq` so that a later `village_create` never reuses a code.
Rollups are rebuilt once at the end by the caller. Generated villages are listed in
`GeneratedVillage`, so `generated_reset` removes them (and everything in them) without
touching other data, and `real_households` tells whether anything else is there.
"""

import datetime as dt
import functools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from gocua.bench import names, people
from gocua.bench.bulk import (
    IdBlock,
    Table,
    analyze,
    delete_rows,
    fast_load,
    fast_load_done,
    indexes_build,
    indexes_drop,
    optimize_search,
    reset_sequences,
    skip_row_checks,
    uuid_hex,
)
from gocua.bench.history import History, Home
from gocua.bench.models import GeneratedVillage
from gocua.households import pii
from gocua.households.indicators import INDICATOR_NAMES, Tri
from gocua.households.models import Assignment, Household, IndicatorChange, Resident
from gocua.households.services import household_search_text
from gocua.lib import citizen_id
from gocua.lib.text import fold
from gocua.outreach.models import Visit, VisitOutcome, VisitResident
from gocua.places.models import LEVEL_OF_KIND, Kind, Level, Unit
from gocua.places.services import REFORM_DATE
from gocua.teams.models import Member, Team

CHUNK_RESIDENTS = 20_000  # residents written per transaction: bounds memory, keeps progress visible
BATCH_SIZE = 2_000
RESIDENT_COLUMNS = [
    "id", "uuid", "household_id", "full_name", "name_folded", "birth_year", "gender", "relation", "status", "phone",
    "province_code", "commune_code", "village_code", "citizen_id_encrypted", "citizen_id_hash", "citizen_id_masked",
    *INDICATOR_NAMES,
]
HOUSEHOLD_COLUMNS = [
    "id", "uuid", "village_id", "household_key", "address_line", "head_id", "search_folded",
    "province_code", "commune_code", "village_code",
]
BIG_TABLES = (Household, Resident, Assignment, Visit, VisitResident, VisitOutcome, IndicatorChange)
# Written through the ORM but grown by thousands of rows: the planner needs fresh statistics too
# (without them PostgreSQL took 13,813 current members for 13 and walked them all per page).
ANALYZED = (*BIG_TABLES, Visit.members.through, Team, Member, Unit, GeneratedVillage)
DROP_INDEXES_FROM = 50_000  # residents; from here, building indexes once after the load is faster
MOUNTAIN_PROVINCES = {"04", "08", "11", "12", "14", "15", "20"}  # "bản" are common here
SOUTH_PROVINCES = {"75", "79", "80", "82", "86", "91", "92", "96"}  # villages are "ấp" here
FOUNDED_FIRST, FOUNDED_LAST = dt.date(2022, 3, 1), dt.date(2024, 10, 31)

folded = functools.lru_cache(maxsize=65_536)(fold)


@dataclass
class Counts:
    villages: int = 0
    teams: int = 0
    members: int = 0
    households: int = 0
    residents: int = 0
    citizen_ids: int = 0
    visits: int = 0
    visit_residents: int = 0
    outcomes: int = 0
    indicator_changes: int = 0
    assignments: int = 0
    index_seconds: float = 0.0  # building the secondary indexes after a big load

    def add(self, other: "Counts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class PlannedVillage:
    commune: Unit
    kind: str
    name: str
    team: dict | None
    members: list[dict]
    households: list[tuple[str, str, list[people.Person]]] = field(default_factory=list)

    @property
    def residents(self) -> int:
        return sum(len(h[2]) for h in self.households)


class CommuneCursor:
    """Walk the communes of one province in a seeded order, a few villages per commune."""

    def __init__(self, rng: random.Random, province: Unit, communes: list[Unit]):
        self.rng, self.province = rng, province
        self.communes = communes[:]
        rng.shuffle(self.communes)
        self.index, self.left = -1, 0

    def next(self) -> Unit:
        if self.left == 0:
            self.index = (self.index + 1) % len(self.communes)
            self.left = self.rng.randint(3, 8)
        self.left -= 1
        return self.communes[self.index]


class Generator:
    """Plan people in memory with one seeded RNG, then write them chunk by chunk."""

    def __init__(
        self, *, provinces: int, residents: int, seed: int, progress: Callable | None = None, history: bool = True
    ):
        self.target, self.seed, self.with_history = residents, seed, history
        self.rng = random.Random(seed)
        self.year = timezone.localdate().year
        self.today = timezone.localdate()
        self.progress = progress or (lambda **kw: None)
        self.ids = people.CitizenIds(self.rng)
        self.profiles: dict[int, people.Profile] = {}
        self.seq: dict[int, int] = {}
        self.child_names: dict[int, set[str]] = {}
        units = Unit.objects.filter(valid_to__isnull=True, level__in=[Level.PROVINCE, Level.COMMUNE])
        by_province: dict[str, list[Unit]] = {}
        province_units = []
        for unit in units.order_by("level", "code"):
            if unit.level == Level.PROVINCE:
                province_units.append(unit)
            else:
                by_province.setdefault(unit.province_code, []).append(unit)
        self.cursors = [CommuneCursor(self.rng, p, by_province[p.code]) for p in province_units[:provinces]]

    # --- planning (pure Python, seeded) ---------------------------------------------------

    def _village_kind(self, commune: Unit) -> str:
        if commune.kind == Kind.PHUONG:
            return Kind.TO_DAN_PHO
        if commune.province_code in SOUTH_PROVINCES and commune.kind == Kind.XA:
            return Kind.AP
        if commune.province_code in MOUNTAIN_PROVINCES and self.rng.random() < 0.6:
            return Kind.BAN
        return Kind.THON

    def _village_name(self, commune: Unit, kind: str) -> str:
        if commune.pk not in self.child_names:
            children = Unit.objects.filter(parent=commune, valid_to__isnull=True).values_list(
                "name_folded", flat=True
            )
            self.child_names[commune.pk] = set(children)
            self.seq[commune.pk] = Unit.objects.values_list("next_child_seq", flat=True).get(pk=commune.pk)
        seq = self.seq[commune.pk]
        self.seq[commune.pk] = seq + 1
        taken = self.child_names[commune.pk]
        name = names.village_name(self.rng, kind, seq)
        for candidate in (name, f"{name} {seq}", f"{name} {seq}-{self.seed}"):
            if fold(candidate) not in taken:
                taken.add(fold(candidate))
                return candidate
        raise RuntimeError("no free village name")  # unreachable: the seq suffix is unique

    def _team(self, village_name: str) -> tuple[dict, list[dict]]:
        founded = FOUNDED_FIRST + dt.timedelta(days=self.rng.randrange((FOUNDED_LAST - FOUNDED_FIRST).days))
        name = f"Tổ công nghệ số cộng đồng {village_name[0].lower()}{village_name[1:]}"
        members = people.team_members(
            self.rng, founded=founded, count=self.rng.randint(4, 9), today=self.today
        )
        return {"name": name, "founded_on": founded}, members

    def plan_village(self, cursor: CommuneCursor, budget: int) -> PlannedVillage:
        rng = self.rng
        commune = cursor.next()
        if commune.pk not in self.profiles:
            self.profiles[commune.pk] = people.Profile.draw(rng, urban=commune.kind == Kind.PHUONG)
        profile = self.profiles[commune.pk]
        kind = self._village_kind(commune)
        name = self._village_name(commune, kind)
        team, members = self._team(name) if rng.random() < 0.9 else (None, [])
        village = PlannedVillage(commune, kind, name, team, members)
        urban = kind == Kind.TO_DAN_PHO
        for number in range(1, rng.randint(40, 180) + 1):
            if budget <= 0:
                break
            size = min(people.household_size(rng), budget)
            address = (
                f"Số {rng.randint(1, 120)}, ngõ {rng.randint(1, 40)}" if urban else f"Xóm {rng.randint(1, 8)}"
            )
            folks = people.household(
                rng,
                year=self.year,
                size=size,
                province_code=commune.province_code,
                profile=profile,
                ids=self.ids,
            )
            village.households.append((f"H{number:04d}", address, folks))
            budget -= size
        return village

    # --- writing ------------------------------------------------------------------------

    def run(self) -> Counts:
        """Write everything; for a big run, drop the secondary indexes first and build them at the end."""
        indexes_build()  # what a run that died half-way left to build
        if self.target < DROP_INDEXES_FROM or transaction.get_connection().in_atomic_block:
            counts = self._run()
            analyze(*ANALYZED)
            return counts
        indexes_drop(*BIG_TABLES, Visit.members.through)
        try:
            counts = self._run()
        finally:
            started = time.monotonic()
            indexes_build()
            optimize_search()
            analyze(*ANALYZED)
        counts.index_seconds = time.monotonic() - started
        return counts

    def _run(self) -> Counts:
        total, pending, planned = Counts(), [], 0
        started = time.monotonic()
        fast_load()
        self.keys = IdBlock(Household, Resident, Visit, VisitResident)
        # UUIDs from their own RNG (they never shift the people drawn), new for each run on the same database.
        self.key_rng = random.Random(f"{self.seed}:uuid:{self.keys.next[Household]}")
        self.history = History(random.Random(f"{self.seed}:history:{self.keys.next[Visit]}"), self.today, self.keys)
        # Each province gets an equal share; villages are planned round-robin so chunks mix provinces.
        share, extra = divmod(self.target, len(self.cursors))
        left = [share + (1 if i < extra else 0) for i in range(len(self.cursors))]
        while planned < self.target:
            for i, cursor in enumerate(self.cursors):
                if left[i] <= 0:
                    continue
                village = self.plan_village(cursor, left[i])
                left[i] -= village.residents
                planned += village.residents
                pending.append(village)
            if sum(v.residents for v in pending) >= CHUNK_RESIDENTS or planned >= self.target:
                total.add(self.write(pending))
                pending = []
                self.progress(counts=total, target=self.target, seconds=time.monotonic() - started)
        reset_sequences(Household, Resident, Visit, VisitResident)
        fast_load_done()
        return total

    @transaction.atomic
    def write(self, planned: list[PlannedVillage]) -> Counts:
        counts = Counts()
        skip_row_checks()
        villages = self._write_villages(planned)
        counts.villages = len(villages)
        teams = self._write_teams(planned, villages)
        counts.teams = sum(1 for team_id, _members in teams if team_id)
        counts.members = sum(len(p.members) for p in planned if p.team)
        households = Table(Household, HOUSEHOLD_COLUMNS)
        residents = Table(Resident, RESIDENT_COLUMNS)
        homes = self._add_households(planned, villages, teams, households, residents)
        counts.citizen_ids = self._drop_taken_citizen_ids(residents)
        households.flush()
        residents.flush()
        before = self.history.counts
        if self.with_history:
            for home, assign_to in homes:
                self.history.add(home, assign_to)
            self.history.flush()
        after = self.history.counts
        for name in ("visits", "visit_residents", "outcomes", "indicator_changes", "assignments"):
            setattr(counts, name, getattr(after, name) - getattr(before, name))
        counts.households, counts.residents = households.written, residents.written
        return counts

    def _add_households(self, planned, villages, teams, households: Table, residents: Table) -> list[tuple[Home, int | None]]:
        keys, uuids, homes = self.keys, self.key_rng, []
        for plan, village, (team_id, member_ids) in zip(planned, villages, teams, strict=True):
            codes = (village.province_code, village.commune_code, village.village_code)
            coverage = self.profiles[plan.commune.pk].coverage
            for n, (key, address, persons) in enumerate(plan.households):
                household_id = keys.take(Household)
                first = keys.take(Resident, len(persons))
                text = household_search_text(SimpleNamespace(household_key=key, address_line=address), persons[0].full_name)
                households.add((household_id, uuid_hex(uuids.getrandbits(128)), village.pk, key, address, first, text, *codes))
                people_ = []
                for i, person in enumerate(persons):
                    residents.add(self._resident_row(first + i, uuid_hex(uuids.getrandbits(128)), household_id, codes, person))
                    people_.append((first + i, person.birth_year, person.status, person.indicators))
                home = Home(household_id, codes, people_, team_id, member_ids, coverage)
                homes.append((home, member_ids[n % len(member_ids)] if member_ids else None))
        return homes

    def _write_teams(self, planned: list[PlannedVillage], villages: list[Unit]) -> list[tuple[int | None, list[int]]]:
        """Write teams and members; remember (team id, current member ids) per village for the history."""
        teams, members, current = [], [], []
        for plan, village in zip(planned, villages, strict=True):
            if not plan.team:
                continue
            name = plan.team["name"]
            team = Team(unit=village, name=name, name_folded=fold(name), founded_on=plan.team["founded_on"])
            team.province_code, team.commune_code = village.province_code, village.commune_code
            team.village_code = village.village_code
            teams.append(team)
            members.extend(Member(team=team, name_folded=folded(m["full_name"]), **m) for m in plan.members)
        Team.objects.bulk_create(teams, batch_size=BATCH_SIZE)
        for member in members:
            member.team_id = member.team.pk
        Member.objects.bulk_create(members, batch_size=BATCH_SIZE)
        by_team: dict[int, list[int]] = {}
        for member in members:
            if member.left_on is None:
                by_team.setdefault(member.team_id, []).append(member.pk)
        team_of_village = {team.unit_id: team.pk for team in teams}
        for village in villages:
            team_id = team_of_village.get(village.pk)
            current.append((team_id, by_team.get(team_id, [])))
        return current

    def _write_villages(self, planned: list[PlannedVillage]) -> list[Unit]:
        communes = {p.commune.pk for p in planned}
        locked = {u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=communes)}
        villages = []
        for plan in planned:
            commune = locked[plan.commune.pk]
            code = f"{commune.code}-{commune.next_child_seq:03d}"
            commune.next_child_seq += 1
            villages.append(
                Unit(
                    code=code,
                    name=plan.name,
                    name_folded=fold(plan.name),
                    kind=plan.kind,
                    level=LEVEL_OF_KIND[plan.kind],
                    parent=commune,
                    province_code=commune.province_code,
                    commune_code=commune.code,
                    village_code=code,
                    valid_from=REFORM_DATE,
                )
            )
        Unit.objects.bulk_create(villages, batch_size=BATCH_SIZE)
        Unit.objects.bulk_update(list(locked.values()), ["next_child_seq"])
        GeneratedVillage.objects.bulk_create([GeneratedVillage(village=v, seed=self.seed) for v in villages])
        return villages

    @staticmethod
    def _resident_row(pk: int, uuid: str, household_id: int, codes: tuple, person: people.Person) -> tuple:
        """Return the columns (RESIDENT_COLUMNS) `resident_create` would write for `person`."""
        encrypted = hashed = masked = None
        if person.citizen_id:
            encrypted = pii.encrypt(person.citizen_id)
            hashed = pii.keyed_hash(person.citizen_id)
            masked = citizen_id.mask(person.citizen_id)
        values = person.indicators
        return (
            pk, uuid, household_id, person.full_name, folded(person.full_name), person.birth_year, person.gender,
            person.relation, person.status, person.phone, *codes, encrypted or "", hashed, masked or "",
            *[values.get(name, Tri.UNKNOWN) for name in INDICATOR_NAMES],
        )

    @staticmethod
    def _drop_taken_citizen_ids(residents: Table) -> int:
        """Leave out IDs that earlier data already holds (e.g. a second run with the same seed); return those kept."""
        at = RESIDENT_COLUMNS.index("citizen_id_hash")
        hashes = [row[at] for row in residents.rows if row[at]]
        taken = set()
        for start in range(0, len(hashes), 500):
            taken.update(
                Resident.objects.filter(citizen_id_hash__in=hashes[start : start + 500]).values_list(
                    "citizen_id_hash", flat=True
                )
            )
        if taken:
            residents.rows = [
                row[: at - 1] + ("", None, "") + row[at + 2 :] if row[at] in taken else row for row in residents.rows
            ]
        return len(hashes) - len(taken)


def real_households() -> int:
    """Return how many households lie in villages that `generate` did not make (real data)."""
    return Household.objects.exclude(village_id__in=GeneratedVillage.objects.values("village_id")).count()


def generate(
    *, provinces: int, residents: int, seed: int, progress: Callable | None = None, history: bool = True
) -> Counts:
    """Add `residents` generated residents (with villages, teams, households and a year of visits)."""
    return Generator(provinces=provinces, residents=residents, seed=seed, progress=progress, history=history).run()


@transaction.atomic
def generated_reset() -> Counts:
    """Delete every village made by `generate` with all it holds; other data is left alone.

    Raise ProtectedError (deleting nothing) when other data, e.g. recorded visits, refers to it.
    """
    village_ids = GeneratedVillage.objects.values("village_id")
    counts = Counts(villages=GeneratedVillage.objects.count())
    if not counts.villages:
        return counts
    households = Household.objects.filter(village_id__in=village_ids)
    # Generated visits are the ones nobody entered; a visit someone recorded still protects its household.
    counts.visits = delete_rows(Visit.objects.filter(household__in=households.values("pk"), entered_by__isnull=True))
    households.update(head=None)
    residents = Resident.objects.filter(household__in=households.values("pk"))
    counts.residents = delete_rows(residents, handled=(Household,))
    counts.households = delete_rows(households)
    counts.members = delete_rows(Member.objects.filter(team__unit_id__in=village_ids))
    counts.teams = delete_rows(Team.objects.filter(unit_id__in=village_ids))
    Unit.objects.filter(pk__in=village_ids).delete()  # a few hundred rows; also drops the markers
    return counts
