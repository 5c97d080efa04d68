"""Write a plan: villages through places.services, households and residents in bulk, one transaction.

A 100,000-row roster through `resident_create` one by one costs minutes; here the rows the
planner validated with the services' own helpers are written with a few statements per
table, with everything the services would write: scope codes, folded names, the household
search text and head, the encrypted citizen ID, one IndicatorChange per indicator set (source
"import"), and the rollups of every village touched (`refresh_villages`).
"""

import uuid
from collections import defaultdict
from contextlib import nullcontext
from types import SimpleNamespace

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.permissions import can_edit_registry
from gocua.errors import Conflict, Forbidden
from gocua.households.models import Household, IndicatorChange, Resident
from gocua.households.services import RESIDENT_FIELDS, household_search_text
from gocua.imports import bulkload
from gocua.imports.planner import NEW_VILLAGE, HouseholdPlan, Plan
from gocua.indicators.rollups import refresh_villages
from gocua.lib.text import clean_name, fold
from gocua.places.services import village_create

BATCH = 2_000
_PREPARED = {"UUIDField", "DateField", "DateTimeField"}
CITIZEN_COLUMNS = ("citizen_id_encrypted", "citizen_id_hash", "citizen_id_masked")


class _Inserter:
    """Insert rows of one model given as attname → value dicts, a batch per statement.

    Values go to the driver as they are, except the columns in `convert`, which Django prepares
    (UUIDs, dates); callers prepare constant values (the timestamp) once themselves. Rows are
    written as they come, so a 700,000-row history never sits in memory at once.
    """

    def __init__(self, model, *, convert: tuple[str, ...] = ()):
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.names = [f.attname for f in fields]
        # Columns a caller does not name get their model default (so a new column with a default
        # needs no change here).
        self.defaults = {f.attname: f.get_default() for f in fields if f.has_default() and not callable(f.default)}
        self.prepared = [(f.attname, f) for f in (model._meta.get_field(n) for n in convert)]
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        self.pending: list[tuple] = []
        self.count = 0

    def add(self, row: dict) -> None:
        if len(row) < len(self.names):
            row = {**self.defaults, **row}
        for name, f in self.prepared:
            row[name] = f.get_db_prep_save(row[name], connection)
        self.pending.append(tuple(row[n] for n in self.names))
        if len(self.pending) >= BATCH:
            self.flush()

    def add_tuple(self, values: tuple) -> None:
        """Add a row given as values in `self.names` order, already prepared (the hot path)."""
        self.pending.append(values)
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.pending)
            self.count += len(self.pending)
            self.pending = []


def _db_time(model, now):
    return model._meta.get_field("updated_at" if model is not IndicatorChange else "changed_at").get_db_prep_save(
        now, connection
    )


def _update(model, rows: list[tuple[tuple[str, ...], dict, int]]) -> None:
    """Update rows given as (attnames, values, id), one executemany per distinct set of columns."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    table = connection.ops.quote_name(model._meta.db_table)
    groups: dict[tuple[str, ...], list] = defaultdict(list)
    for names, values, pk in rows:
        params = [
            fields[n].get_db_prep_save(values[n], connection)
            if fields[n].get_internal_type() in _PREPARED else values[n]
            for n in names
        ]
        groups[names].append((*params, pk))
    with connection.cursor() as cursor:
        for names, params in groups.items():
            assignments = ", ".join(f"{connection.ops.quote_name(fields[n].column)} = %s" for n in names)
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", params)


def write(plan, *, actor, source_ref: str = "") -> dict:
    """Write the valid rows of `plan` in one transaction; return how many rows of each kind changed.

    `plan`: a `planner.Plan`, or a stored plan (`stored.Stored`), written a chunk of households at
    a time so that a big plan is never in memory at once. Either way one transaction: a failure in
    any chunk writes nothing.
    """
    if isinstance(plan, Plan):
        households = plan.valid_households
        parts, communes = [households], {h.commune.code: h.commune for h in households}.values()
        new_residents = sum(1 for h in households for r in h.valid if r.existing is None)
    else:
        parts, communes, new_residents = plan.chunks(), plan.communes.values(), plan.new_residents
    for commune in communes:
        if not can_edit_registry(actor, commune):
            raise Forbidden("forbidden", _("This commune is outside your area."))
    now = timezone.now()
    counts = dict.fromkeys(("villages_created", "households_created", "residents_created", "residents_updated"), 0)
    villages: dict[str, object] = {}  # proposal key → the village created for it, across chunks
    codes: set[str] = set()
    try:
        with transaction.atomic():
            big = bulkload.worth_it(new_residents)
            with bulkload.loading() if big else nullcontext():
                first_new = _top_resident_id() if big else None
                for households in parts:
                    counts["villages_created"] += _create_villages(households, actor, villages)
                    counts["households_created"] += _write_households(households, actor, now)
                    ids = _insert_residents(households, actor, now)
                    counts["residents_created"] += len(ids)
                    _update_residents(households, now)
                    _record_changes(households, ids, actor, now, source_ref, skip_new=big)
                    _set_heads(households, ids, now)
                    counts["residents_updated"] += sum(
                        1 for h in households for r in h.valid if r.action == "updated")
                    codes.update(h.village.code for h in households)
                if big:
                    _record_new_changes(first_new, actor, _db_time(IndicatorChange, now), IndicatorChange.Source.IMPORT,
                                        source_ref[:64])
            refresh_villages(sorted(codes))
    except IntegrityError:
        raise Conflict(
            "import_conflict",
            _("Someone changed the same households while you were importing; open the preview again."),
        ) from None
    return counts


def _create_villages(households: list[HouseholdPlan], actor, villages: dict) -> int:
    """Create the villages the officer accepted for `households`; return how many (`villages`: made so far)."""
    made = len(villages)
    for household in households:
        proposal = household.proposal
        if household.village is None and proposal.choice == NEW_VILLAGE:
            if proposal.key not in villages:
                villages[proposal.key] = village_create(
                    actor=actor, commune=proposal.commune, name=proposal.name, kind=proposal.kind
                )
            household.village = villages[proposal.key]
    return len(villages) - made


def _head_name(household: HouseholdPlan) -> str:
    for resident in household.valid:
        if resident.values["relation"] == Resident.Relation.HEAD:
            return resident.values["full_name"]
    return household.head_name


def _write_households(households: list[HouseholdPlan], actor, now) -> int:
    """Create the new households and update changed ones; return how many were created."""
    stamp, inserter = _db_time(Household, now), _Inserter(Household, convert=("uuid",))
    created: dict[uuid.UUID, HouseholdPlan] = {}
    changed = []
    for plan in households:
        # household_search_text reads two attributes: a namespace, not a model instance per household.
        row = SimpleNamespace(household_key=plan.key, address_line=clean_name(
            plan.address_line or (plan.existing or {}).get("address_line", "")))
        search = household_search_text(row, _head_name(plan))
        if plan.existing is None:
            key = uuid.uuid4()
            village = plan.village
            inserter.add({
                "uuid": key, "village_id": village.pk, "household_key": plan.key, "address_line": row.address_line,
                "head_id": None, "search_folded": search, "created_at": stamp, "created_by_id": actor.pk,
                "updated_at": stamp, "province_code": village.province_code, "commune_code": village.commune_code,
                "village_code": village.village_code,
            })
            created[key] = plan
        elif (row.address_line, search) != (plan.existing["address_line"], plan.existing["search_folded"]):
            values = {"address_line": row.address_line, "search_folded": search, "updated_at": now}
            changed.append((tuple(values), values, plan.existing["id"]))
    inserter.flush()
    keys = list(created)
    for start in range(0, len(keys), BATCH):
        for key, pk in Household.objects.filter(uuid__in=keys[start : start + BATCH]).values_list("uuid", "id"):
            created[key].created_pk = pk
    _update(Household, changed)
    return len(created)


def _insert_residents(households: list[HouseholdPlan], actor, now) -> dict[int, int]:
    """Insert the new residents; return their ids by row number.

    The hot path of a big import (one row per new resident): each row is a copy of one template
    in column order with the varying columns set, as `_record_changes` does; no dict per row.
    """
    stamp, inserter = _db_time(Resident, now), _Inserter(Resident)
    order = inserter.names
    at = {name: i for i, name in enumerate(order)}
    template = [inserter.defaults.get(name) for name in order]
    for name, value in (("created_at", stamp), ("updated_at", stamp), ("created_by_id", actor.pk)):
        template[at[name]] = value
    for f in _indicator_fields():
        template[at[f.attname]] = f.default
    uuid_db, date_db = _uuid_to_db(), connection.ops.adapt_datefield_value
    i_uuid, i_household, i_folded, i_birth_date, i_phone = (
        at[n] for n in ("uuid", "household_id", "name_folded", "birth_date", "phone"))
    values_at = [(f, at[f]) for f in RESIDENT_FIELDS if f not in ("birth_date", "phone")]
    citizen_at = [at[n] for n in CITIZEN_COLUMNS]
    codes_at = [at[n] for n in ("province_code", "commune_code", "village_code")]
    no_citizen = ("", None, "")
    filled = {"uuid", "household_id", "name_folded", *RESIDENT_FIELDS, *CITIZEN_COLUMNS, "created_at", "updated_at",
              "created_by_id", "province_code", "commune_code", "village_code", *(f.attname for f in _indicator_fields())}
    if set(order) - filled - inserter.defaults.keys():  # a new column would silently be written as NULL
        raise RuntimeError("Resident has a column the importer does not fill")
    ids: dict[int, int] = {}
    numbers: dict[uuid.UUID, int] = {}

    def fetch_ids() -> None:
        inserter.flush()
        keys = list(numbers)
        for start in range(0, len(keys), BATCH):
            for key, pk in Resident.objects.filter(uuid__in=keys[start : start + BATCH]).values_list("uuid", "id"):
                ids[numbers[key]] = pk
        numbers.clear()

    add = inserter.add_tuple
    for household in households:
        village = household.village
        row = list(template)
        row[i_household] = household.pk
        for i, code in zip(codes_at, (village.province_code, village.commune_code, village.village_code),
                           strict=True):
            row[i] = code
        for resident in household.valid:
            if resident.existing is not None:
                continue
            values = resident.values
            key = uuid.uuid4()
            for name, i in values_at:
                row[i] = values.get(name)
            birth_date = values.get("birth_date")
            row[i_birth_date] = date_db(birth_date) if birth_date is not None else None
            row[i_phone] = values.get("phone") or ""
            for name, mark in resident.indicators.items():
                row[at[name]] = mark
            for i, value in zip(citizen_at, resident.citizen or no_citizen, strict=True):
                row[i] = value
            row[i_uuid] = uuid_db(key)
            row[i_folded] = (resident.row.name_folded if values["full_name"] == resident.row.full_name
                             else fold(values["full_name"]))
            add(tuple(row))
            for name in resident.indicators:  # the next resident starts from the defaults again
                row[at[name]] = template[at[name]]
            numbers[key] = resident.row.number
            if len(numbers) >= 10 * BATCH:
                fetch_ids()
    fetch_ids()
    return ids


def _uuid_to_db():
    """Return how a UUID goes to this database's driver (what UUIDField.get_db_prep_value does)."""
    if connection.features.has_native_uuid_field:
        return lambda value: value
    return lambda value: value.hex


def _indicator_fields():
    from gocua.households.digital import INDICATOR_NAMES

    return [Resident._meta.get_field(name) for name in INDICATOR_NAMES]


def _update_residents(households: list[HouseholdPlan], now) -> None:
    rows = []
    for household in households:
        for resident in household.valid:
            if resident.action != "updated":
                continue
            values = {f: resident.values.get(f) for f in resident.changes if f in RESIDENT_FIELDS}
            if "phone" in values:
                values["phone"] = values["phone"] or ""
            if "full_name" in values:
                values["name_folded"] = fold(values["full_name"])
            if resident.citizen:
                values.update(zip(CITIZEN_COLUMNS, resident.citizen, strict=True))
            values.update({name: new for name, (_old, new) in resident.indicator_changes.items()})
            values["updated_at"] = now
            rows.append((tuple(values), values, resident.existing["id"]))
    _update(Resident, rows)


def _top_resident_id() -> int:
    return Resident.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _record_new_changes(above: int, actor, stamp, source: str, ref: str) -> None:
    """Record the marks of the residents with an id above `above` with one INSERT … SELECT per indicator.

    What the row-by-row path records for a new resident: (unknown → mark) per indicator it sets;
    the columns it does not set hold their default, unknown. Only inside the import's write
    transaction on SQLite (the write lock is held: every such id is this import's).
    """
    from gocua.households.digital import INDICATOR_NAMES, Tri

    quote = connection.ops.quote_name
    columns = ", ".join(quote(IndicatorChange._meta.get_field(n).column) for n in (
        "resident", "province_code", "indicator", "old_value", "new_value", "changed_at", "changed_by", "source",
        "source_ref"))
    with connection.cursor() as cursor:
        for name in INDICATOR_NAMES:
            column = quote(Resident._meta.get_field(name).column)
            cursor.execute(
                f"INSERT INTO {quote(IndicatorChange._meta.db_table)} ({columns}) "
                f"SELECT id, province_code, %s, %s, {column}, %s, %s, %s, %s FROM {quote(Resident._meta.db_table)} "
                f"WHERE id > %s AND {column} != %s ORDER BY id",
                [name, int(Tri.UNKNOWN), stamp, actor.pk, source, ref, above, int(Tri.UNKNOWN)],
            )


def _record_changes(households: list[HouseholdPlan], ids: dict[int, int], actor, now, source_ref: str,
                    *, skip_new: bool = False) -> None:
    """Insert one IndicatorChange per indicator a row sets or changes.

    With `skip_new` (a big import on SQLite), the new residents' changes are made by SQL from the
    rows written, once at the end (`_record_new_changes`); the updated residents' here as usual.
    """
    stamp, inserter = _db_time(IndicatorChange, now), _Inserter(IndicatorChange)
    source, ref = IndicatorChange.Source.IMPORT, source_ref[:64]
    # A 100,000-row roster records ~700,000 changes: each row is a copy of one template list with
    # the varying columns set, in column order (no dict per row).
    order = inserter.names
    if set(order) != _CHANGE_COLUMNS:  # a new column would silently be written as NULL
        raise RuntimeError("IndicatorChange has a column the importer does not fill")
    at = {name: i for i, name in enumerate(order)}
    row = [None] * len(order)
    row[at["changed_at"]], row[at["changed_by_id"]] = stamp, actor.pk
    row[at["source"]], row[at["source_ref"]] = source, ref
    i_resident, i_province, i_indicator, i_old, i_new = (
        at[n] for n in ("resident_id", "province_code", "indicator", "old_value", "new_value"))
    add = inserter.add_tuple
    for household in households:
        row[i_province] = household.village.province_code
        for resident in household.valid:
            if skip_new and resident.existing is None:
                continue
            row[i_resident] = resident.existing["id"] if resident.existing else ids[resident.row.number]
            for name, (old, new) in resident.marks_changed().items():
                row[i_indicator], row[i_old], row[i_new] = name, old, new
                add(tuple(row))
    inserter.flush()


_CHANGE_COLUMNS = {"resident_id", "province_code", "indicator", "old_value", "new_value", "changed_at",
                   "changed_by_id", "source", "source_ref"}


def _set_heads(households: list[HouseholdPlan], ids: dict[int, int], now) -> None:
    rows = []
    for household in households:
        if household.head_id:
            continue
        head = next((r for r in household.valid if r.values["relation"] == Resident.Relation.HEAD), None)
        if head is not None:
            pk = head.existing["id"] if head.existing else ids[head.row.number]
            rows.append((("head_id", "updated_at"), {"head_id": pk, "updated_at": now}, household.pk))
    _update(Household, rows)
