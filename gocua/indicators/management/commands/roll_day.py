"""Daily job: recompute date-dependent figures (age 15+, left behind) and take the weekly snapshot."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from gocua.indicators.services import rollups_rebuild
from gocua.lib import partitions


class Command(BaseCommand):
    help = "Rebuild all rollups at today's date (run once a day, e.g. 00:30 Asia/Ho_Chi_Minh)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Reference date YYYY-MM-DD (default: today).")

    def handle(self, *args, date=None, **options):
        reference = None
        if date:
            try:
                reference = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"Ngày không hợp lệ / Invalid date: {date!r} (YYYY-MM-DD).") from None
        started = time.monotonic()
        units = rollups_rebuild(reference=reference)
        self.stdout.write(
            self.style.SUCCESS(f"Đã tính lại / Rebuilt {units} units in {time.monotonic() - started:.1f}s.")
        )
        # PostgreSQL: keep the monthly partitions of the growing tables created ahead (a no-op on SQLite).
        for name in partitions.ensure(connection):
            self.stdout.write(f"Đã tạo phân vùng / Created partition {name}")
