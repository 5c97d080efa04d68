"""Consistent backups and restores of the database, for SQLite and PostgreSQL.

SQLite uses the online backup API (a consistent copy while the app keeps running); PostgreSQL
uses pg_dump's custom format and pg_restore. Both refuse to overwrite silently.
"""

import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

from gocua.errors import DomainError
from gocua.lib import partitions, unit_versions
from gocua.ops.errors import OpsErrorCode


class BackupError(DomainError):
    pass


def _pg_env_and_args(settings_dict) -> tuple[dict, list[str]]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    return env, args


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(OpsErrorCode.TOOL_MISSING, f"Không tìm thấy {name} / {name} is not installed (postgresql-client).")
    return found


def _media_dir() -> Path:
    return Path(settings.DATA_DIR) / "media"


def _media_archive(target: Path) -> Path:
    return target.with_name(target.name + ".media.tar")


def _backup_media(target: Path) -> None:
    """Archive uploaded photos beside the database backup (the database only holds their names)."""
    media = _media_dir()
    if media.is_dir() and any(media.iterdir()):
        with tarfile.open(_media_archive(target), "w") as archive:
            archive.add(media, arcname="media")


def _restore_media(source: Path) -> None:
    archive_path = _media_archive(source)
    if not archive_path.is_file():
        return
    media = _media_dir()
    if media.exists():
        shutil.rmtree(media)
    with tarfile.open(archive_path) as archive:
        archive.extractall(media.parent, filter="data")


def backup_create(target: Path) -> Path:
    """Write a consistent copy of the database to `target` (must not exist), photos to `target`.media.tar."""
    target = Path(target)
    path = _backup_database(target)
    _backup_media(target)
    return path


def _backup_database(target: Path) -> Path:
    target = Path(target)
    if target.exists():
        raise BackupError(OpsErrorCode.TARGET_EXISTS, f"Tệp đã tồn tại / File already exists: {target}")
    target.parent.mkdir(parents=True, exist_ok=True)
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return target
    env, args = _pg_env_and_args(settings_dict)
    result = subprocess.run(
        [_tool("pg_dump"), *args, "--format=custom", "--no-owner", f"--file={target}", settings_dict["NAME"]],
        env=env, capture_output=True, text=True,
    )
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(OpsErrorCode.PG_DUMP_FAILED, f"pg_dump thất bại / failed: {result.stderr.strip()[:500]}")
    return target


def _check_sqlite_backup(source: Path) -> None:
    try:
        probe = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            ok = probe.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in probe.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            probe.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(OpsErrorCode.BACKUP_UNREADABLE, f"Tệp sao lưu hỏng / Backup file unreadable: {exc}") from None
    if ok != "ok" or "django_migrations" not in tables:
        raise BackupError(OpsErrorCode.BACKUP_INVALID, "Đây không phải bản sao lưu GõCửa / Not a GõCửa backup.")


def backup_restore(source: Path) -> None:
    """Replace the database's content (and the photos, when archived) with the backup in `source`."""
    source = Path(source)
    _restore_database(source)
    _restore_media(source)
    unit_versions.bump_all()  # the dashboards' cached figures describe the rows just replaced


def _restore_database(source: Path) -> None:
    source = Path(source)
    if not source.is_file():
        raise BackupError(OpsErrorCode.BACKUP_MISSING, f"Không tìm thấy tệp / File not found: {source}")
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        _check_sqlite_backup(source)
        connection.ensure_connection()
        origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
        return
    env, args = _pg_env_and_args(settings_dict)
    for alias in connections:
        connections[alias].close()
    # pg_restore --clean cannot clean a partitioned table (the audit log and indicator history, by
    # month: gocua/lib/partitions.py): it drops each month's key first, which PostgreSQL refuses
    # while the key is the parent's. So pg_restore writes the script and psql runs it in ONE
    # transaction that first drops those tables whole (their months go with them): a restore that
    # fails half-way still changes nothing.
    script = subprocess.run(
        [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--file=-", str(source)],
        env=env, capture_output=True,
    )
    if script.returncode != 0:
        raise BackupError(OpsErrorCode.PG_RESTORE_FAILED,
                          f"pg_restore thất bại / failed: {script.stderr.decode(errors='replace').strip()[:500]}")
    first = "".join(f'DROP TABLE IF EXISTS public."{table}" CASCADE;\n' for table in partitions.PARTITIONED)
    result = subprocess.run(
        [_tool("psql"), *args, "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
         f"--dbname={settings_dict['NAME']}", "--file=-"],
        input=first.encode() + script.stdout, env=env, capture_output=True,
    )
    if result.returncode != 0:
        raise BackupError(OpsErrorCode.PG_RESTORE_FAILED,
                          f"pg_restore thất bại / failed: {result.stderr.decode(errors='replace').strip()[:500]}")
