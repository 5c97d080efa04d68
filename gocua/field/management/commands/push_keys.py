"""`gocua push_keys`: create this server's VAPID key pair for Web Push (once; kept in the data directory)."""

from django.core.management.base import BaseCommand

from gocua.field import push


class Command(BaseCommand):
    help = "Tạo khoá VAPID cho thông báo đẩy / Create the VAPID keys for Web Push (kept if they exist)."

    def handle(self, *args, **options):
        path, created = push.keys_ensure()
        state = "đã tạo / created" if created else "đã có / kept"
        self.stdout.write(f"VAPID: {state} {path}")
        self.stdout.write(f"public key: {push.public_key()}")
