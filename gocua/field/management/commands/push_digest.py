"""`gocua push_digest [--schedule]`: push today's digest to subscribed phones, or schedule the daily task."""

from django.core.management.base import BaseCommand

from gocua.field import push


class Command(BaseCommand):
    help = "Gửi nhắc việc qua thông báo đẩy / Push the daily digest (each phone once a day)."

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true",
                            help="Only make sure the daily task waits for the next morning (for set-up)")

    def handle(self, *args, schedule, **options):
        if schedule:
            enqueued = push.digest_schedule()
            when = push.digest_next_run().strftime("%d/%m/%Y %H:%M")
            self.stdout.write(f"Nhắc việc / Digest: {'đã lên lịch / scheduled' if enqueued else 'đã có lịch / already scheduled'} {when}")
            return
        sent = push.digest_push_all()
        self.stdout.write(f"Nhắc việc / Digest: {sent} đã gửi / sent.")
