"""Recompute the learning counters from the raw rows and report every difference (exit 1 on drift)."""

import sys

from django.core.management.base import BaseCommand

from gocua.learning.stats import differences


class Command(BaseCommand):
    help = "Compare the stored learning counters (and their sums per province and nation) with a recomputation."

    def handle(self, *args, **options):
        found = differences()
        for code, name, have, want in found:
            self.stdout.write(f"{code} {name}: {have} ≠ {want}")
        if found:
            self.stderr.write(f"{len(found)} khác biệt / differences.")
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("Số liệu học tập khớp / learning counters exact."))
