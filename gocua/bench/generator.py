"""Bulk generation of villages, teams, households and residents for benchmarks.

The per-row services (village_create, resident_create, …) cost several queries and an
IndicatorChange insert per resident; at 100,000 residents that is minutes instead of
seconds. This module writes the same rows in bulk — `bulk_create` for villages, teams,
members and households (whose ids are needed), `bulk.insert_rows` for residents —
and sets everything the services would set: the denormalised province/commune/village
codes, the folded columns, the household search text and head, the encrypted/hashed/masked
citizen ID, and each commune's `next_child_seq` so that a later `village_create` never
reuses a code. It writes no IndicatorChange rows (generated data has no history yet).
Generated villages are listed in `GeneratedVillage`, so `generated_reset` removes them
(and everything in them) without touching other data.
"""

import datetime as dt
import functools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from gocua.bench import names, people
from gocua.bench.bulk import delete_rows, insert_rows
from gocua.bench.models import GeneratedVillage
from gocua.households import pii
from gocua.households.models import Household, Resident
from gocua.households.services import household_search_text
from gocua.lib import citizen_id
from gocua.lib.text import fold
from gocua.places.models import LEVEL_OF_KIND, Kind, Level, Unit
from gocua.places.services import REFORM_DATE
from gocua.teams.models import Member, Team

CHUNK_RESIDENTS = 10_000  # rows written per transaction: bounds memory, keeps progress visible
BATCH_SIZE = 2_000
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

    def __init__(self, *, provinces: int, residents: int, seed: int, progress: Callable | None = None):
        self.target, self.seed = residents, seed
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
        total, pending, planned = Counts(), [], 0
        started = time.monotonic()
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
        return total

    @transaction.atomic
    def write(self, planned: list[PlannedVillage]) -> Counts:
        counts = Counts()
        villages = self._write_villages(planned)
        counts.villages = len(villages)
        counts.teams, counts.members = self._write_teams(planned, villages)
        households, folks = self._build_households(planned, villages)
        Household.objects.bulk_create(households, batch_size=BATCH_SIZE)
        rows = [
            self._resident_row(h, person)
            for h, people_ in zip(households, folks, strict=True)
            for person in people_
        ]
        self._drop_taken_citizen_ids(rows)
        insert_rows(Resident, rows)
        first_head = (
            Resident.objects.filter(household=OuterRef("pk"), relation="head").order_by("pk").values("pk")[:1]
        )
        Household.objects.filter(village__in=villages).update(head=Subquery(first_head))
        counts.households, counts.residents = len(households), len(rows)
        counts.citizen_ids = sum(1 for r in rows if r.get("citizen_id_hash"))
        return counts

    @staticmethod
    def _write_teams(planned: list[PlannedVillage], villages: list[Unit]) -> tuple[int, int]:
        teams, members = [], []
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
        return len(teams), len(members)

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

    def _build_households(self, planned, villages) -> tuple[list[Household], list[list[people.Person]]]:
        households, folks = [], []
        for plan, village in zip(planned, villages, strict=True):
            for key, address, persons in plan.households:
                household = Household(village=village, household_key=key, address_line=address)
                household.set_codes_from(village)
                household.search_folded = household_search_text(household, persons[0].full_name)
                households.append(household)
                folks.append(persons)
        return households, folks

    @staticmethod
    def _resident_row(household: Household, person: people.Person) -> dict:
        """Return the columns `resident_create` would write for `person` (no IndicatorChange)."""
        row = {
            "household_id": household.pk,
            "full_name": person.full_name,
            "name_folded": folded(person.full_name),
            "birth_year": person.birth_year,
            "gender": person.gender,
            "relation": person.relation,
            "status": person.status,
            "phone": person.phone,
            "province_code": household.province_code,
            "commune_code": household.commune_code,
            "village_code": household.village_code,
            **person.indicators,
        }
        if person.citizen_id:
            row["citizen_id_encrypted"] = pii.encrypt(person.citizen_id)
            row["citizen_id_hash"] = pii.keyed_hash(person.citizen_id)
            row["citizen_id_masked"] = citizen_id.mask(person.citizen_id)
        return row

    def _drop_taken_citizen_ids(self, rows: list[dict]) -> None:
        """Leave out IDs that earlier data already holds (e.g. a second run with the same seed)."""
        with_id = [r for r in rows if r.get("citizen_id_hash")]
        taken = set()
        for start in range(0, len(with_id), 500):
            hashes = [r["citizen_id_hash"] for r in with_id[start : start + 500]]
            taken.update(
                Resident.objects.filter(citizen_id_hash__in=hashes).values_list("citizen_id_hash", flat=True)
            )
        for row in with_id:
            if row["citizen_id_hash"] in taken:
                del row["citizen_id_encrypted"], row["citizen_id_hash"], row["citizen_id_masked"]


def generate(*, provinces: int, residents: int, seed: int, progress: Callable | None = None) -> Counts:
    """Add `residents` generated residents (with villages, teams, households) in the first `provinces` provinces."""
    return Generator(provinces=provinces, residents=residents, seed=seed, progress=progress).run()


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
    households.update(head=None)
    residents = Resident.objects.filter(household__in=households.values("pk"))
    counts.residents = delete_rows(residents, handled=(Household,))
    counts.households = delete_rows(households)
    counts.members = delete_rows(Member.objects.filter(team__unit_id__in=village_ids))
    counts.teams = delete_rows(Team.objects.filter(unit_id__in=village_ids))
    Unit.objects.filter(pk__in=village_ids).delete()  # a few hundred rows; also drops the markers
    return counts
