"""Sections other apps add to the periodic report (help requests, scam alerts, learning, …).

An app registers a provider once (in its AppConfig.ready()):

    from gocua.reports.sections import Section, register
    register("alerts", lambda unit, period: Section("alerts", _("Scam alerts"), [...headers], [...rows]))

A provider takes (unit, period) — a places.Unit (commune or province) and an indicators.periods.Period
— and returns a Section or None (nothing to say for that unit and period). Rows hold aggregate
figures only (counts, percentages, names of units or projects), never a person's name, phone or
ID: the report is printed, signed and sent. A provider that fails does not take the report down:
its section says it could not be computed. Sections are frozen with the rest when a report is sent.
"""

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


@dataclass
class Section:
    key: str
    title: str
    headers: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    note: str = ""
    percent_columns: list[int] = field(default_factory=list)


Provider = Callable[[object, object], Section | None]
_PROVIDERS: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> None:
    """Register (or replace) the provider of section `key`; sections appear in registration order."""
    _PROVIDERS[key] = provider


def unregister(key: str) -> None:
    _PROVIDERS.pop(key, None)


def providers() -> dict[str, Provider]:
    return dict(_PROVIDERS)


def collect(unit, period, *, tick=None) -> list[dict]:
    """Return the sections of every provider for (unit, period) as JSON-ready dicts (`tick()` after each)."""
    found = []
    for key, provider in _PROVIDERS.items():
        try:
            section = provider(unit, period)
        except Exception:  # noqa: BLE001 - a neighbour app's bug must not stop the report
            log.exception("report section %s failed for %s", key, unit.code)
            section = Section(key, key, note=_("This section could not be computed; try again later."))
        if tick is not None:
            tick()
        if section is None:
            continue
        data = asdict(section)
        data["title"] = str(data["title"])
        data["headers"] = [str(h) for h in data["headers"]]
        data["note"] = str(data["note"])
        data["rows"] = [[_plain(v) for v in row] for row in data["rows"]]
        found.append(data)
    return found


def _plain(value):
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
