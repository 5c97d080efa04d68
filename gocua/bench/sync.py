"""`gocua bench sync`: offline batches of visits posted over HTTP, against the physical floor.

Everything runs on a copy of the SQLite database (made with SQLite's backup API in a temporary
directory, deleted afterwards), so the database the command runs on is never written. On the
copy: a throw-away member account in each of the ten busiest villages with a team gets a device
token; the app is served by gunicorn (2 sync workers, no debug) on a free loopback port; two
client threads post `iterations` batches of 500 visits, each batch from the next village's
device (each visit: 3 residents x 2 services guided, one "done" that sets indicators, one
"partly") to POST /api/v1/sync. Then, in the same run and on the same copy, the
floor: every row the service writes (visit, its members, residents checked, outcomes, indicator
history, resident indicator updates, rollup updates, the sync receipt) inserted straight with
`executemany`, one transaction per batch. Memory: the gunicorn workers' resident set size after
a few batches (both workers warm), half-way and at the end; flat means the end is no higher than
after warm-up, give or take noise.
"""

import gzip
import json
import os
import sqlite3
import tempfile
import threading
import time
import tracemalloc
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, connections
from django.db.models import Count
from django.utils import timezone

from gocua.bench import benchmarks as _registry
from gocua.bench import server, sync_plans
from gocua.bench.benchmarks import (
    NoData,
    _client,
    benchmark,
    busiest_village,
    dataset_counts,
    skipped,
    summary,
)
from gocua.bench.sync_plans import bench_device  # noqa: F401 — load.py and the tests take it from here
from gocua.households.models import Household, IndicatorChange, Resident
from gocua.outreach.models import Visit, VisitOutcome, VisitResident
from gocua.teams.models import Member

BATCH = sync_plans.BATCH
CLIENTS = int(os.environ.get("GOCUA_BENCH_CLIENTS", "2"))
FLOOR_BATCHES = 10  # enough for a stable rate; the floor does not depend on the data size
bench_options = getattr(_registry, "options", None)  # --smoke, when the command has it


# --- the copy and its account ------------------------------------------------------------------


def _copy_database(target: Path) -> None:
    server.copy_sqlite(connection.settings_dict["NAME"], target)


@contextmanager
def _on_database(path: Path):
    """Point the default connection at `path` for the block (the copy), then back."""
    conn = connections["default"]
    conn.close()
    original = conn.settings_dict["NAME"]
    conn.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        conn.close()
        conn.settings_dict["NAME"] = original


def _villages_with_team(limit: int = 10) -> list:
    """Return the busiest village (busiest_village's rule) and up to `limit` - 1 more with a team member.

    Batches go to these villages in turn, as the devices of several villages would send them:
    200,000 visits into one village's 170 households would give each household ~1,200 visits, a
    history no real household has (about 4 a year), and time the rollups of that instead.
    """
    busiest = busiest_village()
    staffed = Member.objects.filter(left_on__isnull=True, team__unit__level=busiest.level).values("team__unit_id")
    top = list(
        Household.objects.filter(village_id__in=staffed).values("village_id").annotate(n=Count("id"))
        .order_by("-n", "village_id").values_list("village_id", flat=True)[:limit]
    )
    if not top:
        raise NoData
    villages = list(type(busiest).objects.filter(pk__in=top))
    villages.sort(key=lambda v: top.index(v.pk))
    if busiest.pk in top:
        villages.sort(key=lambda v: v.pk != busiest.pk)
    return villages


def _plans(villages) -> list[dict]:
    plans = []
    for village in villages:
        try:
            plans.append(_prepare(village))
        except NoData:
            continue
    if not plans:
        raise NoData
    return plans


def _prepare(village) -> dict:
    """Create the bench member's account and token on the copy; return what the batches need."""
    return sync_plans.prepare(village)


def _batch(plan: dict, number: int, today: str) -> bytes:
    return json.dumps({"records": sync_plans.batch_records(plan, number, today)}).encode()


def _measured(call) -> tuple[int, int]:
    """Run `call`; return (queries, peak Python heap bytes), counting past the 9,000 queries Django logs."""
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    tracemalloc.start()
    try:
        with connection.execute_wrapper(counter):
            call()
        return count[0], tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- gunicorn and the HTTP client ------------------------------------------------------------------


def _request(port: int, method: str, path: str, token: str, body: bytes | None = None) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return server.request(port, method, path, headers, body)


def _workers_rss_mb(process) -> float:
    """Return the summed resident set size of gunicorn's workers (Linux /proc), in MB."""
    total = 0
    try:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    except OSError:
        return 0.0
    for pid in children:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


def _post_all(port: int, plans: list[dict], batches: int, process) -> dict:
    today = timezone.localdate().isoformat()
    counts = {"created": 0, "duplicate": 0, "conflict": 0, "rejected": 0}
    errors, timings, rss = [], [], {}
    lock, next_batch = threading.Lock(), iter(range(batches))
    marks = {max(4, batches // 10): "after_warm_up", max(5, batches // 2): "half_way"}

    def client():
        while True:
            with lock:
                number = next(next_batch, None)
            if number is None or errors:
                return
            plan = plans[number % len(plans)]
            body = _batch(plan, number // len(plans), today)
            started = time.perf_counter()
            status, answer = _request(port, "POST", "/api/v1/sync", plan["token"], body)
            elapsed = time.perf_counter() - started
            with lock:
                if status != 200:
                    errors.append(f"POST /api/v1/sync answered {status}: {answer[:200]!r}")
                    return
                for result in json.loads(answer)["results"]:
                    counts[result["status"]] += 1
                timings.append(elapsed * 1000)
                # After a few batches both workers are warm; from there on memory should stay flat.
                if len(timings) in marks:
                    rss[marks[len(timings)]] = _workers_rss_mb(process)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    rss["at_end"] = _workers_rss_mb(process)
    visits = sum(counts.values())
    return {"visits": visits, "seconds": round(elapsed, 2), "visits_per_second": round(visits / elapsed, 1),
            "results": counts, "timings_ms": timings, "workers_rss_mb": rss, "errors": errors}


# --- the floor ---------------------------------------------------------------------------------------


def _columns(model, skip=("id",)) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if f.column not in skip]


def _insert(db, model, rows: list[dict]) -> None:
    columns = list(rows[0])
    db.executemany(
        f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})',
        [tuple(row[c] for c in columns) for row in rows],
    )


def _floor(path: Path, plan: dict, batches: int, history_per_visit: float) -> dict:
    """Insert what the service writes for `batches` x 500 visits with executemany; return the rate."""
    from gocua.field.models import SyncReceipt

    db = sqlite3.connect(str(path), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    now, today = timezone.now().isoformat(), timezone.localdate().isoformat()
    village = plan["village"]
    codes = [village.code, village.commune_code]  # the rows a write touches (provinces sum on read)
    has_rollups = "indicators_unitstat" in connection.introspection.table_names()
    resident_ids = dict(Resident.objects.filter(uuid__in=[r for _h, rs in plan["households"] for r in rs])
                        .values_list("uuid", "id"))
    household_ids = dict(Household.objects.filter(uuid__in=[h for h, _rs in plan["households"]])
                         .values_list("uuid", "id"))
    next_visit = (Visit.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1_000_000
    next_vr = (VisitResident.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1_000_000
    started = time.perf_counter()
    for number in range(batches):
        visits, members, checked, outcomes, history, updates, receipts = [], [], [], [], [], [], []
        for i in range(BATCH):
            h_uuid, people = plan["households"][(number * BATCH + i) % len(plan["households"])]
            visit_id = next_visit
            next_visit += 1
            visits.append({"id": visit_id, "uuid": uuid.uuid4().hex, "household_id": household_ids[uuid.UUID(h_uuid)],
                           "team_id": plan["team"], "visited_on": today, "note": "", "from_paper": 0,
                           "follow_up_on": None, "entered_by_id": plan["user"], "created_at": now, "updated_at": now,
                           "deleted_at": None, "deleted_by_id": None, "delete_reason": "",
                           "province_code": village.province_code, "commune_code": village.commune_code,
                           "village_code": village.code})
            members.append({"visit_id": visit_id, "member_id": plan["member"]})
            for r_uuid in people:
                resident_id = resident_ids[uuid.UUID(r_uuid)]
                checked.append({"id": next_vr, "visit_id": visit_id, "resident_id": resident_id,
                                "province_code": village.province_code, "present": 1, "note": ""})
                for item, outcome in ((plan["items"][0], "done"), (plan["items"][1], "partly")):
                    outcomes.append({"visit_resident_id": next_vr, "item_id": item, "province_code": village.province_code,
                                     "visited_on": today, "outcome": outcome, "note": "", "follow_up_on": None})
                next_vr += 1
                updates.append((now, resident_id))
            for _ in range(round(history_per_visit)):
                history.append({"resident_id": resident_ids[uuid.UUID(people[0])],
                                "province_code": village.province_code, "indicator": "smartphone", "old_value": 0,
                                "new_value": 1, "changed_at": now, "changed_by_id": plan["user"],
                                "source": "visit", "source_ref": visits[-1]["uuid"]})
            receipts.append({"uuid": uuid.uuid4().hex, "kind": "visit", "content_hash": "0" * 64,
                             "user_id": plan["user"], "device_id": None, "received_at": now, "result": "{}"})
        db.execute("BEGIN IMMEDIATE")
        _insert(db, Visit, visits)
        _insert(db, Visit.members.through, members)
        _insert(db, VisitResident, checked)
        _insert(db, VisitOutcome, outcomes)
        if history:
            _insert(db, IndicatorChange, history)
        db.executemany(f'UPDATE "{Resident._meta.db_table}" SET smartphone = 1, updated_at = ? WHERE id = ?', updates)
        if has_rollups:
            db.executemany("UPDATE indicators_unitstat SET residents = residents + 0 WHERE code = ?",
                           [(code,) for _ in range(BATCH) for code in codes])
            db.executemany("UPDATE indicators_unitactivity SET visits = visits + 1 WHERE code = ? AND day = ?",
                           [(code, today) for _ in range(BATCH) for code in codes])
        _insert(db, SyncReceipt, receipts)
        db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    visits_done = batches * BATCH
    return {"visits": visits_done, "seconds": round(elapsed, 2), "visits_per_second": round(visits_done / elapsed, 1),
            "rollup_updates": has_rollups}


def _download(plan: dict) -> dict:
    """Time a first (full) download of the bench member's scope in-process: server time and gzip bytes."""
    client = _client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plan['token']}", "HTTP_ACCEPT_ENCODING": "gzip"}
    params, pages, size, households = {}, 0, 0, 0
    started = time.perf_counter()
    while True:
        response = client.get("/api/v1/sync", params, **headers)
        body = json.loads(gzip.decompress(response.content) if response.get("Content-Encoding") else response.content)
        pages, size, households = pages + 1, size + len(response.content), households + len(body["households"])
        if not body["next"]:
            break
        params = {"cursor": body["next"]}
    return {"households": households, "pages": pages, "seconds": round(time.perf_counter() - started, 2),
            "gzip_bytes": size, "targets": {"seconds_for_500_households": 5, "bytes_for_500_households": 2**20}}


# --- the benchmark ------------------------------------------------------------------------------------


@benchmark("sync", "POST /api/v1/sync, batches of 500 visits over HTTP (gunicorn, copy of the SQLite db) vs executemany.")
def sync(iterations: int) -> dict:
    if connection.vendor != "sqlite":
        return skipped("sync", "measured on the SQLite default (it works on a copy of the database file)")
    if connection.is_in_memory_db():
        return skipped("sync", "needs a database file: gunicorn serves a copy of it")
    villages = _villages_with_team()
    village = villages[0]
    smoke = getattr(bench_options, "smoke", False)
    batches = 2 if smoke else max(iterations, 2)
    started = timezone.localtime()
    with tempfile.TemporaryDirectory(prefix="gocua-bench-sync-") as tmp:
        copy = Path(tmp) / "gocua.sqlite3"
        _copy_database(copy)
        with _on_database(copy):
            plans = _plans(villages)
            plan = plans[0]
            # One batch in-process first: the queries and Python heap of a batch (not timed).
            client = _client()
            body = _batch(plan, batches, timezone.localdate().isoformat())
            queries, heap = _measured(lambda: client.post(
                "/api/v1/sync", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {plan['token']}"
            ))
            history_before = IndicatorChange.objects.count()
        port = server.free_port()
        with server.gunicorn(port, env={"DATABASE_URL": f"sqlite:///{copy}"}) as process:
            server.wait_ready(process, lambda: _request(port, "GET", "/api/v1/me", plan["token"]), "GET /api/v1/me")
            http_run = _post_all(port, plans, batches, process)
        with _on_database(copy):
            download = _download(plan)
            history = (IndicatorChange.objects.count() - history_before) / max(http_run["visits"], 1)
            floor = _floor(copy, plan, min(batches, FLOOR_BATCHES), history)
    if http_run["errors"]:
        return {"name": "sync", "error": http_run["errors"][0], "dataset": dataset_counts()}
    share = http_run["visits_per_second"] / floor["visits_per_second"] if floor["visits_per_second"] else 0
    rss = http_run["workers_rss_mb"]
    result = summary("sync", http_run.pop("timings_ms"), [queries], heap)
    return result | {
        "queries_per_visit": round(queries / BATCH, 1), "village": village.code,
        "villages": [v.code for v in villages], "batches": batches,
        "batch_size": BATCH, "clients": CLIENTS, "server": "gunicorn, 2 sync workers, SQLite copy",
        "http": http_run, "floor": floor, "first_download": download, "history_rows_per_visit": round(history, 2),
        "share_of_floor": round(share, 3),
        "targets": {"visits_per_second": 2000, "share_of_floor": 0.10},
        "meets_targets": http_run["visits_per_second"] >= 2000 and share >= 0.10,
        "memory_growth_mb": round(rss["at_end"] - rss["after_warm_up"], 1) if "after_warm_up" in rss else None,
        "started_at": started.isoformat(timespec="seconds"),
    }
