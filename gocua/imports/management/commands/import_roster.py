"""Import a roster file from the command line: the same reading, checks and writing as the pages."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gocua.errors import DomainError
from gocua.imports import planner, problems, services
from gocua.imports.management.commands._common import acting_user, both_languages
from gocua.imports.reader import max_bytes, read_roster, too_large_error
from gocua.places.models import Level, Unit

SHOWN_PROBLEMS = 30


class Progress:
    """A one-line progress bar on stderr (plain lines when stderr is not a terminal)."""

    def __init__(self, stream):
        self.stream, self.tty, self.last = stream, stream.isatty(), 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.2:
            return
        self.last = now
        share = done / total if total else 1
        bar = "#" * int(share * 30)
        line = f"[{bar:<30}] {done:,}/{total:,} dòng / rows"
        self.stream.write(f"\r{line}" if self.tty else f"{line}\n")
        if done >= total and self.tty:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Import a roster (.xlsx/.csv) with legacy or new addresses; --dry-run only checks it."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--commune", metavar="CODE", help="Import into this commune (addresses elsewhere are problems).")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, write nothing.")
        parser.add_argument("--choose", metavar="LEGACY=NEW", action="append", default=[],
                            help="New commune for a commune split in 2025 (repeatable).")
        parser.add_argument("--village", metavar="KEY=new|skip|CODE", action="append", default=[],
                            help="What to do with a village not yet registered (default: create it).")
        parser.add_argument("--user", metavar="USERNAME", help="Act as this account (default: the only national admin).")

    def handle(self, *args, file, commune=None, dry_run=False, choose=(), village=(), user=None, **options):
        actor = acting_user(user)
        target = self._commune(commune)
        choices = planner.Choices(self._pairs(choose, "--choose"), self._pairs(village, "--village"))
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không thấy tệp / No such file: {file}")
        if path.stat().st_size > max_bytes():
            raise CommandError(both_languages(too_large_error().message))
        try:
            sheet = read_roster(path.read_bytes(), path.name)
            self.stderr.write(f"Đã đọc / read {len(sheet.rows):,} dòng / rows ({sheet.skipped_count:,} bỏ qua / skipped)")
            result = services.roster_import(actor=actor, commune=target, sheet=sheet, choices=choices,
                                            dry_run=dry_run, source_ref=f"cli:{path.name}"[:64],
                                            progress=Progress(sys.stderr))
        except DomainError as exc:
            raise CommandError(both_languages(exc.message)) from None
        self._report(result, dry_run)
        if result.summary["valid_rows"] == 0:
            raise CommandError("Không có dòng nào nhập được / Nothing could be imported.")

    def _commune(self, code: str | None) -> Unit | None:
        if not code:
            return None
        unit = Unit.objects.filter(code=code, level=Level.COMMUNE, valid_to__isnull=True).first()
        if unit is None:
            raise CommandError(f"Không có xã/phường mã / No current commune with code {code}.")
        return unit

    @staticmethod
    def _pairs(items, option: str) -> dict[str, str]:
        pairs = {}
        for item in items:
            key, sep, value = item.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise CommandError(f"{option} cần dạng / needs the form KEY=VALUE, got {item!r}.")
            pairs[key.strip()] = value.strip()
        return pairs

    def _report(self, result, dry_run: bool) -> None:
        s, out = result.summary, self.stdout
        out.write(f"Dòng / rows: {s['rows']:,}  hợp lệ / valid: {s['valid_rows']:,}  lỗi / problems: {s['problem_rows']:,}"
                  f"  bỏ qua / skipped: {s['columns']['skipped']:,}")
        for label, key in (("Hộ / households", "households"), ("Nhân khẩu / residents", "residents")):
            c = s[key]
            out.write(f"{label}: mới / new {c['new']:,}, cập nhật / updated {c['updated']:,}, "
                      f"không đổi / unchanged {c['unchanged']:,}")
        if s["changed_fields"]:
            out.write("Trường thay đổi / changed fields: " + ", ".join(f"{k} {v}" for k, v in s["changed_fields"].items()))
        if s["columns"]["unknown"]:
            out.write("Cột bỏ qua / ignored columns: " + ", ".join(s["columns"]["unknown"]))
        for p in s["proposals"]:
            out.write(f"Thôn mới / new village: {p['name']} ({p['commune']}, {p['rows']} dòng / rows) "
                      f"--village {p['key']}={p['choice']}")
        for group in s["ambiguous"]:
            options = ", ".join(f"{c['code']} {c['name']}" + (" (mặc định / default)" if c["default"] else "")
                                for c in group["candidates"])
            out.write(f"Xã cũ bị chia / split commune: {group['label']} ({group['rows']} dòng / rows): "
                      f"--choose {group['legacy_code']}=… [{options}]")
        listed = result.plan.problems
        for p in listed[:SHOWN_PROBLEMS]:
            letter, header = services.field_column(s, p.field)
            out.write(f"  dòng / row {p.row} {letter} {header}: {problems.message(p.as_dict())}")
        if len(listed) > SHOWN_PROBLEMS:
            out.write(f"  … {len(listed) - SHOWN_PROBLEMS:,} more")
        if dry_run:
            out.write("Chạy thử: không ghi gì / Dry run: nothing written.")
        elif result.written:
            w = result.written
            out.write(self.style.SUCCESS(
                f"Đã ghi / written: {w['households_created']:,} hộ mới / new households, "
                f"{w['residents_created']:,} nhân khẩu mới / new residents, {w['residents_updated']:,} cập nhật / "
                f"updated, {w['villages_created']:,} thôn mới / new villages."))
