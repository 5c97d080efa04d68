"""The Citus distribution-key check (issue 16, point 6; docs/SCALING.md, "What Citus needs").

Tables meant to be distributed by province may only have unique keys that include `province_code`:
Citus cannot enforce a unique key across shards otherwise. The schema does not meet that yet — the
keys it must change are listed in docs/SCALING.md — so this check is a ratchet:

- a NEW unique key without `province_code` on a distributed table fails (a table added to the
  list, or a constraint added to one of them);
- a known gap that has been closed fails too until it is taken off KNOWN_GAPS, so the list only shrinks;
- a distributed table without the `province_code` column fails unless listed in WITHOUT_THE_COLUMN,
  which only shrinks too;
- every model that carries a `province_code` column must be classified here (distributed,
  reference, or kept on the coordinator), so a new registry table cannot slip past the check.
"""

from django.apps import apps

# Tables distributed by province_code under Citus (co-located with each other).
DISTRIBUTED = {
    "households_household", "households_resident", "households_indicatorchange", "households_assignment",
    "households_householdmove", "households_residentmove",
    "outreach_visit", "outreach_visitresident", "outreach_visitoutcome", "outreach_visit_members",
    "teams_team", "teams_member",
    "community_project", "community_ledgerentry", "outreach_communitysession", "field_syncconflict",
    "helprequests_helprequest", "helprequests_spammark",
    "learning_assessment", "learning_enrolment",
}
# Models with a province_code that are not distributed, and why.
NOT_DISTRIBUTED = {
    "places_unit": "reference table: the map, small and read everywhere",
    "places_reorganisation": "coordinator: a map change spans provinces",
    "accounts_auditevent": "coordinator: append-only log, partitioned by month (gocua/lib/partitions.py)",
    # An alert may target the nation: a handful of rows read by every team, so a reference table.
    "alerts_alert": "reference table: few rows, read by every province's teams",
    # Warnings and their counts follow the household's province; the counts are summed on read.
    "alerts_householdwarned": "distributed by the household's province once it carries the code (SCALING.md)",
    "alerts_warnedcount": "small per-unit counts: keyed by unit code, like the rollup tables",
    "households_prioritygroupsetting": "small per-commune settings: keyed by commune, like the rollup tables",
    "indicators_target": "reference table: a few thousand targets, read by every dashboard",
    "reports_unitreport": "coordinator: one report per unit and period, reviewed one level up",
}

# Unique keys (as column tuples) of distributed tables that do not include province_code yet:
# each one is a step of the migration described in docs/SCALING.md.
KNOWN_GAPS = {
    ("households_household", ("id",)), ("households_household", ("uuid",)),
    ("households_household", ("village_id", "household_key")),
    ("households_resident", ("id",)), ("households_resident", ("uuid",)),
    ("households_resident", ("citizen_id_hash",)),
    ("households_indicatorchange", ("id",)),
    ("households_assignment", ("id",)), ("households_assignment", ("household_id", "member_id")),
    ("households_householdmove", ("id",)), ("households_residentmove", ("id",)),
    ("outreach_visit", ("id",)), ("outreach_visit", ("uuid",)),
    # Residents checked and outcomes carry their visit's province in their other keys (outreach 0003).
    ("outreach_visitresident", ("id",)), ("outreach_visitoutcome", ("id",)),
    ("outreach_visit_members", ("id",)), ("outreach_visit_members", ("visit_id", "member_id")),
    ("teams_team", ("id",)), ("teams_member", ("id",)), ("teams_member", ("user_id",)),
    ("community_project", ("id",)), ("community_ledgerentry", ("id",)), ("community_ledgerentry", ("reverses_id",)),
    ("outreach_communitysession", ("id",)), ("outreach_communitysession", ("uuid",)),
    ("field_syncconflict", ("id",)),
    # The resident's status code is looked up without a province (the public status page): it
    # needs the lookup table of docs/SCALING.md ("Nationwide unique keys"), like sync UUIDs.
    ("helprequests_helprequest", ("id",)), ("helprequests_helprequest", ("code",)),
    ("helprequests_spammark", ("id",)), ("helprequests_spammark", ("village_id", "phone")),
    ("learning_assessment", ("id",)), ("learning_assessment", ("uuid",)), ("learning_enrolment", ("id",)),
}

# Distributed tables that do not carry the province_code column yet (docs/SCALING.md, the table of
# what Citus needs): each must gain it, copied from its parent, before sharding. The list only shrinks.
WITHOUT_THE_COLUMN = {
    "households_assignment", "households_householdmove", "households_residentmove",
    "outreach_visit_members", "teams_member",
}


def _models_by_table():
    found = {}
    for model in apps.get_models(include_auto_created=True):
        found[model._meta.db_table] = model
    return found


def _unique_keys(model) -> set[tuple[str, ...]]:
    meta = model._meta
    keys = set()
    for field in meta.concrete_fields:
        if field.primary_key or field.unique:
            keys.add((field.column,))
    for together in meta.unique_together:
        keys.add(tuple(meta.get_field(name).column for name in together))
    for constraint in meta.constraints:
        fields = getattr(constraint, "fields", ())
        if fields and constraint.__class__.__name__ == "UniqueConstraint" and not constraint.condition:
            keys.add(tuple(meta.get_field(name).column for name in fields))
    return keys


def _gaps() -> set[tuple[str, tuple[str, ...]]]:
    tables = _models_by_table()
    gaps = set()
    for table in DISTRIBUTED:
        for key in _unique_keys(tables[table]):
            if "province_code" not in key:
                gaps.add((table, key))
    return gaps


def test_every_distributed_table_exists():
    missing = DISTRIBUTED - set(_models_by_table())
    assert not missing, f"tables listed for distribution that no model has: {sorted(missing)}"


def test_no_new_unique_key_without_the_province_code():
    new = _gaps() - KNOWN_GAPS
    assert not new, (
        "these unique keys of tables distributed by province leave out province_code, which Citus "
        f"cannot enforce across shards (docs/SCALING.md): {sorted(new)}"
    )


def test_a_closed_gap_is_taken_off_the_list():
    closed = KNOWN_GAPS - _gaps()
    assert not closed, f"these keys now include province_code or are gone: remove them from KNOWN_GAPS: {sorted(closed)}"


def _without_the_column() -> set[str]:
    tables = _models_by_table()
    return {t for t in DISTRIBUTED if not any(f.column == "province_code" for f in tables[t]._meta.concrete_fields)}


def test_every_distributed_table_carries_the_province_code_or_is_listed():
    missing = _without_the_column()
    assert not missing - WITHOUT_THE_COLUMN, (
        f"these distributed tables lack province_code (copy it from the parent): {sorted(missing - WITHOUT_THE_COLUMN)}"
    )
    closed = WITHOUT_THE_COLUMN - missing
    assert not closed, f"these tables carry province_code now: remove them from WITHOUT_THE_COLUMN: {sorted(closed)}"


def test_every_model_with_a_province_code_is_classified():
    unclassified = sorted(
        table
        for table, model in _models_by_table().items()
        if any(f.column == "province_code" for f in model._meta.concrete_fields)
        and table not in DISTRIBUTED
        and table not in NOT_DISTRIBUTED
    )
    assert not unclassified, (
        f"classify these tables in {__name__} (distributed by province, or why not): {unclassified}"
    )


def test_the_check_sees_a_key_without_the_province_code():
    # The check itself: a model of the list whose key leaves out province_code is reported.
    model = _models_by_table()["households_resident"]
    assert ("citizen_id_hash",) in _unique_keys(model)
    assert ("households_resident", ("citizen_id_hash",)) in _gaps()
