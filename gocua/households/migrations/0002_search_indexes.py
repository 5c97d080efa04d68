"""Indexes for name search (gocua/households/search.py), the scoped lists, and the left-behind list.

Database-specific, so written as SQL run only on its vendor and invisible to the model state:

- PostgreSQL: a GIN index over the words of the folded text (``array_to_tsvector`` of the
  alphanumeric runs), which answers "every query word is the start of a word" with prefix
  tsqueries; the expression must stay identical to ``search.PG_WORDS``.
- SQLite: an FTS5 table per searched column (external content, kept in step by triggers),
  tokenised the same way (runs of letters and digits).
- Both: B-tree indexes that let the first page of a scoped search be read in result order, and
  a partial index of the residents proficient in the five basic skills.
"""

from django.db import migrations

PG_WORDS = "array_to_tsvector(array_remove(regexp_split_to_array({col}, '[^[:alnum:]]+'), ''))"
# A resident's name without its first word (the family name), or the whole name when that word is
# not plain letters and digits: search.first reads names by family-name range and finds the other
# matches through this. Must stay identical to search.REST_SQL / search.rest_of().
REST = {
    "postgresql": "(CASE WHEN split_part({n}, ' ', 1) ~ '[^a-z0-9]' THEN {n} WHEN strpos({n}, ' ') = 0 THEN '' "
    "ELSE substr({n}, strpos({n}, ' ') + 1) END)",
    "sqlite": "(CASE WHEN (CASE WHEN instr({n}, ' ') = 0 THEN {n} ELSE substr({n}, 1, instr({n}, ' ') - 1) END) "
    "GLOB '*[^a-z0-9]*' THEN {n} WHEN instr({n}, ' ') = 0 THEN '' ELSE substr({n}, instr({n}, ' ') + 1) END)",
}
REST_FTS = "households_resident_rest_fts"

# (table, folded column, FTS table)
SEARCHED = [
    ("households_resident", "name_folded", "households_resident_fts"),
    ("households_household", "search_folded", "households_household_fts"),
]

BTREE = [  # (name, table, columns, partial-index condition)
    # With the id last, the page order (name, id) is read straight from the index, and PostgreSQL
    # can answer the first scan of a search from the index alone.
    ("resident_province_name", "households_resident", "province_code, name_folded, id", ""),
    ("resident_commune_name_id", "households_resident", "commune_code, name_folded, id", ""),
    ("resident_village_name", "households_resident", "village_code, name_folded, id", ""),
    ("resident_name_id", "households_resident", "name_folded, id", ""),
    ("household_province_key", "households_household", "province_code, household_key", ""),
    ("household_commune_key", "households_household", "commune_code, household_key", ""),
    ("household_village_key", "households_household", "village_code, household_key", ""),
    # The left-behind list and the rollups ask "has this household someone proficient in the five
    # basic skills?": few residents are, so this index stays small and answers without the table.
    (
        "resident_proficient",
        "households_resident",
        "household_id",
        "status IN ('living', 'away') AND skill_public_services = 1 AND skill_shopping = 1 "
        "AND skill_payment = 1 AND skill_safety = 1 AND skill_local_platforms = 1",
    ),
]


def _sqlite_fts(table: str, column: str, fts: str) -> list[str]:
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 0', prefix='1 2 3 4 5 6')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def _sqlite_rest_fts() -> list[str]:
    """A contentless FTS5 table over the rest of each resident's name, kept by triggers."""
    rest = REST["sqlite"]
    new, old = rest.format(n="new.name_folded"), rest.format(n="old.name_folded")
    fts = REST_FTS
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(rest, content='', tokenize='unicode61 remove_diacritics 0', prefix='1 2 3 4 5 6')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON households_resident BEGIN "
        f"INSERT INTO {fts}(rowid, rest) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON households_resident BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, rest) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF name_folded ON households_resident BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, rest) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, rest) VALUES (new.id, {new}); END",
        f"INSERT INTO {fts}(rowid, rest) SELECT id, {rest.format(n='name_folded')} FROM households_resident",
    ]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = [
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({cols})" + (f" WHERE {where}" if where else "")
        for name, table, cols, where in BTREE
    ]
    if vendor == "postgresql":
        for table, column, _fts in SEARCHED:
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {table}_words ON {table} USING gin ({PG_WORDS.format(col=column)})"
            )
        rest = PG_WORDS.format(col=REST["postgresql"].format(n="name_folded"))
        statements.append(f"CREATE INDEX IF NOT EXISTS households_resident_rest_words ON households_resident USING gin ({rest})")
    elif vendor == "sqlite":
        for searched in SEARCHED:
            statements += _sqlite_fts(*searched)
        statements += _sqlite_rest_fts()
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = [f"DROP INDEX IF EXISTS {name}" for name, *_rest in BTREE]
    if vendor == "postgresql":
        statements.append("DROP INDEX IF EXISTS households_resident_rest_words")
    elif vendor == "sqlite":
        statements += [f"DROP TRIGGER IF EXISTS {REST_FTS}_{t}" for t in ("ai", "ad", "au")]
        statements.append(f"DROP TABLE IF EXISTS {REST_FTS}")
    for table, _column, fts in SEARCHED:
        if vendor == "postgresql":
            statements.append(f"DROP INDEX IF EXISTS {table}_words")
        elif vendor == "sqlite":
            statements += [f"DROP TRIGGER IF EXISTS {fts}_{t}" for t in ("ai", "ad", "au")]
            statements.append(f"DROP TABLE IF EXISTS {fts}")
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
