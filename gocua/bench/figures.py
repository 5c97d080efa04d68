"""`gocua bench figures`: the dashboard pages with their figures fragment built (a miss) and served (a hit).

In process, through the Django test client like `pages`: the nation, the province with the most
households, and the busiest commune and village, each opened by an officer of that unit (a team
leader for the village). For each page it times N requests right after the unit's version was
renewed (`unit_versions.bump`, what every write does: the fragment is built again) and N requests
of the page unchanged (the fragment comes from the cache), interleaved, and reports queries and
p50/p95 of both. Fragment caching is switched on for the run: one process reads one cache.
"""

import time

from django.db import transaction
from django.test.utils import override_settings

from gocua.accounts.models import Role
from gocua.bench.benchmarks import (
    PageError,
    _bench_user,
    _client,
    _get,
    benchmark,
    busiest_village,
    dataset_counts,
    measured,
    percentile,
    summary,
)
from gocua.indicators import stored
from gocua.lib import unit_versions
from gocua.places.models import Level, Unit

ROLES = {Level.NATION: Role.NATIONAL_ADMIN, Level.PROVINCE: Role.PROVINCE_OFFICER,
         Level.COMMUNE: Role.COMMUNE_OFFICER, Level.VILLAGE: Role.TEAM_LEADER}


def _units() -> dict[str, Unit]:
    village = busiest_village()
    provinces = stored.stat_values(Unit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True)
                                   .values_list("code", flat=True))
    province = max(provinces, key=lambda code: (provinces[code]["households"], code))
    current = {u.code: u for u in Unit.objects.filter(code__in=["VN", province], valid_to__isnull=True)}
    return {"nation": current["VN"], "province": current[province], "commune": village.parent, "village": village}


def _stats(values: list[float]) -> dict:
    return {"p50_ms": round(percentile(values, 0.5), 2), "p95_ms": round(percentile(values, 0.95), 2)}


@benchmark("figures", "Dashboard pages (nation, province, commune, village): figures fragment built vs from the cache.")
def figures(iterations: int) -> dict:
    units = _units()
    detail, timings, queries, peak = {}, {"built": [], "cached": []}, [], 0
    with override_settings(GOCUA_FIGURES_CACHE=True), transaction.atomic():
        # Everything the requests write (the accounts, their sessions) is rolled back.
        clients = {}
        for kind, unit in units.items():
            clients[kind] = _client()
            clients[kind].force_login(_bench_user(ROLES[unit.level], unit))
        urls = {kind: f"/dashboards/{unit.code}/" for kind, unit in units.items()}
        try:
            for kind, url in urls.items():
                _get(clients[kind], url)  # warm-up: templates compiled, the session's first write
                unit_versions.bump([units[kind].code])
                built, heap = measured(lambda kind=kind, url=url: _get(clients[kind], url))
                cached, _heap = measured(lambda kind=kind, url=url: _get(clients[kind], url))
                queries += [built, cached]
                peak = max(peak, heap)
                detail[kind] = {"url": url, "queries_built": built, "queries_cached": cached}
            runs = {kind: {"built": [], "cached": []} for kind in urls}
            for _ in range(iterations):
                for kind, url in urls.items():
                    unit_versions.bump([units[kind].code])
                    for state in ("built", "cached"):
                        started = time.perf_counter()
                        _get(clients[kind], url)
                        runs[kind][state].append((time.perf_counter() - started) * 1000)
        except PageError as exc:
            transaction.set_rollback(True)
            return {"name": "figures", "error": str(exc), "dataset": dataset_counts()}
        transaction.set_rollback(True)
    for kind, states in runs.items():
        for state, values in states.items():
            detail[kind].update({f"{name}_{state}": value for name, value in _stats(values).items()})
            timings[state] += values
        detail[kind]["speedup_p50"] = round(detail[kind]["p50_ms_built"] / detail[kind]["p50_ms_cached"], 1)
    result = summary("figures", timings["cached"], queries, peak)
    result.update({f"{name}_built": value for name, value in _stats(timings["built"]).items()})
    result["pages"] = detail
    return result
