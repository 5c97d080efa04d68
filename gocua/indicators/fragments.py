"""A unit's dashboard figures, rendered once and kept in the cache under the unit's version.

The figures part of a dashboard (headline, cards, trend, map, children, teams ranked) is the
same HTML for everyone who may open that unit: anyone who sees a unit sees all of its
descendants (accounts/scope.py), the part holds counts and unit and team names only (no
resident's or member's name, phone or ID, nothing that depends on the role), and its links are
built from the dashboard's own parameters, never from the raw query string. Sections that differ
by role or come from other apps' counters (priority groups, community contributions, scam
alerts, skills) stay outside it and are read on every request.

The key holds everything the HTML depends on: the unit (the period of it shown) and the asked
parameters, the active language, today's date (the trend ends today, the default period is this
month), a stamp of the code that draws it, and the unit's version and the global version
(gocua/lib/unit_versions.py), read *before* the figures: a write that commits while the page is
built gives the unit a new version, so what was built from the older rows is stored under the old
one and never served after the write. See docs/ARCHITECTURE.md, "Fragment caching".
"""

import functools
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from gocua.lib import unit_versions
from gocua.places.models import Unit

logger = logging.getLogger(__name__)
_PREFIX = "figures:"


@dataclass(frozen=True)
class Fragment:
    html: str
    available: bool  # the unit has figures at that date (the page's other sections follow it)


@functools.cache
def code_stamp() -> str:
    """Return a hash of the code, templates and translations that draw the fragment (new with every deploy)."""
    here = Path(__file__).resolve().parent
    paths = sorted([
        *here.glob("*.py"), *here.glob("templatetags/*.py"), *here.glob("templates/indicators/*.html"),
        *(mo for folder in settings.LOCALE_PATHS for mo in Path(folder).glob("*/LC_MESSAGES/django.mo")),
    ])
    digest = hashlib.sha1(usedforsecurity=False)
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def key(unit: Unit, query: list[tuple[str, str]], versions: tuple[str, str]) -> str:
    """Return the cache key of `unit`'s figures for the dashboard parameters `query` at these versions."""
    parts = [
        code_stamp(), translation.get_language() or "", str(unit.pk), unit.code, timezone.localdate().isoformat(),
        repr(query), *versions,
    ]
    return f"{_PREFIX}{unit.code}:{hashlib.sha1(chr(31).join(parts).encode(), usedforsecurity=False).hexdigest()}"


def figures_fragment(*, unit: Unit, query: list[tuple[str, str]], build: Callable[[], Fragment]) -> tuple[Fragment, bool]:
    """Return `unit`'s figures fragment for `query` and whether it came from the cache; `build` makes it on a miss."""
    versions = unit_versions.current(unit.code) if unit_versions.enabled() else None
    if versions is None:
        return build(), False
    name = key(unit, query, versions)
    try:
        found = cache.get(name)
    except Exception:  # noqa: BLE001 - a cache outage costs speed, never the page
        logger.warning("figures fragment unreadable (cache unavailable)", exc_info=True)
        return build(), False
    if found is not None:
        html, available = found
        return Fragment(mark_safe(html), available), True  # noqa: S308 - our own render, stored as rendered
    fragment = build()
    try:
        cache.set(name, (fragment.html, fragment.available), timeout=settings.GOCUA_FIGURES_CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("figures fragment not stored (cache unavailable)", exc_info=True)
    return fragment, False
