"""Reporting periods (month, quarter, year) and the `?date=` / `?period=` / `?start=` parsing rules.

Accepted forms, so a link or a script can say what it means in the shortest way:

- `period=month|quarter|year` — the period of that kind containing `start` (or the date, or today);
- `period=2025-07` (a month), `period=2025-Q3` (a quarter), `period=2025` (a year);
- `start=` takes `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.

Anything else raises DomainError with code `invalid_period` / `invalid_date` (HTTP 400).
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gocua.errors import DomainError
from gocua.indicators.errors import IndicatorErrorCode

KINDS = ("month", "quarter", "year")
KIND_LABELS = {"month": _("Month"), "quarter": _("Quarter"), "year": _("Year")}
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
EARLIEST = dt.date(2000, 1, 1)  # nothing in the registry predates the CDT teams (2022); keeps years sane


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("month %(month)s/%(year)s") % {"month": f"{self.start.month:02d}", "year": self.start.year}
        if self.kind == "quarter":
            return _("quarter %(quarter)s/%(year)s") % {"quarter": (self.start.month - 1) // 3 + 1, "year": self.start.year}
        return _("year %(year)s") % {"year": self.start.year}

    @property
    def token(self) -> str:
        """Return the compact form accepted back by `parse_period` (2025-07, 2025-Q3, 2025)."""
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def period_of(kind: str, day: dt.date) -> Period:
    """Return the period of `kind` that contains `day`."""
    if kind == "year":
        return Period("year", dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    first_month = day.month if kind == "month" else 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    months = 1 if kind == "month" else 3
    following = dt.date(start.year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1)
    return Period(kind, start, following - dt.timedelta(days=1))


def _invalid_date(text: str, field: str) -> DomainError:
    return DomainError(
        IndicatorErrorCode.INVALID_DATE,
        _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2025-07-31.") % {"value": text[:40]},
        field=field,
    )


def _sane(day: dt.date, text: str, field: str) -> dt.date:
    if day < EARLIEST or day.year > 2999:
        raise _invalid_date(text, field)
    return day


def parse_date(text: str | None, *, field: str = "date") -> dt.date | None:
    """Return the date in `text` (YYYY-MM-DD), None when blank; raise DomainError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return _sane(dt.date.fromisoformat(text), text, field)
    except ValueError:
        raise _invalid_date(text, field) from None


def _parse_start(text: str) -> dt.date:
    """Return the first day named by YYYY-MM-DD, YYYY-MM or YYYY."""
    for pattern, build in (
        (_MONTH, lambda m: dt.date(int(m[1]), int(m[2]), 1)),
        (_YEAR, lambda m: dt.date(int(m[1]), 1, 1)),
    ):
        match = pattern.match(text)
        if match:
            try:
                return _sane(build(match), text, "start")
            except ValueError:
                raise _invalid_date(text, "start") from None
    return parse_date(text, field="start")


def _invalid_period(text: str) -> DomainError:
    return DomainError(
        IndicatorErrorCode.INVALID_PERIOD,
        _("“%(value)s” is not a period: use month, quarter or year, or write it as 2025-07, 2025-Q3 or 2025.")
        % {"value": text[:40]},
        field="period",
    )


def parse_period(kind: str | None, start: str | None, *, default_day: dt.date, default_kind: str = "month") -> Period:
    """Return the period named by `kind` and `start`; the period of `default_day` when both are blank."""
    kind = (kind or "").strip()
    start_text = (start or "").strip()
    day = _parse_start(start_text) if start_text else default_day
    if not kind:
        return period_of(default_kind, day)
    if kind in KINDS:
        return period_of(kind, day)
    for pattern, make in (
        (_MONTH, lambda m: dt.date(int(m[1]), int(m[2]), 1)),
        (_QUARTER, lambda m: dt.date(int(m[1]), 3 * (int(m[2]) - 1) + 1, 1)),
        (_YEAR, lambda m: dt.date(int(m[1]), 1, 1)),
    ):
        match = pattern.match(kind)
        if match:
            try:
                first = _sane(make(match), kind, "period")
            except (ValueError, DomainError):
                raise _invalid_period(kind) from None
            named = "month" if pattern is _MONTH else "quarter" if pattern is _QUARTER else "year"
            return period_of(named, first)
    raise _invalid_period(kind)
