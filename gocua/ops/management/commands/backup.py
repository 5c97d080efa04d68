"""Write a consistent backup of the database (SQLite online backup or pg_dump custom format)."""

from django.core.management.base import BaseCommand, CommandError

from gocua.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database to FILE (which must not exist)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            path = backup_create(file)
        except BackupError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(self.style.SUCCESS(f"Đã sao lưu / Backed up to {path} ({path.stat().st_size:,} bytes)."))
