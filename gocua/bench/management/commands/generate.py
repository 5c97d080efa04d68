"""Fill the database with plausible generated villages, teams, households and residents."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError, RestrictedError

from gocua.bench.generator import generate, generated_reset
from gocua.bench.units import ensure_units
from gocua.places.models import Level, Unit


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

    def handle(self, *args, provinces=None, residents=None, seed=1, reset=False, **options):
        if not reset and (provinces is None or residents is None):
            raise CommandError(
                "Cần --provinces và --residents (hoặc --reset) / --provinces and --residents are required (or --reset)."
            )
        if provinces is not None or residents is not None:
            self._check(provinces, residents)
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
        counts = generate(provinces=provinces, residents=residents, seed=seed, progress=self._progress)
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo / Created {counts.villages:,} villages, {counts.teams:,} teams, {counts.members:,} members, "
                f"{counts.households:,} households, {counts.residents:,} residents "
                f"({counts.citizen_ids:,} with a citizen ID) in {seconds:.1f}s "
                f"({counts.residents / max(seconds, 1e-9):,.0f} residents/s)."
            )
        )
        self._rebuild_rollups()

    def _rebuild_rollups(self) -> None:
        """Bulk inserts bypass the services, so rebuild the rollups in bulk once at the end."""
        from gocua.indicators.services import rollups_rebuild

        started = time.monotonic()
        units = rollups_rebuild(snapshot=False)
        self.stdout.write(f"Rollups: {units:,} units rebuilt in {time.monotonic() - started:.1f}s.")

    def _check(self, provinces, residents) -> None:
        available = Unit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True).count() or 34
        if provinces is None or not 1 <= provinces <= available:
            raise CommandError(
                f"--provinces phải từ 1 đến {available} / --provinces must be between 1 and {available}."
            )
        if residents is None or residents < 1:
            raise CommandError("--residents phải là số dương / --residents must be a positive number.")

    def _progress(self, *, counts, target, seconds) -> None:
        share = 100 * counts.residents / target
        self.stdout.write(
            f"  {share:5.1f}%  {counts.residents:,}/{target:,} residents, {counts.households:,} households, "
            f"{counts.villages:,} villages  {seconds:.1f}s"
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
