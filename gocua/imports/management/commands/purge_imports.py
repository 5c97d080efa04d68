"""Delete expired roster uploads (they hold personal data); run it daily from cron."""

from django.core.management.base import BaseCommand

from gocua.imports.services import import_purge_expired


class Command(BaseCommand):
    help = "Delete roster uploads whose preview has expired (24 hours after upload)."

    def handle(self, *args, **options):
        self.stdout.write(f"Đã xoá / deleted: {import_purge_expired()}")
