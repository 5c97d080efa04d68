"""The `import` benchmark of `gocua bench`: preview and import of a generated roster.

Registered by the imports line at the end of gocua/bench/benchmarks.py. Each iteration
adds 5,000 rows, so the default 20 iterations measure the issue's 100,000-row roster; everything
written is rolled back.
"""

import concurrent.futures
import multiprocessing
import random
import resource
import time
import uuid

from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from gocua.accounts.models import Role, User
from gocua.bench import names, people
from gocua.bench.benchmarks import benchmark, summary
from gocua.imports import exporter, layout, reader, services, xlsx
from gocua.lib.calamine import release_memory
from gocua.lib.text import fold
from gocua.places.models import Unit

ROWS_PER_ITERATION = 5_000
COMMUNE = "09784"  # Xã Đan Phượng: five legacy communes merged into it in 2025
LEGACY_COMMUNES = ["Thị trấn Phùng", "Xã Thượng Mỗ", "Xã Đan Phượng", "Xã Đồng Tháp", "Xã Song Phượng"]
LEGACY_TAIL = "Huyện Đan Phượng, Thành phố Hà Nội"
NEW_TAIL = "Xã Đan Phượng, Thành phố Hà Nội"
ROWS_PER_VILLAGE = 200  # 100,000 rows → 500 villages × 4 spellings = 2,000 distinct addresses


def _addresses(rng: random.Random, villages: int) -> list[list[str]]:
    """Return, per village, its address in four spellings: legacy and 2025, with and without diacritics."""
    out = []
    for number in range(1, villages + 1):
        village = f"Thôn {rng.choice(names.VILLAGE_STEMS)} {number}"
        legacy = f"{village}, {rng.choice(LEGACY_COMMUNES)}, {LEGACY_TAIL}"
        new = f"{village}, {NEW_TAIL}"
        out.append([legacy, fold(legacy), new, fold(new)])
    return out


def _row(key: str, person: people.Person, address: str) -> list[str]:
    values = {
        layout.HOUSEHOLD_KEY: key, layout.FULL_NAME: person.full_name, layout.BIRTH_DATE: str(person.birth_year),
        layout.GENDER: layout.GENDER_OUT[person.gender], layout.RELATION: layout.RELATION_OUT[person.relation],
        layout.CITIZEN_ID: person.citizen_id, layout.PHONE: person.phone, layout.ADDRESS: address,
        layout.STATUS: layout.STATUS_OUT[person.status],
    }
    for name in layout.INDICATOR_FIELDS:
        values[name] = layout.MARK_OUT[person.indicators.get(name, 0)]
    return [values[f] for f in layout.EXPORT_FIELDS]


def generate_roster(rows: int, *, seed: int = 2025) -> tuple[bytes, int]:
    """Return an .xlsx roster of about `rows` residents of Xã Đan Phượng and its distinct address count."""
    rng = random.Random(seed)
    addresses = _addresses(rng, max(4, rows // ROWS_PER_VILLAGE))
    ids, profile, year = people.CitizenIds(rng), people.Profile(), timezone.localdate().year
    body, number = [], 0
    while len(body) < rows:
        number += 1
        spellings = addresses[rng.randrange(len(addresses))]
        address = spellings[rng.randrange(4)]
        size = min(people.household_size(rng), rows - len(body))
        for person in people.household(rng, year=year, size=size, province_code="01", profile=profile, ids=ids):
            body.append(_row(f"H{number:05d}", person, address))
    distinct = len({row[layout.EXPORT_FIELDS.index(layout.ADDRESS)] for row in body})
    return xlsx.write([("Danh sách", [exporter.headers(), *body])]), distinct


def _generated(rows: int) -> tuple[bytes, int]:
    """Return `generate_roster(rows)` computed in a child process.

    The roster's 100,000 rows of Python lists would otherwise count in this process's peak memory,
    which is meant to measure the preview and the import, not the making of the test file.
    """
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(generate_roster, rows).result()


def bare_read(data: bytes) -> int:
    """Return the row count of a workbook read with the importer's reader and nothing else (the floor).

    The memory the reader freed is given back as the importer's reader does (`release_memory`), so
    that the peak measured afterwards is the import's, not this read's leftovers.
    """
    count = sum(1 for _row in reader._workbook_rows(data)) - 1
    release_memory()
    return count


@benchmark("import", "Preview and import of a generated roster (5,000 rows per iteration; 20 → 100,000).")
def import_roster(iterations: int) -> dict:
    rows = iterations * ROWS_PER_ITERATION
    data, distinct = _generated(rows)
    commune = Unit.objects.get(code=COMMUNE, valid_to__isnull=True)
    started = time.perf_counter()
    read_rows = bare_read(data) - 1  # the header row
    read_s = time.perf_counter() - started
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    # As a production server runs (DEBUG off): with DEBUG on, Django keeps the text of every query,
    # and on SQLite quotes each parameter to make it, the stored file and plan (tens of MB) included.
    with override_settings(DEBUG=False), transaction.atomic(), connection.execute_wrapper(count):
        officer = User(username=f"bench-{uuid.uuid4().hex[:12]}", role=Role.COMMUNE_OFFICER, scope_unit=commune)
        officer.set_unusable_password()
        officer.save()
        started, cpu = time.perf_counter(), time.process_time()
        # In the foreground: the benchmark measures the work, not the wait for a worker.
        batch = services.import_start(actor=officer, commune=commune, filename="bench.xlsx", data=data,
                                      background=False)
        preview_s, preview_cpu = time.perf_counter() - started, time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        batch = services.import_confirm(actor=officer, batch=batch, background=False)
        import_s, import_cpu = time.perf_counter() - started, time.process_time() - cpu
        figures = {"summary": batch.summary, "written": batch.result}
        transaction.set_rollback(True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    total_ms = (preview_s + import_s) * 1000
    result = summary("import", [total_ms], [queries[0]], peak)
    result.update({
        "peak_memory_is": "process peak RSS (includes the Rust reader and the bare read)",
        "debug": False,
        "rows": read_rows,
        "file_mb": round(len(data) / 2**20, 2),
        "distinct_addresses": distinct,
        "bare_read_s": round(read_s, 2),
        "preview_s": round(preview_s, 2),
        "import_s": round(import_s, 2),
        "total_s": round(preview_s + import_s, 2),
        "cpu_s": round(preview_cpu + import_cpu, 2),  # this process only: other load on the machine aside
        "ratio_to_bare_read": round((preview_s + import_s) / read_s, 1) if read_s else None,
        "problem_rows": figures["summary"]["problem_rows"],
        "written": figures["written"],
    })
    return result
