"""Replace the database's content with a backup made by `gocua backup`."""

from django.core.management.base import BaseCommand, CommandError

from gocua.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore the database from FILE (made by `gocua backup`). Stop the app first."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, file, yes=False, **options):
        if not yes:
            answer = input("Mọi dữ liệu hiện có sẽ bị thay thế / All current data will be replaced. Continue? [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "c", "co", "có"):
                raise CommandError("Đã huỷ / Cancelled.")
        try:
            backup_restore(file)
        except BackupError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(self.style.SUCCESS(f"Đã khôi phục / Restored from {file}."))
