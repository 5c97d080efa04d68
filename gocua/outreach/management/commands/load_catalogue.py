"""Load or refresh the service catalogue shipped with GõCửa (retired items stay retired)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from gocua.outreach.catalogue import catalogue_load


class Command(BaseCommand):
    help = "Nạp danh mục hỗ trợ / Load the service catalogue."

    def handle(self, *args, **options):
        with transaction.atomic():
            result = catalogue_load()
        self.stdout.write(
            "Danh mục / Catalogue: {created} mới / created, {updated} cập nhật / updated, "
            "{unchanged} không đổi / unchanged.".format(**result)
        )
