"""Fill the database with plausible generated villages, teams, households, residents and visits."""

import shutil
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from gocua.bench.generator import generate, generated_reset, real_households
from gocua.bench.parallel import GenerationFailed
from gocua.bench.units import ensure_units
from gocua.indicators.services import expected_figures, rollups_rebuild
from gocua.places.models import Level, Unit

MAX_RESIDENTS = 110_000_000  # Vietnam has about 101 million people
MAX_SQLITE_RESIDENTS = 20_000_000  # past this one file is the wrong tool: use PostgreSQL
MAX_WORKERS = 64
BYTES_PER_RESIDENT = 2_600  # measured on SQLite with a year of visits (docs/PERFORMANCE.md), with margin


def _free_bytes(folder: Path) -> float:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return float("inf")


def _data_folder() -> Path:
    """Where the database keeps its files: the SQLite file's folder, or PostgreSQL's data directory.

    PostgreSQL tells its data directory only to superusers (or pg_read_all_settings) and only a
    server on this machine shares our disk; otherwise the check is skipped (infinite free space)
    rather than refusing a run we cannot judge.
    """
    if connection.vendor == "sqlite":
        return Path(str(settings.DATABASES["default"]["NAME"])).parent
    host = settings.DATABASES["default"].get("HOST") or "localhost"
    if host not in ("localhost", "127.0.0.1", "::1") and not host.startswith("/"):
        return Path("/nonexistent-remote-database")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setting FROM pg_settings WHERE name = 'data_directory'")
            row = cursor.fetchone()
    except DatabaseError:
        row = None
    return Path(row[0]) if row and row[0] else Path("/nonexistent-remote-database")


class Command(BaseCommand):
    help = (
        "Generate benchmark data in bulk (deterministic for a seed). Each run adds to what is there; "
        "--reset deletes generated data first (and only it)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--provinces", type=int, help="How many provinces to spread over (1–34, by code)."
        )
        parser.add_argument("--residents", type=int, help="How many residents to add.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (default 1): same seed, same data."
        )
        parser.add_argument("--reset", action="store_true", help="Delete previously generated data first.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Write even though the database holds real (not generated) households.",
        )
        parser.add_argument("--no-visits", action="store_true", help="Leave out the year of visits and history.")
        parser.add_argument(
            "--workers",
            type=int,
            help=(
                "Processes writing at once, one province each (default: one per CPU core from 50,000 "
                "residents, else 1). The data is the same for any number."
            ),
        )

    def handle(
        self, *args, provinces=None, residents=None, seed=1, reset=False, force=False, workers=None, **options
    ):
        if workers is not None and not 1 <= workers <= MAX_WORKERS:
            raise CommandError(f"--workers phải từ 1 đến {MAX_WORKERS} / --workers must be between 1 and {MAX_WORKERS}.")
        if not reset and (provinces is None or residents is None):
            raise CommandError(
                "Cần --provinces và --residents (hoặc --reset) / --provinces and --residents are required (or --reset)."
            )
        if provinces is not None or residents is not None:
            self._check(provinces, residents)
        real = real_households() if provinces is not None else 0
        if real and not force:
            raise CommandError(
                f"Cơ sở dữ liệu có {real:,} hộ thật (không do generate tạo); thêm --force nếu chắc chắn / "
                f"The database holds {real:,} real households (not made by generate); it is left alone "
                "unless you add --force."
            )
        ensure_units(self.stdout)
        if reset:
            self._reset()
            self._rebuild_rollups()
        if provinces is None:
            return
        started = time.monotonic()
        self.stdout.write(
            f"Đang tạo / Generating {residents:,} residents in {provinces} province(s), seed {seed}…"
        )
        reference = timezone.localdate()

        def rollups(turn) -> None:
            """Recompute, store and check the rollups. Only reads until it takes its `turn` to write:
            on a big SQLite run another process fills the search tables meanwhile."""
            began = time.monotonic()
            figures = expected_figures(None, reference)
            recomputed = time.monotonic() - began
            with turn:
                self._rebuild_rollups(reference, figures, recomputed)
            self._check_rollups()

        try:
            counts = generate(
                provinces=provinces,
                residents=residents,
                seed=seed,
                progress=self._progress,
                history=not options.get("no_visits"),
                workers=workers,
                meanwhile=rollups,
            )
        except GenerationFailed as exc:
            raise CommandError(
                f"Tạo dữ liệu thất bại / Generation failed: {exc}. Phần đã ghi xoá được bằng --reset / "
                "What was written can be removed with --reset."
            ) from None
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo / Created {counts.villages:,} villages, {counts.teams:,} teams, {counts.members:,} members, "
                f"{counts.households:,} households, {counts.residents:,} residents "
                f"({counts.citizen_ids:,} with a citizen ID), {counts.visits:,} visits "
                f"({counts.visit_residents:,} residents checked, {counts.outcomes:,} outcomes), "
                f"{counts.indicator_changes:,} indicator changes, {counts.assignments:,} assignments "
                f"in {seconds:.1f}s ({counts.residents / max(seconds, 1e-9):,.0f} residents/s"
                + (f"; indexes built in {counts.index_seconds:.1f}s" if counts.index_seconds else "")
                + ")."
            )
        )
        if counts.search_seconds:
            self.stdout.write(
                f"Search tables filled in {counts.search_seconds:.1f}s, alongside the rollups' rebuild and check."
            )
        self.stdout.write(f"Tổng / Total {time.monotonic() - started:.1f}s.")

    def _rebuild_rollups(self, reference=None, figures=None, recomputed: float = 0.0) -> None:
        """Bulk inserts bypass the services, so rebuild the rollups in bulk once at the end."""
        started = time.monotonic()
        units = rollups_rebuild(reference=reference, snapshot=False, figures=figures)
        seconds = recomputed + time.monotonic() - started
        self.stdout.write(f"Rollups: {units:,} units rebuilt in {seconds:.1f}s.")

    def _check_rollups(self) -> None:
        """Run the independent recomputation (`gocua check_rollups VN`) and fail on any drift."""
        from gocua.indicators.services import rollups_check

        started = time.monotonic()
        report = rollups_check()
        seconds = time.monotonic() - started
        if report.differences:
            for line in report.differences[:20]:
                self.stderr.write(line)
            raise CommandError(
                f"check_rollups: {len(report.differences)} khác biệt / differences after generating ({seconds:.1f}s)."
            )
        self.stdout.write(
            f"check_rollups: {report.units_checked:,} units, no drift ({seconds:.1f}s)."
        )

    def _check(self, provinces, residents) -> None:
        available = Unit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True).count() or 34
        if provinces is None or not 1 <= provinces <= available:
            raise CommandError(
                f"--provinces phải từ 1 đến {available} / --provinces must be between 1 and {available}."
            )
        if residents is None or residents < 1:
            raise CommandError("--residents phải là số dương / --residents must be a positive number.")
        if residents > MAX_RESIDENTS:
            raise CommandError(
                f"--residents tối đa {MAX_RESIDENTS:,} (cả nước ~101 triệu) / --residents is at most "
                f"{MAX_RESIDENTS:,}: the whole of Vietnam is about 101 million people."
            )
        if connection.vendor == "sqlite" and residents > MAX_SQLITE_RESIDENTS:
            raise CommandError(
                f"SQLite tối đa {MAX_SQLITE_RESIDENTS:,} người; hãy dùng PostgreSQL / On SQLite at most "
                f"{MAX_SQLITE_RESIDENTS:,} residents: use PostgreSQL (DATABASE_URL) beyond that."
            )
        free = _free_bytes(_data_folder())
        need = residents * BYTES_PER_RESIDENT
        if need > free:
            raise CommandError(
                f"Không đủ chỗ trống: cần ~{need / 2**30:.1f} GiB, còn {free / 2**30:.1f} GiB / "
                f"Not enough disk space: about {need / 2**30:.1f} GiB needed, {free / 2**30:.1f} GiB free."
            )

    def _progress(self, *, counts, target, seconds) -> None:
        share = 100 * counts.residents / target
        self.stdout.write(
            f"  {share:5.1f}%  {counts.residents:,}/{target:,} residents, {counts.households:,} households, "
            f"{counts.villages:,} villages, {counts.visits:,} visits  {seconds:.1f}s"
        )

    def _reset(self) -> None:
        started = time.monotonic()
        try:
            counts = generated_reset()
        except (ProtectedError, RestrictedError) as exc:
            kinds = sorted(
                {obj._meta.verbose_name_plural for obj in exc.protected_objects if hasattr(obj, "_meta")}
            )
            raise CommandError(
                "Không xoá được: dữ liệu khác còn trỏ tới dữ liệu sinh ra / "
                f"Cannot reset: other data still refers to generated data ({', '.join(map(str, kinds))})."
            ) from None
        self.stdout.write(
            f"Đã xoá / Deleted {counts.villages:,} generated villages, {counts.teams:,} teams, "
            f"{counts.members:,} members, {counts.households:,} households, {counts.residents:,} residents "
            f"({time.monotonic() - started:.1f}s)."
        )
