"""`gocua bench load`: a bounded closed loop of mixed requests against gunicorn on loopback.

50 clients (5 in smoke mode) each send one request, wait for the answer, and send the next, for
60 s (5 s in smoke mode, or below 50,000 residents), to the app served by gunicorn (sync workers, one per core plus one, no
debug) on 127.0.0.1 and a free port. The mix, per client turn: the village page, a household
page, the search page, the API's household list, the commune's left-behind list, a member's work
list, and — when the field app's `POST /api/v1/sync` exists — a small sync of 3 visits. Every
request must answer 2xx: the error rate is reported and must be 0.

The same clients also ask the same gunicorn for a trivial view (`GET /health/`, no database, no
session) for a few seconds before and after the mix: the framework's own floor on this machine
at this moment. The report gives the mix's throughput as a share of it (`ratio_to_trivial`), a
figure that moves far less with the neighbours' load than requests per second do.

All of it runs on a scratch copy of the database (SQLite: the backup API into a temporary folder;
PostgreSQL: CREATE DATABASE … TEMPLATE), which is dropped afterwards: the accounts, sessions and
synced visits never reach the database the command was pointed at.
"""

import json
import os
import random
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone

from gocua.accounts.models import Role, User
from gocua.bench import server
from gocua.bench.benchmarks import (
    _bench_user,
    _client,
    _working_member,
    benchmark,
    busiest_village,
    dataset_counts,
    options,
    percentile,
    server_unreachable_reason,
    skipped,
)
from gocua.households.models import Household, Resident
from gocua.outreach.models import ServiceItem
from gocua.teams.models import Member

CLIENTS, SECONDS = 50, 60
SMOKE_CLIENTS, SMOKE_SECONDS = 5, 5
SYNC_PATH = "/api/v1/sync"
SMALL_DATASET = 50_000  # below this many residents the smoke sizes are used anyway
TRIVIAL_PATH = "/health/"
TRIVIAL_SECONDS, SMOKE_TRIVIAL_SECONDS = 5, 1  # each, before and after the mix
# Unmeasured first: every worker imports the app and compiles the templates on its first requests.
WARM_SECONDS, SMOKE_WARM_SECONDS = 3, 1
TARGETS = {"throughput_rps": 300, "p95_ms": 200, "errors": 0, "ratio_to_trivial": 0.12}


# --- the scratch copy -------------------------------------------------------------------------------


@contextmanager
def scratch_database():
    """Yield the DATABASE_URL of a throw-away copy of the current database, pointing Django at it."""
    conn = connections["default"]
    original = dict(conn.settings_dict)
    if conn.vendor == "sqlite":
        folder = tempfile.mkdtemp(prefix="gocua-load-")
        target = Path(folder) / "copy.sqlite3"
        server.copy_sqlite(original["NAME"], target)
        url, name = f"sqlite:///{target}", str(target)
    else:
        folder, name = None, f"{original['NAME']}_load_{uuid.uuid4().hex[:8]}"
        conn.close()
        with _maintenance_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{original["NAME"]}"')
        auth = original["USER"] + (f":{original['PASSWORD']}" if original.get("PASSWORD") else "")
        url = f"postgres://{auth}@{original['HOST'] or '127.0.0.1'}:{original['PORT'] or 5432}/{name}"
    conn.close()
    conn.settings_dict["NAME"] = name
    try:
        yield url
    finally:
        conn.close()
        conn.settings_dict["NAME"] = original["NAME"]
        if folder:
            for path in Path(folder).iterdir():
                path.unlink()
            os.rmdir(folder)
        else:
            with _maintenance_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@contextmanager
def _maintenance_cursor():
    """Yield a cursor on the server's `postgres` database, outside any transaction."""
    import psycopg

    params = connections["default"].get_connection_params()
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as maintenance:
        with maintenance.cursor() as cursor:
            yield cursor


# --- what the clients ask for ------------------------------------------------------------------------


def has_sync() -> bool:
    try:
        resolve(SYNC_PATH)
        return True
    except Resolver404:
        return False


def _session(user: User) -> str:
    client = _client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _user(role: str, scope, member: Member | None = None) -> User:
    return _bench_user(role, scope, member, prefix="bench-load")


def _sync_plan(village, member: Member) -> dict | None:
    """Create a device token for the member and list what a visit needs; None without the field app."""
    if not has_sync():
        return None
    from gocua.bench.sync import bench_device

    _, issued = bench_device(member, village, "bench-load")
    people: dict[int, list[str]] = {}
    counted = Resident.objects.filter(household__village=village, status__in=Resident.COUNTED_STATUSES)
    for household_id, resident_uuid in counted.order_by("household_id", "id").values_list("household_id", "uuid"):
        people.setdefault(household_id, []).append(str(resident_uuid))
    households = [
        (str(h_uuid), people[pk][:3]) for pk, h_uuid in Household.objects.filter(pk__in=list(people)).values_list("pk", "uuid")
    ]
    items = list(ServiceItem.objects.filter(is_active=True).order_by("position").values_list("pk", flat=True))
    return {"token": issued.secret, "households": households, "items": items}


def _sync_body(plan: dict, rng: random.Random) -> bytes:
    today = timezone.localdate().isoformat()
    records = []
    for _ in range(3):
        household, people = rng.choice(plan["households"])
        item = rng.choice(plan["items"])
        records.append({"uuid": str(uuid.uuid4()), "type": "visit", "data": {
            "household": household, "visited_on": today,
            "residents": [{"resident": r, "outcomes": [{"item": item, "outcome": "partly"}]} for r in people],
        }})
    return json.dumps({"records": records}).encode()


def _requests(village) -> tuple[list[tuple], dict | None]:
    """Return the mix of (kind, method, path, headers) and the sync plan, on the scratch copy."""
    officer = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={_session(_user(Role.COMMUNE_OFFICER, village.parent))}"}
    households = list(Household.objects.filter(village=village).order_by("pk").values_list("pk", flat=True)[:50])
    name = Resident.objects.filter(village_code=village.code).values_list("name_folded", flat=True).first() or "nguyen"
    mix = [
        ("village", "GET", reverse("web:unit", args=[village.code]), officer),
        *[("household", "GET", reverse("web:household", args=[pk]), officer) for pk in households[:5]],
        ("search", "GET", f"{reverse('web:search')}?q={'+'.join(name.split()[-2:])}", officer),
        ("api_households", "GET", f"/api/v1/households?village={village.code}", officer),
        ("left_behind", "GET", reverse("outreach:left_behind"), officer),
    ]
    worker = _working_member(village)
    if worker is None:
        return mix, None
    team_village = worker.team.unit
    cookie = _session(_user(Role.TEAM_MEMBER, team_village, worker))
    mix.append(("work", "GET", reverse("outreach:work"), {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"}))
    syncer = Member.objects.filter(team=worker.team, left_on__isnull=True).exclude(pk=worker.pk).order_by("pk").first()
    return mix, (_sync_plan(team_village, syncer) if syncer is not None else None)


# --- gunicorn and the clients ---------------------------------------------------------------------------


def _send(port: int, method: str, path: str, headers: dict, body: bytes | None) -> int:
    return server.request(port, method, path, {"Host": "localhost", **headers}, body, timeout=60)[0]


def _client_loop(port, mix, sync, stop_at, seed, results, lock) -> None:
    rng = random.Random(seed)
    mine = []
    turn = seed
    while time.monotonic() < stop_at:
        if sync is not None and turn % (len(mix) + 1) == len(mix):
            kind, method, path, body = "sync", "POST", SYNC_PATH, _sync_body(sync, rng)
            headers = {"Authorization": f"Bearer {sync['token']}", "Content-Type": "application/json"}
        else:
            kind, method, path, headers = mix[turn % len(mix)]
            body = None
        turn += 1
        started = time.perf_counter()
        try:
            status = _send(port, method, path, headers, body)
        except OSError as exc:
            status = f"{type(exc).__name__}"
        mine.append((kind, (time.perf_counter() - started) * 1000, status))
    with lock:
        results.extend(mine)


def _run_clients(port: int, mix: list, sync, seconds: float, clients: int) -> tuple[list, float]:
    """Run `clients` closed-loop clients over `mix` for `seconds`; return their results and the elapsed time."""
    results: list = []
    lock = threading.Lock()
    started = time.monotonic()
    stop_at = started + seconds
    threads = [
        threading.Thread(target=_client_loop, args=(port, mix, sync, stop_at, i, results, lock))
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return results, time.monotonic() - started


def _trivial(runs: list[tuple[list, float]]) -> dict:
    """Summarise the trivial-view runs (before and after the mix) as one rate."""
    results = [r for found, _s in runs for r in found]
    seconds = sum(s for _r, s in runs)
    timings = [ms for _kind, ms, _status in results]
    return {
        "path": TRIVIAL_PATH,
        "requests": len(results),
        "seconds": round(seconds, 1),
        "throughput_rps": round(len(results) / seconds, 1) if seconds else 0.0,
        "throughput_rps_each": [round(len(found) / s, 1) for found, s in runs if s],
        "p50_ms": round(percentile(timings, 0.5), 1) if timings else None,
        "p95_ms": round(percentile(timings, 0.95), 1) if timings else None,
        "errors": sum(1 for _k, _ms, status in results if not (isinstance(status, int) and status < 400)),
    }


def with_trivial(result: dict, trivial: dict) -> dict:
    """Add the trivial view's figures, the mix's share of its rate, the targets and which are met."""
    ratio = result["throughput_rps"] / trivial["throughput_rps"] if trivial["throughput_rps"] else 0.0
    result |= {
        "trivial": trivial,
        "ratio_to_trivial": round(ratio, 4),
        "targets": TARGETS,
        "meets": {
            "throughput_rps": result["throughput_rps"] >= TARGETS["throughput_rps"],
            "p95_ms": result["p95_ms"] is not None and result["p95_ms"] < TARGETS["p95_ms"],
            "errors": result["errors"] == TARGETS["errors"],
            "ratio_to_trivial": ratio >= TARGETS["ratio_to_trivial"],
        },
    }
    result["meets_targets"] = all(result["meets"].values())
    return result


def _lines(result: dict) -> list[str]:
    """Return the human-readable report: the mix, the trivial view, the ratio and the targets."""
    trivial = result["trivial"]
    lines = [
        f"mix      {result['requests']:>7} requests in {result['seconds']} s = {result['throughput_rps']} req/s, "
        f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, errors {result['errors']} "
        f"({result['clients']} clients, {result['gunicorn_workers']} workers)",
        f"trivial  {trivial['requests']:>7} requests in {trivial['seconds']} s = {trivial['throughput_rps']} req/s "
        f"(GET {trivial['path']}), p95 {trivial['p95_ms']} ms",
        f"ratio to the trivial view: {result['ratio_to_trivial']:.1%} (goal {TARGETS['ratio_to_trivial']:.0%})",
    ]
    for kind, figures in result["kinds"].items():
        lines.append(f"  {kind:<15} {figures['requests']:>6}  p50 {figures['p50_ms']:>7} ms  p95 {figures['p95_ms']:>7} ms")
    met = ", ".join(f"{k} {'met' if ok else 'NOT met'}" for k, ok in result["meets"].items())
    lines.append(f"targets: {met}")
    return lines


def _report(results: list, seconds: float, clients: int, workers: int, synced: bool) -> dict:
    timings = [ms for _kind, ms, _status in results]
    errors = [(kind, status) for kind, _ms, status in results if not (isinstance(status, int) and status < 400)]
    kinds = {}
    for kind in sorted({k for k, _ms, _s in results}):
        values = [ms for k, ms, _s in results if k == kind]
        kinds[kind] = {"requests": len(values), "p50_ms": round(percentile(values, 0.5), 1),
                       "p95_ms": round(percentile(values, 0.95), 1)}
    return {
        "name": "load",
        "dataset": dataset_counts(),
        "database": connection.vendor,
        "clients": clients,
        "seconds": round(seconds, 1),
        "gunicorn_workers": workers,
        "requests": len(results),
        "throughput_rps": round(len(results) / seconds, 1),
        "p50_ms": round(percentile(timings, 0.5), 1) if timings else None,
        "p95_ms": round(percentile(timings, 0.95), 1) if timings else None,
        "max_ms": round(max(timings), 1) if timings else None,
        "errors": len(errors),
        "error_rate": round(len(errors) / max(len(results), 1), 4),
        "first_errors": [f"{k}: {s}" for k, s in errors[:5]],
        "syncs": synced,
        "kinds": kinds,
    }


@benchmark("load", "Closed loop of mixed reads and syncs from 50 clients for 60 s against gunicorn on loopback.")
def load(iterations: int) -> dict:
    village = busiest_village()
    reason = server_unreachable_reason()
    if reason:
        return skipped("load", reason)
    small = Resident.objects.count() < SMALL_DATASET
    quick = options.smoke or small
    clients, seconds = (SMOKE_CLIENTS, SMOKE_SECONDS) if quick else (CLIENTS, SECONDS)
    workers = (os.cpu_count() or 1) + 1
    try:
        reverse("outreach:left_behind")
        reverse("web:unit", args=[village.code])
    except NoReverseMatch as exc:
        return skipped("load", f"the web pages are not there yet: {exc}")
    trivial_seconds, warm_seconds = (SMOKE_TRIVIAL_SECONDS, SMOKE_WARM_SECONDS) if quick else (TRIVIAL_SECONDS, WARM_SECONDS)
    trivial_mix = [("trivial", "GET", TRIVIAL_PATH, {})]
    with scratch_database() as url:
        village = type(village).objects.get(pk=village.pk)
        mix, sync = _requests(village)
        connections["default"].close()  # the copy is the servers' now
        port = server.free_port()
        env = {"DATABASE_URL": url, "GOCUA_DB_CONN_MAX_AGE": "60"}
        with server.gunicorn(port, workers=workers, timeout=120, backlog=256, env=env) as process:
            server.wait_ready(process, lambda: server.request(port, "GET", "/login/", {"Host": "localhost"}), "GET /login/")
            _run_clients(port, trivial_mix + mix, None, warm_seconds, clients)
            before = _run_clients(port, trivial_mix, None, trivial_seconds, clients)
            results, elapsed = _run_clients(port, mix, sync, seconds, clients)
            after = _run_clients(port, trivial_mix, None, trivial_seconds, clients)
    result = with_trivial(_report(results, elapsed, clients, workers, sync is not None), _trivial([before, after]))
    trivial = result["trivial"]
    result["report"] = _lines(result)
    if result["errors"] or trivial["errors"]:
        result["error"] = (
            f"{result['errors']} of {result['requests']} requests failed: {result['first_errors']}"
            if result["errors"] else f"{trivial['errors']} trivial requests failed"
        )
    return result
