"""Import a roster file from the command line: the same reading, checks and writing as the pages."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gocua.errors import DomainError
from gocua.imports import layout, planner, problems, services
from gocua.imports.management.commands._common import acting_user, both_languages
from gocua.imports.reader import max_bytes, read_roster, too_large_error
from gocua.lib.text import fold
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
        parser.add_argument("--sheet", metavar="NAME|NUMBER", default="",
                            help="Read the list from this sheet (default: the sheet whose header scores best).")
        parser.add_argument("--map", metavar="COLUMN=FIELD", action="append", default=[], dest="mappings",
                            help="Read a column (its letter or header label) as FIELD, or ignore it with "
                            "COLUMN= (repeatable).")
        parser.add_argument("--show-mapping", action="store_true",
                            help="Show each column, sample values and what it is read as; import nothing.")

    def handle(self, *args, file, commune=None, dry_run=False, choose=(), village=(), user=None, sheet="",
               mappings=(), show_mapping=False, **options):
        actor = acting_user(user)
        target = self._commune(commune)
        choices = planner.Choices(self._pairs(choose, "--choose"), self._pairs(village, "--village"))
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không thấy tệp / No such file: {file}")
        if path.stat().st_size > max_bytes():
            raise CommandError(both_languages(too_large_error().message))
        try:
            data = path.read_bytes()
            sheet = read_roster(data, path.name, sheet=sheet or None)
            mapping = self._mapping(sheet, mappings)
            if mapping is None and target is not None:
                mapping = services.remembered_mapping(target, sheet)
                if mapping:
                    self.stderr.write("Dùng cách đọc cột đã lưu / using the remembered column mapping")
            if mapping:
                sheet = read_roster(data, path.name, sheet=sheet.sheet_name or None, mapping=mapping)
            if show_mapping:
                self._show_mapping(sheet)
                return
            self.stderr.write(f"Đã đọc / read {len(sheet.rows):,} dòng / rows ({sheet.skipped_count:,} bỏ qua / skipped)")
            result = services.roster_import(actor=actor, commune=target, sheet=sheet, choices=choices,
                                            dry_run=dry_run, source_ref=f"cli:{path.name}"[:64],
                                            progress=Progress(sys.stderr))
        except DomainError as exc:
            raise CommandError(both_languages(exc.message)) from None
        self._report(result, dry_run)
        if result.summary["valid_rows"] == 0:
            raise CommandError("Không có dòng nào nhập được / Nothing could be imported.")

    @staticmethod
    def _mapping(sheet, items) -> dict[str, str] | None:
        """Return {column letter: field} from --map items naming a column by letter or header label."""
        if not items:
            return None
        by_label = {fold(c.label): c.letter for c in sheet.columns}
        letters = {c.letter for c in sheet.columns}
        mapping = {}
        for item in items:
            source, sep, name = item.rpartition("=")
            source = source.strip()
            if not sep or not source:
                raise CommandError(f"--map cần dạng / needs the form COLUMN=FIELD, got {item!r}.")
            letter = source.upper() if source.upper() in letters else by_label.get(fold(source))
            if letter is None:
                raise CommandError(f"Không có cột / No column {source!r}; cột / columns: "
                                   + ", ".join(f"{c.letter} {c.label}" for c in sheet.columns))
            mapping[letter] = name.strip()
        return mapping

    def _show_mapping(self, sheet) -> None:
        out = self.stdout
        out.write(f"Trang tính / sheet: {sheet.sheet_name}  (dòng tiêu đề / header row {sheet.header_row})")
        for name, score in sheet.sheet_choices:
            out.write(f"  {name}: {score:g}")
        for c in sheet.columns:
            taken = c.field or "— bỏ qua / ignored —"
            out.write(f"{c.letter:>3}  {c.label[:40]:<40}  → {taken:<24} {' · '.join(c.samples)}")
        out.write("Đổi bằng / change with --map \"COLUMN=field\" (--map \"COLUMN=\" bỏ qua / ignores it). "
                  "Trường / fields: " + ", ".join(name for name, _label in layout.FIELDS))

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
        columns = s["columns"]
        out.write(f"Dòng đã đọc / rows read: {columns['rows_read']:,} = hợp lệ / valid {s['valid_rows']:,}"
                  f" + lỗi / problems {s['problem_rows']:,} + bỏ qua / skipped {columns['skipped']:,}")
        for number, code in columns["skipped_rows"][:SHOWN_PROBLEMS]:
            out.write(f"  bỏ qua dòng / skipped row {number}: {both_languages(services.skip_reason(code))}")
        if len(columns["skipped_rows"]) > SHOWN_PROBLEMS:
            out.write(f"  … {len(columns['skipped_rows']) - SHOWN_PROBLEMS:,} more")
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
