"""Charts drawn on the server as inline SVG: no JavaScript, no library download, no CDN.

A cheap phone renders them as fast as text, they print, and they work offline once the page is
loaded. The viewBoxes are 320 units wide, the width of a 360 px screen less the page margins, so
12-unit text is 12 px on a phone; CSS caps the width on larger screens (indicators.css).
Colours come with a second cue (dash pattern, label) for colour-blind readers; the legends are
HTML (see the templates) so they wrap and stay readable.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Series colours and dash patterns, index-aligned with .swatch-N in indicators.css.
COLOURS = ["#0b57d0", "#b3261e", "#1b7a3a", "#a05a00", "#6b3fa0"]
DASHES = ["", "6 3", "2 3", "9 3 2 3", "1 2"]
YES, NO, UNKNOWN, REST = "#1b7a3a", "#b3261e", "#bdb5b0", "#f1ede9"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def stacked_bar(yes: float | None, no: float | None, unknown: float | None, target: float | None = None,
                *, label: str = "") -> SafeString:
    """Return a bar of yes / no / unknown percentages with the target as a tick."""
    parts, x = [], 0.0
    for value, colour in ((yes, YES), (no, NO)):
        if value:
            parts.append(f'<rect x="{_num(x)}" y="0" width="{_num(value)}" height="10" fill="{colour}"/>')
            x += value
    if unknown and no is not None:  # a composite's "unknown" has another base: leave it out of the bar
        parts.append(f'<rect x="{_num(x)}" y="0" width="{_num(min(unknown, 100 - x))}" height="10" fill="{UNKNOWN}"/>')
    if target is not None:
        parts.append(
            f'<line x1="{_num(target)}" x2="{_num(target)}" y1="-2" y2="12" stroke="#1d1b1a" stroke-width="2" '
            'vector-effect="non-scaling-stroke"/>'
        )
    return format_html(
        '<svg class="bar" viewBox="0 -2 100 14" preserveAspectRatio="none" role="img" aria-label="{}">'
        '<rect x="0" y="0" width="100" height="10" fill="{}"/>{}</svg>',
        label, REST, mark_safe("".join(parts)),
    )


@dataclass(frozen=True)
class Series:
    label: str
    points: list[tuple[dt.date, float | None]]
    target: float | None = None


W, H = 320, 190
LEFT, RIGHT, TOP, BOTTOM = 34, 312, 10, 160


def _x(day: dt.date, first: dt.date, last: dt.date) -> float:
    span = (last - first).days
    return LEFT + (RIGHT - LEFT) * ((day - first).days / span if span else 0.5)


def _y(value: float) -> float:
    return BOTTOM - (BOTTOM - TOP) * max(0.0, min(100.0, value)) / 100


def _short(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year % 100:02d}"


def line_chart(series: list[Series], *, title: str, marker: tuple[dt.date, str] | None = None) -> SafeString:
    """Return a line chart of percentages over time (0–100%), one line per series, targets dashed."""
    days = sorted({day for s in series for day, value in s.points if value is not None})
    if not days:
        return SafeString("")
    first, last = days[0], days[-1]
    out = [f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for tick in (0, 25, 50, 75, 100):
        y = _num(_y(tick))
        out.append(f'<line x1="{LEFT}" x2="{RIGHT}" y1="{y}" y2="{y}" stroke="#e4ddd8"/>')
        out.append(f'<text x="{LEFT - 4}" y="{_num(_y(tick) + 4)}" text-anchor="end" font-size="11" fill="#5f5a57">{tick}%</text>')
    labels = [(first, "start")] if first == last else [(first, "start"), (last, "end")]
    for day, anchor in labels:
        x = _num(_x(day, first, last))
        out.append(f'<text x="{x}" y="{BOTTOM + 16}" text-anchor="{anchor if first != last else "middle"}" '
                   f'font-size="12" fill="#5f5a57">{_short(day)}</text>')
    if marker and first < marker[0] <= last:
        x = _num(_x(marker[0], first, last))
        out.append(f'<line x1="{x}" x2="{x}" y1="{TOP}" y2="{BOTTOM}" stroke="#5f5a57" stroke-dasharray="3 3"/>')
        out.append(f'<text x="{x}" y="{BOTTOM + 28}" text-anchor="middle" font-size="11" fill="#5f5a57">'
                   f'{escape(marker[1])}</text>')
    for index, s in enumerate(series):
        colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
        if s.target is not None:
            y = _num(_y(s.target))
            out.append(f'<line x1="{LEFT}" x2="{RIGHT}" y1="{y}" y2="{y}" stroke="{colour}" stroke-opacity=".45" '
                       'stroke-dasharray="2 4"/>')
        coords = [(_x(day, first, last), _y(value)) for day, value in s.points if value is not None]
        if len(coords) > 1:
            path = " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        if len(coords) <= 40:
            out.extend(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3" fill="{colour}"/>' for x, y in coords)
    out.append("</svg>")
    return mark_safe("".join(out))


# --- the map of a province's communes -------------------------------------------------------------

BINS = [(75, "#1b7a3a"), (50, "#7fae3c"), (25, "#e0a100"), (0, "#b3261e")]
NO_DATA = "#bdb5b0"


def colour_of(value: float | None) -> str:
    if value is None:
        return NO_DATA
    return next(colour for floor, colour in BINS if value >= floor)


@dataclass(frozen=True)
class MapPoint:
    name: str
    latitude: float
    longitude: float
    value: float | None
    url: str = ""


def scatter_map(points: list[MapPoint], *, title: str) -> SafeString:
    """Return the points placed by longitude/latitude (equirectangular), coloured by value."""
    points = [p for p in points if p.latitude is not None and p.longitude is not None]
    if not points:
        return SafeString("")
    lats, lons = [p.latitude for p in points], [p.longitude for p in points]
    squeeze = math.cos(math.radians(sum(lats) / len(lats)))  # degrees of longitude are shorter up north
    span_x = max((max(lons) - min(lons)) * squeeze, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    pad, width = 12, W
    scale = (width - 2 * pad) / max(span_x, span_y * 0.6)  # never taller than 1.7× the width
    height = int(min(span_y * scale, 1.7 * width) + 2 * pad)
    scale = min(scale, (height - 2 * pad) / span_y)
    out = [f'<svg class="map" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
           f'<title>{escape(title)}</title><rect width="{width}" height="{height}" fill="#f6f3f0"/>']
    # No data first, then strongest to weakest: the weak points, the ones to act on, end on top.
    for p in sorted(points, key=lambda p: (p.value is not None, -(p.value or 0))):
        x = pad + (p.longitude - min(lons)) * squeeze * scale
        y = pad + (max(lats) - p.latitude) * scale
        text = f"{p.name}: {'—' if p.value is None else _num(p.value) + '%'}"
        dot = (f'<circle cx="{_num(x)}" cy="{_num(y)}" r="7" fill="{colour_of(p.value)}" stroke="#fff" '
               f'stroke-width="1.5"><title>{escape(text)}</title></circle>')
        out.append(f'<a href="{escape(p.url)}">{dot}</a>' if p.url else dot)
    out.append("</svg>")
    return mark_safe("".join(out))
