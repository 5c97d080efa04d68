#!/usr/bin/env python3
"""Set up and run GõCửa on a fresh machine that has only Python 3.11+.

    python3 dev.py up      # virtualenv, install, migrate, units, demo data, serve on :8000
    python3 dev.py test    # virtualenv, install with test tools, run the whole test suite

A Python script rather than a Makefile or shell script because commune officers' PCs
often run Windows, where neither make nor bash is present.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("GOCUA_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*args, **kwargs) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, **kwargs)
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_venv(extras: str) -> None:
    """Create the virtualenv and (re)install the project when pyproject.toml changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 — dev.py must explain itself on an old Python
        sys.exit("GõCửa cần Python 3.11 trở lên / GõCửa needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print(f"Creating virtualenv in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".gocua-installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f".{extras}")
        stamp.write_text(digest)


def gocua(*args) -> None:
    run(PYTHON, "-m", "gocua.manage", *args)


def up(argv: list[str]) -> None:
    ensure_venv("")
    gocua("i18n_compile")
    gocua("migrate", "--no-input", "-v", "0")
    gocua("load_units")
    gocua("demo")
    gocua("push_keys")  # VAPID keys for the phones' daily reminders, in the data directory (never committed)
    gocua("push_digest", "--schedule")
    address = argv[0] if argv else "127.0.0.1:8000"
    # The background worker (big imports, exports, scheduled changes) runs beside the server and
    # stops with it; tasks wait in the database, so a restart loses none.
    worker = subprocess.Popen([str(PYTHON), "-m", "gocua.manage", "db_worker", "--no-reload"], cwd=ROOT)
    print(f"\nGõCửa: http://{address}/  (Ctrl+C để dừng / to stop)\n", flush=True)
    try:
        gocua("runserver", address)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test(argv: list[str]) -> None:
    ensure_venv("[test]")
    gocua("i18n_compile")
    env = dict(os.environ, GOCUA_ENV="test")
    run(PYTHON, "-m", "pytest", *argv, env=env)


def main() -> None:
    commands = {"up": up, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
