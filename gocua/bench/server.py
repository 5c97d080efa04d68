"""Serve the app with gunicorn on a free loopback port for the HTTP benchmarks (sync, dashboards, load).

Only 127.0.0.1 is bound; debug is off; access logs go nowhere (they would name URLs with ids).
"""

import http.client
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager

from django.conf import settings

HOST = "127.0.0.1"
READY_SECONDS = 30


def copy_sqlite(source: str, target) -> None:
    """Copy the SQLite database file `source` to `target` with SQLite's online backup."""
    origin = sqlite3.connect(str(source))
    copy = sqlite3.connect(str(target))
    try:
        origin.backup(copy)
    finally:
        copy.close()
        origin.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(port: int, *, workers: int = 2, timeout: int = 300, env: dict | None = None, backlog: int = 2048):
    """Run gunicorn (sync workers) on HOST:port until the block ends; yield its process."""
    command = [
        sys.executable, "-m", "gunicorn", "gocua.wsgi:application", "--bind", f"{HOST}:{port}",
        "--workers", str(workers), "--timeout", str(timeout), "--backlog", str(backlog),
        "--log-level", "warning", "--access-logfile", "/dev/null",
    ]
    process = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env={**os.environ, "GOCUA_DEBUG": "0", **(env or {})},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_ready(process, probe: Callable[[], tuple[int, bytes]], what: str) -> None:
    """Call `probe` until the server answers it with 200; raise RuntimeError if it stops or never does."""
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped: " + process.stderr.read().decode(errors="replace")[-500:])
        try:
            status, body = probe()
        except OSError:
            time.sleep(0.2)
            continue
        if status != 200:
            raise RuntimeError(f"{what} answered {status}: {body[:200]!r}")
        return
    raise RuntimeError(f"gunicorn did not answer within {READY_SECONDS}s")


def request(port: int, method: str, path: str, headers: dict, body: bytes | None = None,
            timeout: int = 300) -> tuple[int, bytes]:
    """Send one request on a fresh connection (sync workers close each one); return status and body."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Host": HOST, **headers})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()
