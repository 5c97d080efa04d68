"""Group roster rows into households when the file has no household key column.

Rules, in order (the first that the sheet allows decides):

1. A household key column: rows with the same key are one household (as GõCửa's own template).
2. A household number column ("STT hộ"): a new number starts a household; an empty number continues
   the household above (a merged cell has already been filled down by the reader).
3. A relation column: a row marked "Chủ hộ" starts a household; the rows below it belong to it.
4. A head-of-household name column: rows with the same head's name and address are one household
   (an empty head's name continues the household above).

Rows before the first household start, and a household whose rows come before its head in rule 2,
are a problem ("household_starts_without_head") named with their row numbers. A household without
a key gets a generated key that is stable: the same file re-imported gives every household the same
key, so the import updates in place. The key is "G" + 11 characters of a SHA-256 over the folded
head's name, the folded address and the head's year of birth (the planner keys households by
village, so the commune is implied); it changes only if one of those three changes in the file.
"""

import base64
import hashlib
from dataclasses import dataclass, field

from gocua.households.models import Resident
from gocua.imports import layout
from gocua.imports.problems import Problem
from gocua.imports.rows import RowInput
from gocua.lib.text import fold

HEAD = Resident.Relation.HEAD
GENERATED_PREFIX = "G"
STARTS_WITHOUT_HEAD = "household_starts_without_head"


@dataclass
class Group:
    """One household as the sheet shows it."""

    key: str
    rows: list[RowInput] = field(default_factory=list)
    problem: Problem | None = None  # the rows of a household that starts without its head
    generated: bool = False


def generated_key(head_name: str, address: str, birth_year: int | None) -> str:
    """Return the stable key of a household without one ("G" + 11 base32 characters)."""
    text = "|".join([fold(head_name), fold(address), str(birth_year or "")])
    digest = hashlib.sha256(text.encode()).digest()
    return GENERATED_PREFIX + base64.b32encode(digest).decode()[:11]


def households(rows: list[RowInput]) -> list[Group]:
    """Return the households of `rows`, in the order of their first row (see the module rules)."""
    if any(row.household_key for row in rows):
        return _by_key(rows)
    if any(row.household_no for row in rows):
        groups = _consecutive(rows, _new_number)
    elif any(row.relation for row in rows):
        groups = _consecutive(rows, lambda row, group: row.relation == HEAD)
    elif any(row.head_name for row in rows):
        return _by_head(rows)
    else:
        return []
    return [_finish(group) for group in groups]


def _by_key(rows: list[RowInput]) -> list[Group]:
    groups: dict[str, Group] = {}
    for row in rows:
        if row.household_key:
            groups.setdefault(row.household_key, Group(row.household_key)).rows.append(row)
    return list(groups.values())


@dataclass
class _Open:
    no: str = ""
    rows: list[RowInput] = field(default_factory=list)
    started: bool = False  # begun by a head row or a household number (rows before any start are orphans)

    @property
    def has_head(self) -> bool:
        return any(r.relation == HEAD for r in self.rows)


def _new_number(row: RowInput, group: _Open) -> bool:
    if row.household_no:
        return row.household_no != group.no
    # No number on this row: a second head of household still starts a new household.
    return row.relation == HEAD and group.has_head


def _consecutive(rows: list[RowInput], starts) -> list[_Open]:
    groups: list[_Open] = []
    current = _Open()
    for row in rows:
        if starts(row, current):
            if current.rows:
                groups.append(current)
            current = _Open(row.household_no or current.no, started=True)
        current.rows.append(row)
    if current.rows:
        groups.append(current)
    return groups


def _finish(group: _Open) -> Group:
    head = next((r for r in group.rows if r.relation == HEAD), None)
    first = group.rows[0]
    named = head or first
    head_name = named.head_name or (named.full_name if head else "") or first.head_name
    address = next((r.address for r in ([head] if head else []) + group.rows if r.address), "")
    key = generated_key(head_name or named.full_name, address, named.birth_year)
    result = Group(key, group.rows, generated=True)
    # Rows before the first household start belong to no head: a problem with their row numbers. (A
    # numbered household without a head is the planner's "household_no_head".)
    if not group.started:
        numbers = [r.number for r in group.rows]
        result.problem = Problem(first.number, layout.RELATION, STARTS_WITHOUT_HEAD, {
            "rows": ", ".join(str(n) for n in numbers),
        })
    return result


def _by_head(rows: list[RowInput]) -> list[Group]:
    groups: dict[tuple[str, str], list[RowInput]] = {}
    last_head = ""
    for row in rows:
        head_name = row.head_name or last_head
        last_head = head_name
        if head_name:
            groups.setdefault((head_name, fold(row.address)), []).append(row)
    result = []
    for (head_name, _address), members in groups.items():
        head = next((r for r in members if r.relation == HEAD or fold(r.full_name) == fold(head_name)), None)
        address = (head or members[0]).address
        result.append(Group(generated_key(head_name, address, head.birth_year if head else None), members,
                            generated=True))
    return result


def _infer_relations(group: Group) -> None:
    """Without a relation column: the row named as the head (else the first row) is the head, others "Khác".

    The services need a relation on every resident; "Khác" (other) says the file did not tell.
    """
    head_name = fold(next((r.head_name for r in group.rows if r.head_name), ""))
    head = next((r for r in group.rows if head_name and r.name_folded == head_name), None)
    if head is None and not head_name:
        head = group.rows[0]
    for row in group.rows:
        row.relation = HEAD if row is head else Resident.Relation.OTHER


def assign(rows: list[RowInput]) -> list[Group]:
    """Give every row without a household key its household's key; record the grouping problems.

    The planner calls this before grouping by key: a file with a key column is left as it is.
    """
    if any(row.household_key for row in rows):
        return _by_key(rows)
    groups = households(rows)
    # No relation at all (not even an unreadable one): the sheet has no relation column.
    infer_relations = not any(
        row.relation or any(p.field == layout.RELATION for p in row.problems) for row in rows
    )
    for group in groups:
        if infer_relations:
            _infer_relations(group)
        for row in group.rows:
            row.household_key = group.key
            if group.problem is not None:
                row.problems.append(Problem(row.number, group.problem.field, group.problem.code,
                                            dict(group.problem.params)))
    return groups
