"""`gocua bench concurrent`: N processes syncing visits into different provinces at once (PostgreSQL).

Runs on a copy of the database (`CREATE DATABASE … TEMPLATE`, dropped afterwards), so the data the
command runs on is never written. On the copy, one staffed village per province gets a throw-away
member account and device token; for N = 1, 2, 4, 8 writers (as many as there are provinces), N
forked processes each apply `iterations` batches of 500 visits through the sync service
(`field.upload.sync_upload`, what `POST /api/v1/sync` calls, without HTTP so the figure is the
database's), each into its own province. Meanwhile the parent samples `pg_stat_activity` every
5 ms for backends waiting on a lock while updating a rollup table (`indicators_unitstat`,
`indicators_unitactivity`): writers of different provinces share no rollup row, so the goal is
zero. At the end `check_rollups` runs on the copy: concurrent deltas must leave every level exact.
"""

import multiprocessing
import os
import threading
import time
from contextlib import contextmanager

from django.db import connection, connections
from django.db.models import Count
from django.utils import timezone

from gocua.bench.benchmarks import NoData, benchmark, dataset_counts, options, skipped
from gocua.households.models import Household
from gocua.teams.models import Member

WRITERS = (1, 2, 4, 8)
BATCH = 500
ROLLUP_TABLES = ("indicators_unitstat", "indicators_unitactivity")
SAMPLE_EVERY = 0.005


def _admin_cursor():
    """A cursor on the server's maintenance database, in autocommit (CREATE/DROP DATABASE)."""
    import psycopg

    s = connection.settings_dict
    return psycopg.connect(
        host=s.get("HOST") or None, port=s.get("PORT") or None, user=s.get("USER") or None,
        password=s.get("PASSWORD") or None, dbname="postgres", autocommit=True,
    )


@contextmanager
def _copy():
    """Point the default connection at a fresh copy of the database for the block, then drop it."""
    conn = connections["default"]
    original = conn.settings_dict["NAME"]
    name = f"{original}_bench_concurrent_{os.getpid()}"
    conn.close()
    with _admin_cursor() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{original}"')
    conn.settings_dict["NAME"] = name
    try:
        yield name
    finally:
        conn.close()
        conn.settings_dict["NAME"] = original
        with _admin_cursor() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _one_village_per_province(limit: int) -> list:
    """Return the staffed village with the most households in each of up to `limit` provinces."""
    from gocua.places.models import Unit

    staffed = Member.objects.filter(left_on__isnull=True, team__unit__level=3).values("team__unit_id")
    rows = (
        Household.objects.filter(village_id__in=staffed).values("province_code", "village_id")
        .annotate(n=Count("id")).order_by("province_code", "-n", "village_id")
    )
    chosen: dict[str, int] = {}
    for row in rows:
        chosen.setdefault(row["province_code"], row["village_id"])
    ids = list(chosen.values())[:limit]
    return list(Unit.objects.filter(pk__in=ids).order_by("province_code"))


def _writer(plan: dict, batches: int, start: multiprocessing.Event, done: multiprocessing.Queue) -> None:
    """Apply `batches` sync batches for one device (runs in a forked process)."""
    from gocua.bench.sync_plans import batch_records
    from gocua.field import tokens, upload

    connections.close_all()  # the parent's sockets are not ours to use
    token = tokens.token_authenticate(plan["token"])
    today = timezone.localdate().isoformat()
    start.wait()
    applied, started = 0, time.perf_counter()
    for number in range(batches):
        result = upload.sync_upload(actor=token.user, device=token, records=batch_records(plan, number, today))
        applied += sum(1 for r in result["results"] if r.get("status") == "created")
    done.put((plan["village"].province_code, applied, time.perf_counter() - started))
    connections.close_all()


def _sample_waits(stop: threading.Event, counts: dict) -> None:
    """Count samples in which some backend waits on a lock while writing a rollup table."""
    import psycopg

    s = connection.settings_dict
    with psycopg.connect(host=s.get("HOST") or None, port=s.get("PORT") or None, user=s.get("USER") or None,
                         password=s.get("PASSWORD") or None, dbname=s["NAME"], autocommit=True) as conn:
        while not stop.is_set():
            rows = conn.execute(
                "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchall()
            counts["samples"] += 1
            on_rollups = [q for (q,) in rows if any(t in (q or "") for t in ROLLUP_TABLES)]
            counts["lock_waits_any"] += bool(rows)
            counts["lock_waits_rollups"] += bool(on_rollups)
            time.sleep(SAMPLE_EVERY)


def _round(plans: list[dict], batches: int) -> dict:
    ctx = multiprocessing.get_context("fork")
    start, done = ctx.Event(), ctx.Queue()
    connections.close_all()
    workers = [ctx.Process(target=_writer, args=(plan, batches, start, done)) for plan in plans]
    for worker in workers:
        worker.start()
    counts = {"samples": 0, "lock_waits_any": 0, "lock_waits_rollups": 0}
    stop = threading.Event()
    sampler = threading.Thread(target=_sample_waits, args=(stop, counts), daemon=True)
    sampler.start()
    time.sleep(0.2)  # let every writer authenticate, so the clock measures only the syncing
    began = time.perf_counter()
    start.set()
    results = [done.get(timeout=3600) for _ in workers]
    wall = time.perf_counter() - began
    for worker in workers:
        worker.join(timeout=60)
    stop.set()
    sampler.join(timeout=5)
    failed = [w.exitcode for w in workers if w.exitcode != 0]
    if failed:
        raise RuntimeError(f"a writer process failed (exit codes {failed})")
    visits = sum(applied for _province, applied, _seconds in results)
    return {
        "writers": len(plans),
        "provinces": sorted({province for province, _a, _s in results}),
        "visits": visits,
        "seconds": round(wall, 2),
        "visits_per_s": round(visits / wall, 1) if wall else None,
        **counts,
    }


@benchmark("concurrent", "N processes (1, 2, 4, 8) syncing visits into different provinces at once (PostgreSQL copy).")
def concurrent(iterations: int) -> dict:
    if connection.vendor != "postgresql":
        return skipped("concurrent", "PostgreSQL only: SQLite has one writer at a time by design")
    from gocua.bench.sync_plans import prepare
    from gocua.indicators.services import rollups_check

    batches = max(1, min(iterations, 2 if options.smoke else iterations))
    with _copy():
        villages = _one_village_per_province(max(WRITERS))
        plans = []
        for village in villages:
            try:
                plans.append(prepare(village))
            except NoData:
                continue
        if not plans:
            raise NoData
        rounds = []
        for n in WRITERS:
            if n > len(plans):
                break
            rounds.append(_round(plans[:n], batches))
        report = rollups_check()
        dataset = dataset_counts()
    one = rounds[0]["visits_per_s"] or 0
    for r in rounds:
        r["speed_up"] = round(r["visits_per_s"] / one, 2) if one else None
    return {
        "name": "concurrent",
        "dataset": dataset,
        "batch": BATCH,
        "batches_per_writer": batches,
        "rounds": rounds,
        "rollup_lock_waits": sum(r["lock_waits_rollups"] for r in rounds),
        "check_rollups_differences": len(report.differences),
        "goal": "zero rollup lock waits across provinces; 4 writers >= 1.6x one writer",
    }
