"""Recompute the rollups from raw rows and report every difference (exit 1 on drift)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from gocua.indicators.services import rollups_check
from gocua.places.models import Unit


class Command(BaseCommand):
    help = "Compare stored rollups with an independent recomputation (optionally for one unit's subtree)."

    def add_arguments(self, parser):
        parser.add_argument("unit", nargs="?", default="VN", help="Unit code (VN, 01, 09784, 09784-001); default VN.")

    def handle(self, *args, unit="VN", **options):
        target = Unit.objects.filter(code=unit.strip(), valid_to__isnull=True).first()
        if target is None:
            raise CommandError(f"Không có đơn vị mã {unit!r} / No unit with code {unit!r}.")
        report = rollups_check(unit=target)
        for line in report.differences:
            self.stdout.write(line)
        summary = (
            f"{target.code}: {report.units_checked} đơn vị / units checked at {report.reference_date}, "
            f"{len(report.differences)} khác biệt / differences."
        )
        if report.differences:
            self.stderr.write(summary)
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(summary))
