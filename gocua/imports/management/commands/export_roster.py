"""Export the households and residents of a commune or village in the import layout (audited)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gocua.errors import DomainError
from gocua.imports import services
from gocua.imports.management.commands._common import acting_user, both_languages
from gocua.places.models import Unit


class Command(BaseCommand):
    help = "Export a commune or village to .xlsx or .csv in the layout `import_roster` reads."

    def add_arguments(self, parser):
        parser.add_argument("code", metavar="CODE", help="Commune (09784) or village (09784-001) code.")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--output", metavar="FILE", help="Where to write (default: danh-sach-CODE.FORMAT).")
        parser.add_argument("--user", metavar="USERNAME", help="Act as this account (default: the only national admin).")

    def handle(self, *args, code, format="xlsx", output=None, user=None, **options):
        actor = acting_user(user)
        unit = Unit.objects.filter(code=code, valid_to__isnull=True).select_related("parent").first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã / No current unit with code {code}.")
        try:
            out = services.export_unit(actor=actor, unit=unit, fmt=format)
        except DomainError as exc:
            raise CommandError(both_languages(exc.message)) from None
        path = Path(output or out.name)
        path.write_bytes(out.content)
        self.stdout.write(f"{path} ({len(out.content):,} bytes)")
