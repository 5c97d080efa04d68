"""Create the demo community projects of Thôn Tháp Thượng (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from gocua.community.demo import demo_community
from gocua.errors import DomainError


class Command(BaseCommand):
    help = "Add the solar-lights, camera and loudspeaker projects of Thôn Tháp Thượng (run `gocua demo` first)."

    def handle(self, *args, **options):
        try:
            created = demo_community()
        except DomainError as exc:
            raise CommandError(f"Không tạo được dự án mẫu / Cannot create the demo projects: {exc.message}") from None
        if created is None:
            raise CommandError(
                "Chưa có Thôn Tháp Thượng hoặc tài khoản totruong; hãy chạy `gocua demo` trước / "
                "Thôn Tháp Thượng or the totruong login is missing; run `gocua demo` first."
            )
        if not any(created.values()):
            self.stdout.write("Dự án mẫu đã có / Demo projects already present, nothing changed.")
        else:
            made = ", ".join(f"{n} {what}" for what, n in created.items())
            self.stdout.write(self.style.SUCCESS(f"Đã tạo / Created: {made}."))
