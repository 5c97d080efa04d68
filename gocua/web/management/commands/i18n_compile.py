"""Compile the committed .po files to .mo with polib (no GNU gettext needed on a fresh machine)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile gocua/locale/*/LC_MESSAGES/*.po into .mo files."

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                try:
                    catalogue = polib.pofile(str(po_path))
                except (OSError, ValueError) as exc:
                    raise CommandError(f"Tệp dịch hỏng / Broken translation file {po_path}: {exc}") from None
                # Always rebuild: it takes milliseconds, and an mtime check can keep a stale .mo
                # after a checkout that leaves the .po older than the compiled file.
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                compiled += 1
        self.stdout.write(f"i18n: {compiled} catalogue(s) compiled.")
