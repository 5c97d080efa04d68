"""`gocua bench search`: name search over the residents of a commune and of a province.

1,000 queries (50 in smoke mode or below 50,000 residents) drawn from generated names with a fixed seed, in four kinds:
the full name as written, the full name typed without diacritics, family + given name, and the
given name alone (both without diacritics). Each is run as a commune officer and as a province
officer through `households.search.resident_search` (the search page's people list: first 20
in name order), timed from the call to the loaded rows.
"""

import random
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gocua.accounts.models import Role, User
from gocua.bench.benchmarks import benchmark, busiest_village, measured, options, percentile, summary
from gocua.households import search
from gocua.households.models import Resident
from gocua.lib.text import fold
from gocua.places.models import Unit

QUERIES, SMOKE_QUERIES = 1_000, 50
KINDS = ("full_name", "full_name_folded", "family_given", "given")


def _query(kind: str, full_name: str) -> str:
    parts = fold(full_name).split()
    if kind == "full_name":
        return full_name
    if kind == "full_name_folded":
        return " ".join(parts)
    if kind == "family_given":
        return f"{parts[0]} {parts[-1]}"
    return parts[-1]


def sample_queries(count: int, *, seed: int = 8) -> list[tuple[str, str]]:
    """Return `count` (kind, query) pairs from residents picked at random by id (the same for a database)."""
    rng = random.Random(seed)
    bounds = Resident.objects.order_by("pk").values_list("pk", flat=True)
    low, high = bounds.first(), bounds.last()
    if low is None:
        return []
    names = []
    while len(names) < count:
        picks = sorted(rng.randint(low, high) for _ in range(min(500, count - len(names))))
        found = dict(Resident.objects.filter(pk__in=picks).values_list("pk", "full_name"))
        names += [found[pk] for pk in picks if pk in found]
    return [(KINDS[i % len(KINDS)], _query(KINDS[i % len(KINDS)], name)) for i, name in enumerate(names[:count])]


def _officer(role: str, unit: Unit) -> User:
    return User(username="bench", role=role, scope_unit=unit, is_active=True)


@benchmark("search", "Resident name search (first 20, diacritics optional) in a commune and a province.")
def search_benchmark(iterations: int) -> dict:
    commune = busiest_village().parent
    province = Unit.objects.get(code=commune.province_code, valid_to__isnull=True)
    small = options.smoke or Resident.objects.count() < 50_000
    queries = sample_queries(SMOKE_QUERIES if small else QUERIES)
    scopes = {"commune": _officer(Role.COMMUNE_OFFICER, commune), "province": _officer(Role.PROVINCE_OFFICER, province)}
    for user in scopes.values():  # warm-up: statements prepared, pages cached, as on a running server
        for _kind, query in queries[:20]:
            search.resident_search(user=user, query=query)
    timings, counts, detail, found = [], [], {}, 0
    for scope, user in scopes.items():
        per_kind: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for kind, query in queries:
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                rows = search.resident_search(user=user, query=query)
                elapsed = (time.perf_counter() - started) * 1000
            per_kind[kind].append(elapsed)
            counts.append(len(ctx.captured_queries))
            found += bool(rows)
        scope_timings = [t for values in per_kind.values() for t in values]
        timings += scope_timings
        detail[scope] = {
            "unit": user.scope_unit.code,
            "p50_ms": round(percentile(scope_timings, 0.5), 2),
            "p95_ms": round(percentile(scope_timings, 0.95), 2),
            "max_ms": round(max(scope_timings), 2),
            "by_kind_p95_ms": {kind: round(percentile(v, 0.95), 2) for kind, v in per_kind.items() if v},
        }
    _count, peak = measured(lambda: search.resident_search(user=scopes["province"], query=queries[0][1]))
    result = summary("search", timings, counts, peak)
    result.update(
        queries=len(queries),
        found_share=round(found / max(len(timings), 1), 3),
        database=connection.vendor,
        scopes=detail,
        target_p95_ms=50,
    )
    return result
