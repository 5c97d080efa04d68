"""`gocua partitions`: the monthly partitions of the audit log, indicator history and visit outcomes (PostgreSQL)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from gocua.lib import partitions


def _month(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{text}-01") if len(text) == 7 else dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Tháng không hợp lệ / Invalid month: {text!r} (YYYY-MM).") from None


class Command(BaseCommand):
    help = (
        "Liệt kê, tạo trước hoặc tách các phân vùng theo tháng / List, create ahead or detach the monthly "
        "partitions of the audit log, indicator history and visit outcomes (PostgreSQL; nothing to do on SQLite)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ensure", action="store_true", help="Create the months ahead; move strays out of the default.")
        parser.add_argument("--months-ahead", type=int, default=partitions.MONTHS_AHEAD)
        parser.add_argument("--detach-before", metavar="YYYY-MM",
                            help="Detach the months before this one (kept as plain tables to archive and drop).")

    def handle(self, *args, ensure=False, months_ahead=partitions.MONTHS_AHEAD, detach_before=None, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("SQLite: không có phân vùng / no partitions (PostgreSQL only).")
            return
        if not 0 <= months_ahead <= 36:
            raise CommandError("--months-ahead: 0–36.")
        with transaction.atomic():
            if ensure:
                for name in partitions.ensure(connection, months_ahead=months_ahead):
                    self.stdout.write(f"Đã tạo / Created {name}")
            if detach_before:
                for name in partitions.detach_before(connection, _month(detach_before)):
                    self.stdout.write(f"Đã tách / Detached {name} (pg_dump -t {name}, then DROP TABLE)")
        for part in partitions.listing(connection):
            label = part.start.strftime("%m/%Y") if part.start else "mặc định / default"
            self.stdout.write(f"{part.name:44} {label:20} ~{part.rows:>12,} rows {part.bytes / 1e6:>10.1f} MB")
