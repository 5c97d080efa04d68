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
import os
import random
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from gocua.bench import names, parallel, people
from gocua.bench.bulk import (
    IdBlock,
    Table,
    analyze,
    delete_rows,
    fast_load,
    fast_load_done,
    indexes_build,
    indexes_drop,
    reset_sequences,
    search_tables_pending,
    search_tables_restore,
    search_triggers_drop,
    skip_row_checks,
    uuid_hex,
)
from gocua.bench.history import DAYS, History, Home
from gocua.bench.models import GeneratedVillage
from gocua.households import pii
from gocua.households.digital import INDICATOR_NAMES, Tri
from gocua.households.models import Assignment, Household, IndicatorChange, Resident
from gocua.households.services import household_search_text
from gocua.lib import citizen_id, partitions
from gocua.lib.text import fold
from gocua.outreach.models import ServiceItem, Visit, VisitOutcome, VisitResident
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
    search_seconds: float = 0.0  # filling SQLite's search tables after it (alongside `meanwhile`)

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
    seq: int = 0  # the commune's child number: the village code's suffix

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


# Upper bounds per resident of a share, to set aside id ranges before any row exists: a village
# has at least one household, a team at most 9 members, a household at most 7 visits a year and a
# visit at most 3 residents checked. Shares get disjoint ranges, so ids have gaps between provinces.
IDS_PER_RESIDENT = {Unit: 1, Team: 1, Member: 9, Household: 1, Resident: 1, Visit: 7, VisitResident: 21}


@dataclass
class Share:
    """One province's part of a run: planned from its own seeded RNGs, written in its own id ranges.

    Shares are independent — separate communes, id ranges and citizen ID serials — so they can be
    written one after another or by separate processes at once, with the same rows either way.
    """

    index: int
    count: int
    province: Unit
    communes: list[Unit]
    residents: int
    first_ids: dict[type, int]
    child_names: dict[int, set[str]]  # commune id -> folded names of its current villages


@dataclass
class Chunk:
    """The rows of a few villages, built in memory and written in one transaction."""

    villages: list[Unit]
    markers: list[GeneratedVillage]
    teams: list[Team]
    members: list[Member]
    communes: dict[int, int]  # commune id -> next_child_seq after these villages
    households: Table
    residents: Table


class ShareWriter:
    """Plan and write one share, chunk by chunk."""

    def __init__(self, share: Share, *, seed: int, today: dt.date, items: list, history: bool):
        code = share.province.code
        self.share, self.seed, self.today, self.year = share, seed, today, today.year
        self.with_history = history
        self.rng = random.Random(f"{seed}:{code}")
        self.ids = people.CitizenIds(self.rng, part=(share.index, share.count))
        self.cursor = CommuneCursor(self.rng, share.province, share.communes)
        self.profiles: dict[int, people.Profile] = {}
        self.seq = {c.pk: c.next_child_seq for c in share.communes}
        self.keys = IdBlock.starting_at(share.first_ids)
        # UUIDs from their own RNG (they never shift the people drawn), new for each run on the same database.
        self.key_rng = random.Random(f"{seed}:uuid:{code}:{share.first_ids[Household]}")
        history_rng = random.Random(f"{seed}:history:{code}:{share.first_ids[Visit]}")
        self.history = History(history_rng, today, self.keys, items=items)

    # --- planning (pure Python, seeded) ---------------------------------------------------

    def _village_kind(self, commune: Unit) -> str:
        if commune.kind == Kind.PHUONG:
            return Kind.TO_DAN_PHO
        if commune.province_code in SOUTH_PROVINCES and commune.kind == Kind.XA:
            return Kind.AP
        if commune.province_code in MOUNTAIN_PROVINCES and self.rng.random() < 0.6:
            return Kind.BAN
        return Kind.THON

    def _village_name(self, commune: Unit, kind: str, seq: int) -> str:
        taken = self.share.child_names.setdefault(commune.pk, set())
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

    def plan_village(self, budget: int) -> PlannedVillage:
        rng = self.rng
        commune = self.cursor.next()
        if commune.pk not in self.profiles:
            self.profiles[commune.pk] = people.Profile.draw(rng, urban=commune.kind == Kind.PHUONG)
        profile = self.profiles[commune.pk]
        kind = self._village_kind(commune)
        seq = self.seq[commune.pk]
        self.seq[commune.pk] = seq + 1
        name = self._village_name(commune, kind, seq)
        team, members = self._team(name) if rng.random() < 0.9 else (None, [])
        village = PlannedVillage(commune, kind, name, team, members, seq=seq)
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

    # --- building rows (no database) and writing them ----------------------------------------

    def chunks(self):
        """Yield the share's chunks, built and ready for `write` (planning draws no query)."""
        left, pending = self.share.residents, []
        while left > 0:
            village = self.plan_village(left)
            left -= village.residents
            pending.append(village)
            if sum(v.residents for v in pending) >= CHUNK_RESIDENTS or left <= 0:
                yield self.build(pending)
                pending = []

    def build(self, planned: list[PlannedVillage]) -> Chunk:
        villages = [self._village(plan) for plan in planned]
        markers = [GeneratedVillage(village=v, seed=self.seed) for v in villages]
        teams, members, current = self._teams(planned, villages)
        households = Table(Household, HOUSEHOLD_COLUMNS)
        residents = Table(Resident, RESIDENT_COLUMNS)
        homes = self._add_households(planned, villages, current, households, residents)
        if self.with_history:
            for home, assign_to in homes:
                self.history.add(home, assign_to)
        communes = {plan.commune.pk: plan.seq + 1 for plan in planned}  # planned in order: the last wins
        return Chunk(villages, markers, teams, members, communes, households, residents)

    @transaction.atomic
    def write(self, chunk: Chunk) -> Counts:
        """Write one chunk in one transaction; return what it added."""
        skip_row_checks()
        Unit.objects.bulk_create(chunk.villages, batch_size=BATCH_SIZE)
        for commune_id, next_seq in chunk.communes.items():
            Unit.objects.filter(pk=commune_id, next_child_seq__lt=next_seq).update(next_child_seq=next_seq)
        GeneratedVillage.objects.bulk_create(chunk.markers, batch_size=BATCH_SIZE)
        Team.objects.bulk_create(chunk.teams, batch_size=BATCH_SIZE)
        Member.objects.bulk_create(chunk.members, batch_size=BATCH_SIZE)
        counts = Counts(
            villages=len(chunk.villages),
            teams=len(chunk.teams),
            members=len(chunk.members),
            citizen_ids=self._drop_taken_citizen_ids(chunk.residents),
        )
        chunk.households.flush()
        chunk.residents.flush()
        before = self.history.counts
        self.history.flush()
        after = self.history.counts
        for name in ("visits", "visit_residents", "outcomes", "indicator_changes", "assignments"):
            setattr(counts, name, getattr(after, name) - getattr(before, name))
        counts.households, counts.residents = chunk.households.written, chunk.residents.written
        return counts

    def _village(self, plan: PlannedVillage) -> Unit:
        commune = plan.commune
        code = f"{commune.code}-{plan.seq:03d}"
        return Unit(
            pk=self.keys.take(Unit),
            code=code,
            name=plan.name,
            name_folded=fold(plan.name),
            kind=plan.kind,
            level=LEVEL_OF_KIND[plan.kind],
            parent_id=commune.pk,
            province_code=commune.province_code,
            commune_code=commune.code,
            village_code=code,
            valid_from=REFORM_DATE,
        )

    def _teams(self, planned, villages) -> tuple[list[Team], list[Member], list[tuple[int | None, list[int]]]]:
        """Build teams and members; return them and (team id, current member ids) per village for the history."""
        teams, members, current = [], [], []
        for plan, village in zip(planned, villages, strict=True):
            if not plan.team:
                current.append((None, []))
                continue
            name = plan.team["name"]
            team = Team(
                pk=self.keys.take(Team), unit_id=village.pk, name=name, name_folded=fold(name),
                founded_on=plan.team["founded_on"],
            )
            team.province_code, team.commune_code = village.province_code, village.commune_code
            team.village_code = village.village_code
            teams.append(team)
            mine = [
                Member(pk=self.keys.take(Member), team_id=team.pk, name_folded=folded(m["full_name"]), **m)
                for m in plan.members
            ]
            members.extend(mine)
            current.append((team.pk, [m.pk for m in mine if m.left_on is None]))
        return teams, members, current

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
                    residents.add(_resident_row(first + i, uuid_hex(uuids.getrandbits(128)), household_id, codes, person))
                    people_.append((first + i, person.birth_year, person.status, person.indicators))
                home = Home(household_id, codes, people_, team_id, member_ids, coverage)
                homes.append((home, member_ids[n % len(member_ids)] if member_ids else None))
        return homes

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


class Generator:
    """Split a run into one share per province, then write the shares — in parallel processes when it pays."""

    def __init__(
        self,
        *,
        provinces: int,
        residents: int,
        seed: int,
        progress: Callable | None = None,
        history: bool = True,
        workers: int | None = None,
    ):
        self.target, self.seed, self.with_history = residents, seed, history
        self.today = timezone.localdate()
        self.progress = progress or (lambda **kw: None)
        self.workers = workers
        units = Unit.objects.filter(valid_to__isnull=True, level__in=[Level.PROVINCE, Level.COMMUNE])
        by_province: dict[str, list[Unit]] = {}
        province_units = []
        for unit in units.order_by("level", "code"):
            if unit.level == Level.PROVINCE:
                province_units.append(unit)
            else:
                by_province.setdefault(unit.province_code, []).append(unit)
        self.provinces = [(p, by_province[p.code]) for p in province_units[:provinces]]

    def shares(self) -> list[Share]:
        """Give each province an equal share of the residents and its own id ranges."""
        communes = [c for _p, cs in self.provinces for c in cs]
        child_names: dict[int, set[str]] = {}
        villages = Unit.objects.filter(parent__in=[c.pk for c in communes], valid_to__isnull=True)
        for parent_id, name_folded in villages.values_list("parent_id", "name_folded"):
            child_names.setdefault(parent_id, set()).add(name_folded)
        next_ids = IdBlock(*IDS_PER_RESIDENT).next
        count = len(self.provinces)
        size, extra = divmod(self.target, count)
        shares = []
        for index, (province, its_communes) in enumerate(self.provinces):
            residents = size + (1 if index < extra else 0)
            shares.append(
                Share(
                    index, count, province, its_communes, residents, dict(next_ids),
                    {c.pk: child_names.get(c.pk, set()) for c in its_communes},
                )
            )
            for model, per_resident in IDS_PER_RESIDENT.items():
                next_ids[model] += per_resident * residents
        return [share for share in shares if share.residents > 0]

    def _workers(self, shares: list[Share]) -> int:
        """How many processes: one per core from DROP_INDEXES_FROM residents (or as asked), never more
        than shares; one inside a transaction or on an in-memory database (others could not see it)."""
        connection = transaction.get_connection()
        if connection.in_atomic_block or (connection.vendor == "sqlite" and connection.is_in_memory_db()):
            return 1
        wanted = self.workers
        if wanted is None:
            wanted = (os.cpu_count() or 1) if self.target >= DROP_INDEXES_FROM else 1
        return max(1, min(wanted, len(shares)))

    def run(self, meanwhile: Callable[[AbstractContextManager], object] | None = None) -> Counts:
        """Write everything, then call `meanwhile(turn)` (e.g. the rollups' rebuild and check).

        For a big run, drop the secondary indexes and SQLite's search triggers first; afterwards
        build the indexes, then fill the search tables in another process while `meanwhile` runs:
        it may read at any time, and write only inside `with turn:` (SQLite has one writer).
        """
        meanwhile = meanwhile or (lambda turn: None)
        indexes_build()  # what a run that died half-way left to build
        # PostgreSQL: the months the back-dated history falls in get their partitions before the
        # load, so COPY routes each row to its month instead of the default partition.
        partitions.ensure(transaction.get_connection(), since=self.today - dt.timedelta(days=DAYS + 1))
        if self.target < DROP_INDEXES_FROM or transaction.get_connection().in_atomic_block:
            counts = self._run()
            analyze(*ANALYZED)
            meanwhile(nullcontext())
            return counts
        indexes_drop(*BIG_TABLES, Visit.members.through)
        search_triggers_drop()
        try:
            counts = self._run()
        except BaseException:
            indexes_build()  # indexes and search tables whole again before the error goes up
            raise
        started = time.monotonic()
        indexes_build(search=False)
        analyze(*ANALYZED)
        counts.index_seconds = time.monotonic() - started
        if search_tables_pending():  # SQLite
            started = time.monotonic()
            parallel.beside(search_tables_restore, meanwhile)
            counts.search_seconds = time.monotonic() - started
        else:
            meanwhile(nullcontext())
        return counts

    def _run(self) -> Counts:
        shares = self.shares()
        items = list(ServiceItem.objects.filter(is_active=True).order_by("pk").values_list("pk", "indicators"))
        config = {"seed": self.seed, "today": self.today, "items": items, "history": self.with_history}
        total, started = Counts(), time.monotonic()

        def report(counts: Counts) -> None:
            total.add(counts)
            self.progress(counts=total, target=self.target, seconds=time.monotonic() - started)

        workers = self._workers(shares)
        if workers == 1:
            fast_load()
            for share in shares:
                writer = ShareWriter(share, **config)
                for chunk in writer.chunks():
                    report(writer.write(chunk))
        else:
            parallel.run(shares, config, workers=workers, report=report)
        reset_sequences(*IDS_PER_RESIDENT)
        fast_load_done()
        return total


def real_households() -> int:
    """Return how many households lie in villages that `generate` did not make (real data)."""
    return Household.objects.exclude(village_id__in=GeneratedVillage.objects.values("village_id")).count()


def generate(*, meanwhile: Callable[[AbstractContextManager], object] | None = None, **options) -> Counts:
    """Add generated residents (with villages, teams, households and a year of visits).

    `options` are Generator's (provinces, residents, seed, progress, history, workers);
    `meanwhile` is called once everything is written and indexed (see `Generator.run`).
    """
    return Generator(**options).run(meanwhile)


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
