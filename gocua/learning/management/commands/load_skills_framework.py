"""Load a skills-framework file as a new version (the same file again changes nothing)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from gocua.errors import DomainError
from gocua.learning.services import framework_load

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "skills_framework_v1.json"


class Command(BaseCommand):
    help = "Load a digital-skills framework (JSON, see gocua/learning/data/) as a new version; old versions stay."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(SHIPPED), help=f"The framework file (default: {SHIPPED.name}).")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp / Cannot read the file {path}: {exc.strerror}.") from None
        try:
            with translation.override("vi"):
                framework, created = framework_load(actor=None, data=data)
        except DomainError as exc:
            with translation.override("vi"):
                message = str(exc.message)
            raise CommandError(f"{message} Không nạp gì / Nothing loaded.") from None
        if created:
            self.stdout.write(self.style.SUCCESS(
                f"Đã nạp khung {framework.code} phiên bản {framework.version} ({framework.groups.count()} nhóm) / "
                f"loaded version {framework.version}."
            ))
        else:
            self.stdout.write(f"Phiên bản {framework.version} đã có, không thay đổi gì / already loaded, nothing changed.")
