"""What the database already holds for the communes an import touches, loaded in a few queries."""

from collections import defaultdict
from dataclasses import dataclass, field

from gocua.accounts.scope import scoped
from gocua.households.digital import INDICATOR_NAMES
from gocua.households.models import Household, Resident
from gocua.households.services import RESIDENT_FIELDS
from gocua.imports.addresses import village_key
from gocua.lib.text import fold
from gocua.places.models import Level, Unit

RESIDENT_COLUMNS = ("id", "household_id", *RESIDENT_FIELDS, "name_folded", "citizen_id_hash",
                    "citizen_id_encrypted", *INDICATOR_NAMES)
HASH_CHUNK = 500


@dataclass
class Villages:
    """The current villages of one commune, found by name with or without diacritics or kind word."""

    by_code: dict[str, Unit] = field(default_factory=dict)
    by_folded: dict[str, Unit] = field(default_factory=dict)
    by_key: dict[str, list[Unit]] = field(default_factory=lambda: defaultdict(list))

    def add(self, village: Unit) -> None:
        self.by_code[village.code] = village
        self.by_folded[fold(village.name)] = village
        self.by_key[village_key(village.name)].append(village)

    def find(self, text: str) -> Unit | None:
        found = self.by_folded.get(fold(text))
        if found is None:
            same = self.by_key.get(village_key(text), [])
            found = same[0] if len(same) == 1 else None
        return found


@dataclass
class State:
    communes: dict[str, Unit]
    villages: dict[str, Villages]  # commune code → its villages
    households: dict[tuple[int, str], dict]  # (village id, key) → household values
    residents_by_household: dict[int, list[dict]]
    residents_by_hash: dict[str, dict]
    taken_hashes: set[str]  # citizen ID hashes registered outside these communes


def commune_units(codes) -> dict[str, Unit]:
    """Return the current communes with these codes, by code."""
    units = Unit.objects.filter(code__in=list(codes), level=Level.COMMUNE, valid_to__isnull=True)
    return {u.code: u for u in units.select_related("parent")}


def load(actor, communes: dict[str, Unit], citizen_hashes: set[str]) -> State:
    """Load villages, households and residents of `communes` (scoped to `actor`) for matching."""
    codes = list(communes)
    villages: dict[str, Villages] = {code: Villages() for code in codes}
    for village in Unit.objects.filter(commune_code__in=codes, level=Level.VILLAGE, valid_to__isnull=True).order_by(
        "code"
    ):
        villages[village.commune_code].add(village)
    households = {
        (h["village_id"], h["household_key"]): h
        for h in scoped(actor, Household.objects.filter(commune_code__in=codes)).values(
            "id", "village_id", "household_key", "address_line", "head_id", "search_folded"
        )
    }
    by_household: dict[int, list[dict]] = defaultdict(list)
    by_hash: dict[str, dict] = {}
    for resident in scoped(actor, Resident.objects.filter(commune_code__in=codes)).values(*RESIDENT_COLUMNS):
        by_household[resident["household_id"]].append(resident)
        if resident["citizen_id_hash"]:
            by_hash[resident["citizen_id_hash"]] = resident
    taken = _taken_elsewhere(citizen_hashes - by_hash.keys())
    return State(communes, villages, households, by_household, by_hash, taken)


def _taken_elsewhere(hashes: set[str]) -> set[str]:
    # Deliberately unscoped: uniqueness is nationwide. Only the fact "taken" is used, never the row.
    pending, taken = sorted(hashes), set()
    for start in range(0, len(pending), HASH_CHUNK):
        chunk = pending[start : start + HASH_CHUNK]
        taken.update(Resident.objects.filter(citizen_id_hash__in=chunk).values_list("citizen_id_hash", flat=True))
    return taken
