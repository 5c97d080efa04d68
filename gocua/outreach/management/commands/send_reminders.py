"""Send each current member the digest of their follow-ups overdue and due this week (run daily)."""

from django.core.management.base import BaseCommand

from gocua.outreach.reminders import reminders_send
from gocua.teams.models import Member


class Command(BaseCommand):
    help = "Gửi nhắc việc hằng ngày / Send the daily follow-up reminders."

    def handle(self, *args, **options):
        members = Member.objects.filter(left_on__isnull=True, team__is_active=True).select_related("team")
        sent = reminders_send(members=members.order_by("pk").iterator(chunk_size=500))
        self.stdout.write(f"Nhắc việc / Reminders: {sent} đã gửi / sent.")
