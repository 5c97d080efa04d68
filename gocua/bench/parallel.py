"""Write the shares of a `gocua generate` run from several processes at once.

Planning people and building their rows is CPU-bound Python (about 200 µs per resident), so one
process keeps one core busy while the others idle. Here each worker process — forked, so it
inherits the loaded Django and the planned shares, and opens its own database connection — takes
the next share nobody has taken yet and plans and writes it whole (`generator.ShareWriter`). Shares never share communes, id ranges or
citizen ID serials, so the rows are the same as when one process writes the shares one by one.

SQLite takes one writer at a time: workers take turns on a lock for each chunk's transaction, so
one builds its next chunk while the other writes. PostgreSQL takes both at once.
"""

import multiprocessing
import queue
import sys
import traceback
from collections.abc import Callable
from contextlib import nullcontext

from django.db import connection, connections

POLL_SECONDS = 2.0


class GenerationFailed(RuntimeError):
    """A worker process failed or died; the chunks written before stay (remove them with --reset)."""


def run(shares: list, config: dict, *, workers: int, report: Callable) -> None:
    """Write `shares` with `workers` processes; call `report(counts)` for each chunk written."""
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    lock = context.Lock() if connection.vendor == "sqlite" else None
    taken = context.Value("i", 0)  # shares are handed out in order to whichever worker is free
    connections.close_all()  # a forked child must not use the parent's connection
    processes = [
        context.Process(target=_work, args=(shares, taken, config, messages, lock), daemon=True)
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    running, failed = len(processes), True
    try:
        while running:
            try:
                kind, value = messages.get(timeout=POLL_SECONDS)
            except queue.Empty:
                dead = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
                if dead:
                    raise GenerationFailed(f"a worker process stopped with exit code {dead[0]}") from None
                continue
            if kind == "counts":
                report(value)
            elif kind == "done":
                running -= 1
            else:
                raise GenerationFailed(value)
        failed = False
    finally:
        for process in processes:
            if failed and process.is_alive():
                process.terminate()
            process.join()


def _work(shares: list, taken, config: dict, messages, lock) -> None:
    """One worker process: take the next share not taken and write it chunk by chunk, reporting
    counts, until none is left; then say "done" (or send the error)."""
    from gocua.bench.bulk import fast_load
    from gocua.bench.generator import ShareWriter

    try:
        fast_load()
        while True:
            with taken.get_lock():
                index = taken.value
                taken.value += 1
            if index >= len(shares):
                break
            writer = ShareWriter(shares[index], **config)
            for chunk in writer.chunks():
                with lock or nullcontext():
                    counts = writer.write(chunk)
                messages.put(("counts", counts))
        messages.put(("done", None))
    except BaseException as exc:  # noqa: BLE001 — reported to the parent, which stops the run
        traceback.print_exc(file=sys.stderr)
        messages.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        connections.close_all()


def beside(task: Callable, meanwhile: Callable) -> object:
    """Run `task(turn)` in a forked process while this process runs `meanwhile(turn)`; return what
    `meanwhile` returns. `turn` is a lock both take around each write transaction (SQLite has one
    writer; the reads in between run at once). Raise GenerationFailed when `task` fails.
    """
    context = multiprocessing.get_context("fork")
    turn = context.Lock()
    connections.close_all()
    process = context.Process(target=_task, args=(task, turn), daemon=True)
    process.start()
    try:
        result = meanwhile(turn)
    finally:
        process.join()
    if process.exitcode != 0:
        raise GenerationFailed(f"the process filling the search tables stopped with exit code {process.exitcode}")
    return result


def _task(task: Callable, turn) -> None:
    try:
        task(turn)
    finally:
        connections.close_all()
