"""Load the nation, 34 provinces and 3,321 communes from the `vietnamadminunits` wheel."""

import time

from django.core.management.base import BaseCommand, CommandError

from gocua.places.services import units_load, wheel_dataset_path


class Command(BaseCommand):
    help = "Load or refresh the July-2025 administrative units (offline, idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--path", help="Another copy of the wheel's dataset.db (default: the installed wheel).")

    def handle(self, *args, path=None, **options):
        from pathlib import Path

        source = Path(path) if path else wheel_dataset_path()
        if not source.is_file():
            raise CommandError(f"Không tìm thấy tệp dữ liệu / Data file not found: {source}")
        started = time.monotonic()
        try:
            result = units_load(path=source)
        except Exception as exc:  # a corrupt or foreign file must not end in a traceback
            if isinstance(exc, CommandError):
                raise
            raise CommandError(f"Không đọc được dữ liệu đơn vị hành chính / Cannot read the units data: {exc}") from None
        seconds = time.monotonic() - started
        if result.created == 0 and result.updated == 0:
            self.stdout.write(
                f"Không có thay đổi: {result.unchanged} đơn vị đã có sẵn / "
                f"Nothing changed: all {result.unchanged} units already loaded ({seconds:.1f}s)."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã tạo {result.created}, cập nhật {result.updated}, giữ nguyên {result.unchanged} / "
                    f"Created {result.created}, updated {result.updated}, unchanged {result.unchanged} "
                    f"({seconds:.1f}s)."
                )
            )
