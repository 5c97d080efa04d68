"""A plan as stored between the preview and the confirmation: what the writer needs, nothing more.

Only the households and residents the writer writes are kept, as JSON lines of plain values
(units by id, resident fields in `RESIDENT_FIELDS` order), streamed through zlib. Pickling the
plan object graph instead costs a memo entry per object — over 300 MB for a 100,000-row roster.
"""

import datetime as dt
import json
import zlib

from gocua.households.services import RESIDENT_FIELDS
from gocua.imports.planner import HouseholdPlan, Plan, Proposal, ResidentPlan, ResidentValues
from gocua.imports.rows import RowInput
from gocua.places.models import Unit

FORMAT = 1
_DATE = RESIDENT_FIELDS.index("birth_date")
_LINE_CHUNK = 1 << 16
# One encoder for every line: json.dumps with any option builds a new encoder per call (27,000 at
# 100,000 rows), and lines are compressed a few hundred at a time rather than one by one.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_LINES_PER_CHUNK = 500


def _resident(r: ResidentPlan) -> list:
    values = [r.values.get(name) for name in RESIDENT_FIELDS]
    if values[_DATE] is not None:
        values[_DATE] = values[_DATE].isoformat()
    return [
        r.row.number, r.row.full_name, r.row.name_folded, r.existing["id"] if r.existing else None, values,
        list(r.citizen) if r.citizen else None, r.indicators, r.changes,
        {name: list(pair) for name, pair in r.indicator_changes.items()},
    ]


def _household(h: HouseholdPlan) -> list:
    existing = h.existing
    return [
        h.commune.pk, h.village.pk if h.village else None, h.proposal.key if h.proposal else None, h.key,
        [existing["id"], existing["address_line"], existing["head_id"], existing["search_folded"]] if existing else None,
        h.address_line, h.head_name, [_resident(r) for r in h.valid],
    ]


def dump(plan: Plan) -> bytes:
    """Return the writable part of `plan` as compressed JSON lines."""
    z = zlib.compressobj(1)
    households = plan.valid_households
    proposals = {h.proposal.key: h.proposal for h in households if h.proposal is not None}
    units = {plan.target.pk} if plan.target else set()
    for h in households:
        units.add(h.commune.pk)
        if h.village is not None:
            units.add(h.village.pk)
    head = {
        "format": FORMAT, "target": plan.target.pk if plan.target else None,
        "proposals": [[p.key, p.commune.pk, p.variants, p.kind, p.choice, p.rows] for p in proposals.values()],
        "units": sorted(units),  # so that `load` can build each household as its line is read
        # So that the writer can check the communes and size its write before reading a household.
        "communes": sorted({h.commune.pk for h in households}),
        "households": len(households),
        "new_residents": sum(1 for h in households for r in h.valid if r.existing is None),
    }
    parts = [z.compress(_encode(head).encode() + b"\n")]
    for start in range(0, len(households), _LINES_PER_CHUNK):
        chunk = households[start : start + _LINES_PER_CHUNK]
        parts.append(z.compress("".join(_encode(_household(h)) + "\n" for h in chunk).encode()))
    parts.append(z.flush())
    return b"".join(parts)


def _lines(blob: bytes):
    """Yield the JSON lines of a dump, decompressing a chunk at a time."""
    z, rest = zlib.decompressobj(), b""
    for start in range(0, len(blob), _LINE_CHUNK):
        rest += z.decompress(blob[start : start + _LINE_CHUNK])
        *lines, rest = rest.split(b"\n")
        yield from lines
    rest += z.flush()
    yield from (line for line in rest.split(b"\n") if line)


class Stored:
    """A stored plan opened for writing: its head now, its households a chunk at a time (`chunks`).

    The writer walks the chunks in one transaction (`writer.write`), so a 100,000-row plan is never
    in memory as objects at once (~290 MB when it was). A plan stored before the head said how many
    households it holds is read whole, as before.
    """

    def __init__(self, blob: bytes):
        self._lines = _lines(blob)
        head = json.loads(next(self._lines))
        if head.get("format") != FORMAT:
            raise ValueError("unknown stored plan format")
        unit_ids = {head["target"]} | {p[1] for p in head["proposals"]}
        if "units" in head:
            unit_ids.update(head["units"])
            self._raw = None
        else:  # a plan stored before the units were listed in the head
            self._raw = [json.loads(line) for line in self._lines]
            for h in self._raw:
                unit_ids.update((h[0], h[1]))
        self.units = Unit.objects.select_related("parent").in_bulk([pk for pk in unit_ids if pk is not None])
        self.proposals = {
            key: Proposal(key, self.units[commune], variants, kind, choice, rows)
            for key, commune, variants, kind, choice, rows in head["proposals"]
        }
        self.target = self.units.get(head["target"]) if head["target"] else None
        if "households" not in head:  # older still: read it all to know what it holds
            self._households = self._build(self._raw if self._raw is not None else (json.loads(x) for x in self._lines))
            self._raw = None
            self.household_count = len(self._households)
            self.communes = {h.commune.code: h.commune for h in self._households}
            self.new_residents = sum(1 for h in self._households for r in h.valid if r.existing is None)
        else:
            self._households = None
            self.household_count = head["households"]
            self.communes = {self.units[pk].code: self.units[pk] for pk in head["communes"]}
            self.new_residents = head["new_residents"]

    def _build(self, raw) -> list[HouseholdPlan]:
        units, households = self.units, []
        for commune, village, proposal, key, existing, address_line, head_name, residents in raw:
            plan = HouseholdPlan(
                units[commune], units[village] if village else None, self.proposals.get(proposal), key,
                dict(zip(("id", "address_line", "head_id", "search_folded"), existing, strict=True)) if existing else None,
                address_line=address_line, head_name=head_name,
            )
            plan.residents = [_resident_plan(r) for r in residents]
            households.append(plan)
        return households

    def chunks(self, size: int = 2_000):
        """Yield the stored households, `size` at a time (once: the lines are read as they go)."""
        if self._households is not None:
            households, self._households = self._households, []
            for start in range(0, len(households), size):
                yield households[start : start + size]
            return
        source = self._raw if self._raw is not None else (json.loads(line) for line in self._lines)
        chunk = []
        for raw in source:
            chunk.append(raw)
            if len(chunk) >= size:
                yield self._build(chunk)
                chunk = []
        if chunk:
            yield self._build(chunk)


def open_plan(blob: bytes) -> Stored:
    """Return the stored plan in `blob`, opened for a chunked write."""
    return Stored(blob)


def load(blob: bytes) -> Plan:
    """Return a Plan holding every stored household and resident at once (tests, small plans)."""
    opened = Stored(blob)
    households = [h for chunk in opened.chunks() for h in chunk]
    communes = {h.commune.code: h.commune for h in households}
    return Plan(opened.target, [], households, opened.proposals, {}, communes)


def _resident_plan(raw: list) -> ResidentPlan:
    number, full_name, name_folded, existing, values, citizen, indicators, changes, indicator_changes = raw
    if values[_DATE] is not None:
        values[_DATE] = dt.date.fromisoformat(values[_DATE])
    row = RowInput(number=number, full_name=full_name, name_folded=name_folded)
    return ResidentPlan(
        row, {"id": existing} if existing is not None else None,
        ResidentValues(dict(zip(RESIDENT_FIELDS, values, strict=True)), row), tuple(citizen) if citizen else None,
        indicators, changes,
        {name: tuple(pair) for name, pair in indicator_changes.items()},
    )
