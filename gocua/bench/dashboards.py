"""`gocua bench dashboards`: the indicators API over real HTTP against the raw GROUP BY it replaces.

The app is served by gunicorn on a free loopback port (127.0.0.1 only) against the database the
command runs on. A throw-away national admin account and session are created for the run and
deleted afterwards. For the nation, the busiest province and the busiest commune it times N
requests of GET /api/v1/units/{code}/indicators, then, in the same run and database, the same
figures computed from the raw rows with gocua.indicators.recompute.stats (the independent GROUP BY
of `check_rollups`, which uses the app's own indexes), and reports p50/p95 of both, their ratio,
whether the figures agree, and the reference SQL.
"""

import json
import time
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gocua.accounts.models import Role, User
from gocua.bench import server
from gocua.bench.benchmarks import (
    NoData,
    _client,
    benchmark,
    dataset_counts,
    measured,
    percentile,
    server_unreachable_reason,
    skipped,
    summary,
)
from gocua.indicators import recompute, stored
from gocua.indicators.figures import MEASURE_BY_KEY
from gocua.indicators.models import UnitStat
from gocua.indicators.rollups import reference_date
from gocua.places.models import Unit

REFERENCE_RUNS = 5  # the GROUP BY takes seconds at scale; a few runs give a stable median


@contextmanager
def _bench_session():
    """Yield a session cookie value for a throw-away national admin; delete both afterwards."""
    nation = Unit.objects.get(code="VN", valid_to__isnull=True)
    user = User(username=f"bench-{uuid.uuid4().hex[:12]}", role=Role.NATIONAL_ADMIN, scope_unit=nation)
    user.set_unusable_password()
    user.save()
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    try:
        yield user, session.session_key
    finally:
        session.delete()
        user.delete()


def _get(port: int, path: str, cookie: str) -> tuple[int, bytes, float]:
    """GET path on a fresh connection; return status, body and milliseconds."""
    started = time.perf_counter()
    status, body = server.request(port, "GET", path, {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"}, timeout=30)
    return status, body, (time.perf_counter() - started) * 1000


def _targets() -> dict[str, Unit]:
    """Return the nation, the province and the commune with the most households."""
    commune = UnitStat.objects.filter(level=2, households__gt=0).order_by("-households", "code").first()
    provinces = stored.stat_values(Unit.objects.filter(level=1, valid_to__isnull=True).values_list("code", flat=True))
    ranked = sorted((-values["households"], code) for code, values in provinces.items() if values["households"])
    if not ranked or commune is None:
        raise NoData
    province = ranked[0][1]
    units = {u.code: u for u in Unit.objects.filter(code__in=["VN", province, commune.code], valid_to__isnull=True)}
    return {"nation": units["VN"], "province": units[province], "commune": units[commune.code]}


def _reference(unit: Unit, ref) -> tuple[dict, list[str], list[float]]:
    """Time the raw GROUP BY for `unit` REFERENCE_RUNS times; return its figures, SQL and timings."""
    group = recompute.LEVEL_FIELDS[unit.level]
    where = {group: unit.code} if group else None
    timings, sql, figures = [], [], {}
    for run in range(REFERENCE_RUNS):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            figures = recompute.stats(group, ref, where=where).get(unit.code, {})
            timings.append((time.perf_counter() - started) * 1000)
        if run == 0:
            sql = [query["sql"] for query in ctx.captured_queries]
    return figures, sql, timings


def _api_figures(body: bytes) -> dict:
    figures = json.loads(body)["figures"]
    values = {"households": figures["households"], "residents": figures["residents"], "adults": figures["adults"],
              "households_covered": figures["households_covered"]["count"],
              "residents_checked": figures["residents_checked"]["count"]}
    for item in figures["indicators"]:
        values[MEASURE_BY_KEY[item["key"]].yes] = item["yes"]
    return values


def _agree(api: dict, reference: dict) -> bool:
    return all(reference.get(name, 0) == value for name, value in api.items())


@benchmark("dashboards", "Indicators API (nation, province, commune) over HTTP with gunicorn vs the raw GROUP BY.")
def dashboards(iterations: int) -> dict:
    reason = server_unreachable_reason()
    if reason:
        return skipped("dashboards", reason)
    targets = _targets()
    ref = reference_date()
    port = server.free_port()
    paths = {kind: f"/api/v1/units/{unit.code}/indicators" for kind, unit in targets.items()}
    detail, all_timings, queries, peak = {}, [], [], 0
    with _bench_session() as (user, cookie), server.gunicorn(port) as process:
        server.wait_ready(process, lambda: _get(port, paths["nation"], cookie)[:2], f"GET {paths['nation']}")
        client = _client()  # the same session, no log-in signal (nothing audited, nothing left behind)
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        for kind, path in paths.items():
            count, heap = measured(lambda path=path: client.get(path))  # in-process: queries and heap
            queries.append(count)
            peak = max(peak, heap)
            detail[kind] = {"url": path, "queries": count, "peak_memory_mb": round(heap / 2**20, 2)}
            for _ in range(3):  # warm both workers
                _get(port, path, cookie)
        # Interleaved, so a burst of load on the machine hits every unit alike.
        timings, bodies = {kind: [] for kind in paths}, {}
        for _ in range(iterations):
            for kind, path in paths.items():
                status, bodies[kind], ms = _get(port, path, cookie)
                if status != 200:
                    return {"name": "dashboards", "error": f"GET {path} answered {status}", "dataset": dataset_counts()}
                timings[kind].append(ms)
    for kind, unit in targets.items():
        figures, sql, ref_timings = _reference(unit, ref)
        api_p50, ref_p50 = percentile(timings[kind], 0.5), percentile(ref_timings, 0.5)
        all_timings += timings[kind]
        detail[kind].update({
            "p50_ms": round(api_p50, 2), "p95_ms": round(percentile(timings[kind], 0.95), 2),
            "reference_runs": len(ref_timings), "reference_p50_ms": round(ref_p50, 2),
            "reference_p95_ms": round(percentile(ref_timings, 0.95), 2),
            "ratio_p50": round(ref_p50 / api_p50, 1) if api_p50 else None,
            "figures_match": _agree(_api_figures(bodies[kind]), figures), "reference_sql": sql,
        })
    result = summary("dashboards", all_timings, queries, peak)
    result.update(server=f"gunicorn 2 sync workers on {server.HOST}:{port}", database=connection.vendor,
                  reference_date=ref.isoformat(), pages=detail)
    return result
