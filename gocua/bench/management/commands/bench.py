"""Run named benchmarks and print their measurements (JSON lines with --json)."""

import json
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gocua.bench.benchmarks import REGISTRY, NoData, options, run


class Command(BaseCommand):
    help = "Run benchmarks over the data in the database (make some with `gocua generate`)."

    def add_arguments(self, parser):
        parser.add_argument(
            "names",
            nargs="*",
            metavar="NAME",
            help="Benchmarks to run (default all): "
            + "; ".join(f"{b.name}: {b.description}" for b in REGISTRY.values()),
        )
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="Print one JSON object per benchmark."
        )
        parser.add_argument(
            "--iterations", type=int, default=20, help="Requests per page or query (default 20)."
        )
        parser.add_argument(
            "--smoke",
            action="store_true",
            help="Small, quick versions for CI (search: 50 queries; load: 5 clients for 5 s).",
        )

    def handle(self, *args, names=(), as_json=False, iterations=20, smoke=False, **kwargs):
        if getattr(settings, "PRODUCTION", False) or os.environ.get("GOCUA_ENV") == "production":
            raise CommandError(
                "Không chạy phép đo trên máy chủ thật (GOCUA_ENV=production) / Benchmarks never run against "
                "production settings: they create accounts and load the server. Use a copy with generated data."
            )
        options.smoke = smoke
        unknown = [name for name in names if name not in REGISTRY]
        if unknown:
            raise CommandError(
                f"Không có phép đo / Unknown benchmark: {', '.join(unknown)}. Known: {', '.join(REGISTRY)}."
            )
        if iterations < 1:
            raise CommandError("--iterations phải từ 1 trở lên / --iterations must be at least 1.")
        results = []
        for name in names or list(REGISTRY):
            try:
                result = run(name, iterations)
            except NoData:
                raise CommandError(
                    "Chưa có dữ liệu để đo / No households to measure: run `gocua generate --provinces 2 "
                    "--residents 10000` (or `gocua demo`) first."
                ) from None
            results.append(result)
            self.stdout.write(json.dumps(result, ensure_ascii=False) if as_json else self._line(result))
        failed = [r["name"] for r in results if "error" in r]
        if failed:
            raise CommandError(f"Phép đo lỗi / Benchmarks failed: {', '.join(failed)}.")

    def _line(self, result: dict) -> str:
        data = result["dataset"]
        head = (
            f"{result['name']}  ({data['residents']:,} residents, {data['households']:,} households, "
            f"{data['villages']:,} villages)\n"
        )
        if result.get("skipped"):
            return head + f"  skipped: {result['reason']}"
        if "error" in result:
            return head + self.style.ERROR(f"  error: {result['error']}")
        if "report" in result:  # a benchmark that words its own report (load)
            return head + "\n".join(f"  {line}" for line in result["report"])
        lines = [
            f"  {'requests':>10} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9} {'queries':>8} {'peak MB':>8}",
            f"  {result['requests']:>10} {result['p50_ms']:>9.2f} {result['p95_ms']:>9.2f} {result['max_ms']:>9.2f} "
            f"{result['queries_per_request']:>8.1f} {result['peak_memory_mb']:>8.2f}",
        ]
        for kind, page in result.get("pages", {}).items():
            lines.append(
                f"  {kind:>10} {page['p50_ms']:>9.2f} {page['p95_ms']:>9.2f} {'':>9} {page['queries']:>8} "
                f"{page['peak_memory_mb']:>8.2f}  {page['url']}"
            )
        return head + "\n".join(lines)
