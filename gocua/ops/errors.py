"""Error codes of backup and restore: each member equals its code string and carries its default message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class OpsErrorCode(ErrorCode):
    BACKUP_INVALID = "backup_invalid", _("This is not a GõCửa backup.")
    BACKUP_MISSING = "backup_missing", _("The backup file was not found.")
    BACKUP_UNREADABLE = "backup_unreadable", _("The backup file cannot be read.")
    PG_DUMP_FAILED = "pg_dump_failed", _("pg_dump failed.")
    PG_RESTORE_FAILED = "pg_restore_failed", _("pg_restore failed.")
    TARGET_EXISTS = "target_exists", _("The target file already exists.")
    TOOL_MISSING = "tool_missing", _("A tool the backup needs is not installed (postgresql-client).")
