"""Versions of what each unit's figures pages show, kept in the cache, for fragment caching.

A unit's version is a token in the shared cache (`unitv:<code>`). Every service that changes what
a unit's dashboard figures show gives that unit, its ancestors and the nation a new token
(`bump`); a change that can touch every unit (the daily roll, a target, a map change) gives the
one global token a new value (`bump_all`). A cached fragment is keyed by the global token and its
unit's token (gocua/indicators/fragments.py), so a new token makes every older fragment of that
unit unreachable; nothing is ever deleted, the fragments age out with their timeout.

Why tokens in the cache and not a version column: a province's or the nation's figures are sums
of their communes computed on read (indicators/stored.py), and no write may touch a database row
shared by writers of different communes (issue 16, item 3). A cache key is no row lock: setting
it never waits for another transaction. And the teams, the unit names and the targets that the
same fragments show are written by apps below or beside the rollups; each bumps through this
module, which every layer may import.

A token is random (never a value used before), so a version lost from the cache (evicted,
restarted) is replaced by a new one, never by an old one that a surviving fragment was stored
under. A bump sets the new tokens twice: at once, so a read inside the writer's transaction (and
the test suite, whose transactions never commit) sees the change, and again after commit, so that
a page read between the two, which saw the old rows under the first new token, cannot keep them.

The tokens only mean something if every process reads the same cache: `enabled()` is the
`GOCUA_FIGURES_CACHE` setting, on by default with Redis (and in tests), off with a per-process
cache in production (each gunicorn worker would keep its own tokens and miss the others' bumps).
"""

import logging
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

logger = logging.getLogger(__name__)

NATION = "VN"  # the ancestor of every unit: its figures change with any unit's
GLOBAL = "*"
_PREFIX = "unitv:"


def enabled() -> bool:
    """Return whether fragments of figures are cached (and so whether versions are kept)."""
    return bool(getattr(settings, "GOCUA_FIGURES_CACHE", False))


def _token() -> str:
    return secrets.token_hex(8)


def _key(code: str) -> str:
    return f"{_PREFIX}{code}"


def _set(codes: list[str]) -> None:
    try:
        cache.set_many({_key(code): _token() for code in codes}, timeout=None)
    except Exception:  # noqa: BLE001 - a cache outage must not fail the write; fragments age out
        logger.warning("unit versions not bumped (cache unavailable): %s", ", ".join(codes[:5]), exc_info=True)


def bump(codes: Iterable[str]) -> None:
    """Give each unit code (villages, communes, provinces: pass every ancestor) and the nation a new version."""
    if not enabled():
        return
    wanted = sorted({code for code in codes if code} | {NATION})
    _set(wanted)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _set(wanted))


def bump_all() -> None:
    """Give the global version a new value: every cached fragment of every unit is stale."""
    bump([GLOBAL])


def current(code: str) -> tuple[str, str] | None:
    """Return (global version, version of `code`), creating missing ones; None when the cache cannot answer."""
    keys = [_key(GLOBAL), _key(code)]
    try:
        found = cache.get_many(keys)
        for key in keys:
            if key not in found:
                # add, not set: two processes meeting a missing version agree on the first one stored.
                cache.add(key, _token(), timeout=None)
                found[key] = cache.get(key)
    except Exception:  # noqa: BLE001 - without versions the page is built fresh, never stale
        logger.warning("unit versions unreadable (cache unavailable)", exc_info=True)
        return None
    if any(found[key] is None for key in keys):
        return None
    return found[keys[0]], found[keys[1]]
