"""Triggers that make a table append-only in the database itself (SQLite and PostgreSQL).

Used by migrations (the audit log, the community ledger): `forwards, backwards =
append_only.migration_functions(table, message)` then `migrations.RunPython(forwards, backwards)`.

On SQLite, Django adds a NOT NULL column (or a constraint) by rebuilding the table, which drops
its triggers: every migration that changes an append-only table must end with
`migrations.RunPython(forwards, noop)` again (creating them is idempotent). A test
(`gocua/lib/tests/test_append_only.py`) fails when a table is left without them.
"""


def _sql(table: str, message: str, vendor: str, *, up: bool) -> list[str]:
    if vendor == "postgresql":
        function = f"{table}_append_only"
        if not up:
            return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}", f"DROP FUNCTION IF EXISTS {function}()"]
        # %% because Django passes the statement through the driver's parameter formatting.
        text = message.replace("%", "%%").replace("'", "''")
        return [
            f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '{text}' USING ERRCODE = 'insufficient_privilege'; END $$""",
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION {function}()""",
        ]
    if not up:
        return [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]
    text = message.replace("'", "''")
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{text}'); END"
        for verb in ("update", "delete")
    ]


def migration_functions(table: str, message: str):
    """Return (forwards, backwards) for migrations.RunPython, creating/dropping the triggers."""

    def forwards(apps, schema_editor):
        for sql in _sql(table, message, schema_editor.connection.vendor, up=True):
            schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        for sql in _sql(table, message, schema_editor.connection.vendor, up=False):
            schema_editor.execute(sql)

    return forwards, backwards
