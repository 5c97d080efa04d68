"""Delete the public help form's rate counters of past windows (run daily, e.g. from cron)."""

from django.core.management.base import BaseCommand

from gocua.helprequests.services import rate_counters_prune


class Command(BaseCommand):
    help = "Delete help-request rate counters older than two days."

    def handle(self, *args, **options):
        removed = rate_counters_prune()
        self.stdout.write(f"{removed} old rate counters removed.")
