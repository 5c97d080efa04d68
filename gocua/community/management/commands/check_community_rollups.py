"""Recompute the per-unit contribution figures from the raw ledger and report any drift."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gocua.community import rollups


class Command(BaseCommand):
    help = (
        "Compare the kept contribution figures (village, commune, province, VN) with a recomputation "
        "from the ledger; exit non-zero when they differ. --fix rewrites them from the ledger."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rewrite the kept figures from the ledger.")

    def handle(self, *args, fix=False, **options):
        drifted = rollups.drift()
        if not drifted:
            self.stdout.write("Số liệu đóng góp khớp sổ / Contribution figures match the ledger.")
            return
        for code, kept, expected in drifted:
            self.stdout.write(f"{code}: kept {kept} ≠ ledger {expected} (money_vnd, labour_days, households, done)")
        if fix:
            with transaction.atomic():
                rollups.rebuild()
            self.stdout.write(self.style.SUCCESS(f"Đã sửa / Rewritten from the ledger: {len(drifted)} unit(s)."))
            return
        raise CommandError(
            f"Số liệu lệch sổ ở {len(drifted)} đơn vị / Figures drifted from the ledger in {len(drifted)} unit(s); "
            "run with --fix after finding the cause."
        )
