"""Plan an import without writing: where each row goes, what it creates or changes, what is wrong.

Validation is the households services' own (`resident_clean`, `resident_apply_citizen_id`,
`indicators_clean`), so a row accepted here is a row the services would accept.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType, SimpleNamespace

from django.utils import timezone

from gocua.accounts.scope import in_scope
from gocua.errors import DomainError
from gocua.households import pii
from gocua.households.digital import Tri
from gocua.households.models import Resident
from gocua.households.services import (
    RESIDENT_FIELDS,
    indicators_clean,
    resident_apply_citizen_id,
    resident_clean,
)
from gocua.imports import addresses, grouping, layout, state
from gocua.imports.problems import Problem, from_domain_error
from gocua.imports.rows import MASKED, RowInput, gender_from_citizen_id
from gocua.places.models import Unit

NEW_VILLAGE, SKIP_VILLAGE = "new", "skip"
HEAD = Resident.Relation.HEAD
_FROM_UNKNOWN = {int(v): (Tri.UNKNOWN, v) for v in Tri.values}


@dataclass
class Choices:
    """The officer's decisions: a new commune per split legacy commune, what to do with each new village."""

    communes: dict[str, str] = field(default_factory=dict)  # legacy commune code → new commune code
    villages: dict[str, str] = field(default_factory=dict)  # proposal key → "new", "skip" or a village code

    @classmethod
    def from_dict(cls, data: dict | None) -> "Choices":
        data = data or {}
        return cls(dict(data.get("communes") or {}), dict(data.get("villages") or {}))

    def as_dict(self) -> dict:
        return {"communes": self.communes, "villages": self.villages}


@dataclass
class Proposal:
    """A village named in the roster that the commune does not have yet."""

    key: str
    commune: Unit
    variants: list[str]
    kind: str
    choice: str = NEW_VILLAGE
    rows: int = 0

    @property
    def name(self) -> str:
        return addresses.display_name(self.variants)


# One shared read-only empty value for what most of a big import's plans leave empty: a new
# container per plan would cost ~12 MB at 100,000 rows. Code that fills one assigns its own.
_EMPTY = MappingProxyType({})


def _empty() -> MappingProxyType:
    return _EMPTY  # a factory only because dataclasses refuse an unhashable default


class ResidentValues:
    """A resident's validated fields (`RESIDENT_FIELDS`), read as the dict `resident_clean` returns.

    Kept once per row of a big import: slots take ~100 bytes where the dict took ~270 (~17 MB at
    100,000 rows), and the name is the row's own string when cleaning left it as it was.
    """

    __slots__ = RESIDENT_FIELDS

    def __init__(self, data: dict, row: RowInput | None = None):
        for name in RESIDENT_FIELDS:
            setattr(self, name, data.get(name))
        if row is not None and self.full_name == row.full_name:
            self.full_name = row.full_name

    def __getitem__(self, name: str):
        if name not in RESIDENT_FIELDS:
            raise KeyError(name)
        return getattr(self, name)

    def get(self, name: str, default=None):
        return getattr(self, name) if name in RESIDENT_FIELDS else default

    def keys(self) -> tuple[str, ...]:
        return RESIDENT_FIELDS

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in RESIDENT_FIELDS}

    def __repr__(self) -> str:
        return f"ResidentValues({self.as_dict()!r})"


@dataclass(slots=True)
class ResidentPlan:
    row: RowInput
    existing: dict | None = None
    values: dict = field(default_factory=_empty)
    citizen: tuple[str, str, str] | None = None  # (encrypted, hash, masked) to store, None = keep
    indicators: dict = field(default_factory=_empty)
    changes: list[str] | tuple = ()
    # (old, new) per indicator an existing resident's row changes. Empty for a new resident: what
    # it records is derived from `indicators` (`marks_changed`), not kept per row (~27 MB at 100,000 rows).
    indicator_changes: dict = field(default_factory=_empty)

    def marks_changed(self) -> dict:
        """Return (old, new) per indicator this row records: for a new resident, (unknown, mark) per mark set."""
        if self.existing is not None:
            return self.indicator_changes
        return {n: _FROM_UNKNOWN[v] for n, v in self.indicators.items() if v != Tri.UNKNOWN}

    @property
    def action(self) -> str:
        if self.existing is None:
            return "new"
        return "updated" if self.changes or self.indicator_changes else "unchanged"


@dataclass
class HouseholdPlan:
    commune: Unit
    village: Unit | None
    proposal: Proposal | None
    key: str
    existing: dict | None = None
    residents: list[ResidentPlan] = field(default_factory=list)
    address_line: str = ""
    head_name: str = ""  # the current head's name (existing households)
    created_pk: int | None = None  # set by the writer

    @property
    def pk(self) -> int | None:
        return self.existing["id"] if self.existing else self.created_pk

    @property
    def head_id(self) -> int | None:
        return self.existing["head_id"] if self.existing else None

    @property
    def label(self) -> str:
        return self.village.name if self.village else self.proposal.name

    @property
    def valid(self) -> list[ResidentPlan]:
        return [r for r in self.residents if not r.row.problems]

    @property
    def address_changed(self) -> bool:
        return bool(self.existing and self.address_line and self.address_line != self.existing["address_line"])

    @property
    def action(self) -> str:
        if self.existing is None:
            return "new"
        touched = self.address_changed or any(r.action != "unchanged" for r in self.valid)
        return "updated" if touched else "unchanged"


@dataclass
class Plan:
    target: Unit | None
    rows: list[RowInput]
    households: list[HouseholdPlan]
    proposals: dict[str, Proposal]
    ambiguous: dict[str, dict]
    communes: dict[str, Unit]

    @property
    def problems(self) -> list[Problem]:
        return sorted((p for row in self.rows for p in row.problems), key=lambda p: (p.row, p.field))

    @property
    def household_count(self) -> int:
        """How many households the writer writes (as `stored.Stored.household_count`)."""
        return len(self.valid_households)

    @property
    def problem_rows(self) -> list[int]:
        return [row.number for row in self.rows if row.problems]

    @property
    def valid_households(self) -> list[HouseholdPlan]:
        return [h for h in self.households if h.valid]


# --- communes and villages ---------------------------------------------------------------------


def _commune_of(row: RowInput, res: addresses.Resolution, target: Unit | None, choices: Choices,
                ambiguous: dict) -> str | None:
    """Return the commune code a row lands in, or None with a problem recorded on the row."""
    if res.kind == addresses.UNKNOWN or (res.kind == addresses.VILLAGE_ONLY and target is None):
        row.problem(layout.ADDRESS, "address_unknown")
        return None
    if res.kind == addresses.VILLAGE_ONLY:
        return target.code
    code = res.targets[0]
    if len(res.targets) > 1 and (target is None or target.code in res.targets):
        group = ambiguous.setdefault(res.legacy_code, {
            "legacy_code": res.legacy_code, "label": res.legacy_label, "candidates": list(res.targets),
            "rows": 0, "chosen": "",
        })
        group["rows"] += 1
        chosen = choices.communes.get(res.legacy_code)
        if chosen not in res.targets:
            row.problem(layout.ADDRESS, "address_ambiguous", legacy=res.legacy_label)
            return None
        group["chosen"] = code = chosen
    if not res.village_text:
        row.problem(layout.ADDRESS, "no_village")
        return None
    return code


def _check_communes(rows_communes, target: Unit | None, actor) -> dict[str, Unit]:
    units = state.commune_units({code for _row, code in rows_communes})
    names = {code: unit.name for code, unit in units.items()}
    for row, code in rows_communes:
        unit = units.get(code)
        if unit is None:
            row.problem(layout.ADDRESS, "address_unknown")
        elif target is not None and code != target.code:
            row.problem(layout.ADDRESS, "address_outside", commune=names[code], target=target.name)
        elif target is None and not in_scope(actor, unit):
            row.problem(layout.ADDRESS, "address_outside", commune=names[code], target=str(actor.scope_unit))
    return units


def _village_of(row, res, commune: Unit, known: state.Villages, choices: Choices, proposals: dict, found: dict):
    """Return (village, proposal) for a row; (None, None) with a problem when the village is skipped."""
    cache_key = (commune.code, res.village_text)
    if cache_key not in found:
        village = known.find(res.village_text)
        found[cache_key] = (village, None if village else f"{commune.code}:{addresses.village_key(res.village_text)}")
    village, key = found[cache_key]
    if village is not None:
        return village, None
    proposal = proposals.get(key)
    if proposal is None:
        choice = choices.villages.get(key, NEW_VILLAGE)
        if choice not in (NEW_VILLAGE, SKIP_VILLAGE) and choice not in known.by_code:
            choice = NEW_VILLAGE
        kind = addresses.village_kind(res.village_text, commune.kind)
        proposal = proposals[key] = Proposal(key, commune, [], kind, choice)
    if res.village_text not in proposal.variants:
        proposal.variants.append(res.village_text)
    proposal.rows += 1
    if proposal.choice == SKIP_VILLAGE:
        row.problem(layout.ADDRESS, "village_skipped", name=proposal.name)
        return None, None
    if proposal.choice != NEW_VILLAGE:
        return known.by_code[proposal.choice], None
    return None, proposal


# --- residents ---------------------------------------------------------------------------------


def _match(row: RowInput, household: HouseholdPlan, st: state.State, claimed: dict) -> dict | None:
    """Return the existing resident a row updates (by citizen ID, else by name and birth year)."""
    existing_id = household.existing["id"] if household.existing else None
    found = None
    if row.citizen_hash:
        same = st.residents_by_hash.get(row.citizen_hash)
        if same is not None and same["household_id"] == existing_id:
            found = same
        elif same is not None or row.citizen_hash in st.taken_hashes:
            row.problem(layout.CITIZEN_ID, "citizen_id_taken")
            return None
    if found is None and existing_id is not None:
        people = [
            r for r in st.residents_by_household.get(existing_id, ())
            if r["name_folded"] == row.name_folded and row.birth_year in (None, r["birth_year"])
        ]
        found = people[0] if len(people) == 1 else None
    if found is not None:
        first = claimed.setdefault(found["id"], row.number)
        if first != row.number:
            row.problem(layout.FULL_NAME, "person_repeated", row=first)
            return None
    return found


def _resident_data(row: RowInput, existing: dict | None) -> dict:
    data = {f: existing[f] for f in RESIDENT_FIELDS} if existing else {}
    data["full_name"] = row.full_name
    if row.birth_year is not None:
        kept = data.get("birth_date")
        data["birth_year"] = row.birth_year
        data["birth_date"] = row.birth_date or (kept if kept and kept.year == row.birth_year else None)
    for name in ("relation", "status", "phone"):
        if getattr(row, name) is not None:
            data[name] = getattr(row, name)
    data["gender"] = row.gender or data.get("gender") or row.gender_hint or gender_from_citizen_id(row.citizen_id)
    return data


def plan_resident(row: RowInput, existing: dict | None, today=None) -> ResidentPlan:
    """Validate one row with the services' rules and compare it with the resident it updates.

    `today`: the local date, looked up once per plan rather than once per row.
    """
    plan = ResidentPlan(row, existing)
    values = _clean_all(row, _resident_data(row, existing), today)
    if values is None:
        return plan
    plan.values = values = ResidentValues(values, row)
    if row.citizen_id and row.citizen_id != MASKED:
        holder = SimpleNamespace(gender=values["gender"], birth_year=values["birth_year"])
        try:
            resident_apply_citizen_id(holder, row.citizen_id)
        except DomainError as exc:
            row.problems.append(from_domain_error(row.number, exc, layout.CITIZEN_ID))
            return plan
        if not existing or existing["citizen_id_hash"] != holder.citizen_id_hash:
            plan.citizen = (holder.citizen_id_encrypted, holder.citizen_id_hash, holder.citizen_id_masked)
    elif existing and existing["citizen_id_encrypted"] and _identity_changed(values, existing):
        # As resident_update does: the stored ID must still agree with a new gender or birth year.
        try:
            resident_apply_citizen_id(SimpleNamespace(**values), pii.decrypt(existing["citizen_id_encrypted"]))
        except DomainError:
            row.problem(layout.CITIZEN_ID, "citizen_id_stored_mismatch")
            return plan
    plan.indicators = _indicators(row.indicators)
    if existing is None:
        return plan  # what a new resident records is derived from its marks (`marks_changed`)
    plan.changes = [f for f in RESIDENT_FIELDS if values.get(f) != existing[f]]
    if plan.citizen:
        plan.changes.append("citizen_id")
    plan.indicator_changes = {n: (existing[n], v) for n, v in plan.indicators.items() if existing[n] != v}
    return plan


# Valid stand-ins for a field the services refused, so that the next field is checked too and the
# officer sees every problem of a row at once.
_STAND_INS = {"full_name": "x", "birth_year": 1980, "birth_date": None, "gender": "male", "relation": "other",
              "status": "living", "phone": ""}


def _clean_all(row: RowInput, data: dict, today) -> dict | None:
    """Return `resident_clean(data)`, or None after recording every field it refuses."""
    failed = False
    for _attempt in range(len(_STAND_INS)):
        try:
            cleaned = resident_clean(data, today=today)
        except DomainError as exc:
            row.problems.append(from_domain_error(row.number, exc, layout.FULL_NAME))
            failed = True
            data = {**data, exc.field: _STAND_INS.get(exc.field)}
            if exc.field == "birth_year":
                data["birth_date"] = None
            if exc.field not in _STAND_INS:
                return None
            continue
        if not failed:
            return cleaned
        if row.citizen_id and row.citizen_id != MASKED and data.get("birth_year") == cleaned["birth_year"]:
            _check_citizen_id_alone(row, cleaned)
        return None
    return None


def _check_citizen_id_alone(row: RowInput, cleaned: dict) -> None:
    try:
        resident_apply_citizen_id(SimpleNamespace(gender=cleaned["gender"], birth_year=cleaned["birth_year"]), row.citizen_id)
    except DomainError as exc:
        if exc.code in ("citizen_id_digits", "citizen_id_length", "citizen_id_province"):
            row.problems.append(from_domain_error(row.number, exc, layout.CITIZEN_ID))


@lru_cache(maxsize=256)
def _clean_indicator(name: str, value: int) -> tuple:
    return tuple(indicators_clean({name: value}).items())


def _indicators(values: dict) -> dict:
    """Return `indicators_clean(values)`, validating each distinct (indicator, mark) pair once.

    The helper checks each pair on its own, so the result is the same; a roster has at most
    14 × 3 distinct pairs but 100,000 rows.
    """
    cleaned = {}
    for name, value in values.items():
        cleaned.update(_clean_indicator(name, value))
    # The row's own dict when nothing changed, so that a row and its plan share one (~20 MB at 100,000 rows).
    return values if cleaned == values else cleaned


def _identity_changed(values: dict, existing: dict) -> bool:
    return values["gender"] != existing["gender"] or values["birth_year"] != existing["birth_year"]


def _check_heads(household: HouseholdPlan) -> None:
    valid = household.valid
    heads = [r for r in valid if r.values["relation"] == HEAD]
    head_id = household.existing["head_id"] if household.existing else None
    if head_id is not None:
        for r in heads:
            if r.existing is None or r.existing["id"] != head_id:
                r.row.problem(layout.RELATION, "household_has_head", key=household.key)
        return
    if valid and not heads:
        for r in valid:
            r.row.problem(layout.RELATION, "household_no_head", key=household.key)
    for r in heads[1:]:
        r.row.problem(layout.RELATION, "household_second_head", key=household.key, row=heads[0].row.number)


# --- the plan ----------------------------------------------------------------------------------


def build(*, actor, target: Unit | None, rows: list[RowInput], resolver, choices: Choices,
          progress=None) -> Plan:
    """Return the plan for `rows` imported into `target` (None: wherever each address lands).

    `progress(done, total)` is called now and then while rows are checked.
    """
    ambiguous: dict[str, dict] = {}
    located = []  # (row, resolution, commune code)
    grouping.assign(rows)  # w13a (issue 13): households without a key column get their stable key
    for row in rows:
        if not row.household_key:
            row.problem(layout.HOUSEHOLD_KEY, "household_key_missing")
        if not row.address:
            row.problem(layout.ADDRESS, "address_missing")
            continue
        res = resolver(row.address)
        code = _commune_of(row, res, target, choices, ambiguous)
        if code is not None:
            located.append((row, res, code))
    communes = _check_communes([(row, code) for row, _res, code in located], target, actor)
    located = [item for item in located if not any(p.field == layout.ADDRESS for p in item[0].problems)]
    hashes = {row.citizen_hash for row in rows if row.citizen_hash}
    st = state.load(actor, {code: communes[code] for _r, _s, code in located}, hashes)
    proposals: dict[str, Proposal] = {}
    groups: dict[tuple, HouseholdPlan] = {}
    grouped: set[int] = set()
    found: dict[tuple, tuple] = {}
    for row, res, code in located:
        commune = communes[code]
        village, proposal = _village_of(row, res, commune, st.villages[code], choices, proposals, found)
        if (village is None and proposal is None) or not row.household_key:
            continue
        ref = (village.code if village else proposal.key, row.household_key)
        household = groups.get(ref)
        if household is None:
            existing = st.households.get((village.pk, row.household_key)) if village else None
            household = groups[ref] = HouseholdPlan(commune, village, proposal, row.household_key, existing)
        household.residents.append(ResidentPlan(row))
        grouped.add(row.number)
        if res.address_line and (not household.address_line or row.relation == HEAD):
            household.address_line = res.address_line[:200]
    today = timezone.localdate()
    _plan_residents(groups.values(), st, progress or (lambda done, total: None), len(rows), today)
    for row in rows:
        if row.number not in grouped:
            plan_resident(row, None, today)  # report every problem of the row, not only where it goes
    progress and progress(len(rows), len(rows))
    return Plan(target, rows, list(groups.values()), proposals, ambiguous, communes)


def _plan_residents(households, st: state.State, progress, total: int, today) -> None:
    claimed: dict[int, int] = {}
    first_ids: dict[str, int] = {}
    done = 0
    for household in households:
        done += len(household.residents)
        if done % 2000 < len(household.residents):
            progress(done, total)
        if household.head_id:
            head = next((r for r in st.residents_by_household[household.pk] if r["id"] == household.head_id), {})
            household.head_name = head.get("full_name", "")
        people: dict[tuple, int] = {}
        for index, item in enumerate(household.residents):
            row = item.row
            if row.citizen_hash:
                first = first_ids.setdefault(row.citizen_hash, row.number)
                if first != row.number:
                    row.problem(layout.CITIZEN_ID, "citizen_id_repeated", row=first)
            person = (row.name_folded, row.birth_year)
            first = people.setdefault(person, row.number)
            if first != row.number:
                row.problem(layout.FULL_NAME, "person_repeated", row=first)
            existing = _match(row, household, st, claimed) if not row.problems else None
            household.residents[index] = plan_resident(row, existing, today)
        _check_heads(household)


# --- summary -----------------------------------------------------------------------------------

COUNT_KEYS = ("new", "updated", "unchanged")


def summary(plan: Plan) -> dict:
    """Return the figures of a plan as JSON-ready data (no personal data)."""
    villages: dict[str, dict] = {}
    households = dict.fromkeys(COUNT_KEYS, 0)
    residents = dict.fromkeys(COUNT_KEYS, 0)
    changed: dict[str, int] = defaultdict(int)
    for household in plan.households:
        ref = household.village.code if household.village else household.proposal.key
        entry = villages.setdefault(ref, {
            "code": household.village.code if household.village else "",
            "name": household.label, "commune": household.commune.name, "new_village": household.village is None,
            "households": dict.fromkeys(COUNT_KEYS, 0), "residents": dict.fromkeys(COUNT_KEYS, 0), "problem_rows": 0,
        })
        entry["problem_rows"] += len(household.residents) - len(household.valid)
        if not household.valid:
            continue
        entry["households"][household.action] += 1
        households[household.action] += 1
        for resident in household.valid:
            entry["residents"][resident.action] += 1
            residents[resident.action] += 1
            for name in [*resident.changes, *resident.indicator_changes]:
                changed[name] += resident.existing is not None
        if household.address_changed:
            changed["address_line"] += 1
    problem_rows = plan.problem_rows
    candidates = {c for group in plan.ambiguous.values() for c in group["candidates"]}
    plan.communes.update(state.commune_units(candidates - plan.communes.keys()))
    return {
        "rows": len(plan.rows),
        "valid_rows": len(plan.rows) - len(problem_rows),
        "problem_rows": len(problem_rows),
        "households": households,
        "residents": residents,
        "villages": sorted(villages.values(), key=lambda v: (v["commune"], v["new_village"], v["name"])),
        "changed_fields": {k: v for k, v in sorted(changed.items()) if v},
        "ambiguous": [
            {**group, "candidates": [
                {"code": c, "name": _name(plan, c), "default": i == 0} for i, c in enumerate(group["candidates"])
            ]}
            for group in sorted(plan.ambiguous.values(), key=lambda g: g["label"])
        ],
        "proposals": [
            {"key": p.key, "name": p.name, "kind": p.kind, "commune": p.commune.name, "rows": p.rows,
             "choice": p.choice}
            for p in sorted(plan.proposals.values(), key=lambda p: (p.commune.code, p.name))
        ],
    }


def _name(plan: Plan, code: str) -> str:
    unit = plan.communes.get(code)
    return unit.name if unit else code
