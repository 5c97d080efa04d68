"""Contributions rolled up per unit (village, commune, province, nation), kept exact.

Writers call `entry_recorded` and `status_changed` inside their own transaction, so the
figures change together with the ledger or not at all. `recompute` derives the same figures
from the raw ledger with plain GROUP BY queries; `gocua check_community_rollups` compares.

A household counts as contributing to a unit while it has at least one standing (not
reversed) contribution to a project in that unit; the figures follow the project's unit,
so a commune-wide project counts at the commune and above, not at any village.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Sum

from gocua.community.models import LedgerEntry, Project, UnitContribution
from gocua.places.models import Level, code_field

NATION_CODE = "VN"
_CODE_FIELDS = tuple((level, code_field(level)) for level in (Level.VILLAGE, Level.COMMUNE, Level.PROVINCE))


@dataclass
class Figures:
    level: int
    money_vnd: int = 0
    labour_days: Decimal = Decimal(0)
    contributing_households: int = 0
    projects_done: int = 0

    def as_tuple(self) -> tuple:
        return (self.money_vnd, Decimal(self.labour_days), self.contributing_households, self.projects_done)


def unit_codes(row) -> list[tuple[int, str]]:
    """Return (level, code) of every unit a project or entry counts in, village first."""
    codes = [(level, getattr(row, field)) for level, field in _CODE_FIELDS if getattr(row, field)]
    return [*codes, (Level.NATION, NATION_CODE)]


def _apply(deltas: dict[tuple[int, str], dict]) -> None:
    deltas = {key: d for key, d in deltas.items() if any(d.values())}
    if not deltas:
        return
    UnitContribution.objects.bulk_create(
        [UnitContribution(unit_code=code, level=level) for level, code in deltas], ignore_conflicts=True
    )
    for (_level, code), delta in deltas.items():
        UnitContribution.objects.filter(unit_code=code).update(
            **{name: F(name) + value for name, value in delta.items() if value}
        )


def _standing(household_id: int, *, exclude: int) -> list[tuple[str, str, str]]:
    """Return the codes of the household's other standing contributions."""
    return list(
        LedgerEntry.objects.filter(
            kind=LedgerEntry.Kind.CONTRIBUTION,
            household_id=household_id,
            reverses__isnull=True,
            reversal__isnull=True,
        )
        .exclude(pk=exclude)
        .values_list("village_code", "commune_code", "province_code")
        .order_by()
        .distinct()
    )


def _household_counted_elsewhere(others, level: int, code: str) -> bool:
    if level == Level.NATION:
        return bool(others)
    index = {Level.VILLAGE: 0, Level.COMMUNE: 1, Level.PROVINCE: 2}[level]
    return any(row[index] == code for row in others)


def entry_recorded(entry: LedgerEntry) -> None:
    """Add a just-written ledger entry (original or reversal) to the unit figures."""
    if entry.kind != LedgerEntry.Kind.CONTRIBUTION:
        return
    original = entry.reverses if entry.is_reversal else entry
    sign = -1 if entry.is_reversal else 1
    others = _standing(original.household_id, exclude=original.pk) if original.household_id else None
    deltas = {}
    for level, code in unit_codes(entry):
        households = 0
        if others is not None and not _household_counted_elsewhere(others, level, code):
            households = sign
        deltas[(level, code)] = {
            "money_vnd": entry.money_vnd,
            "labour_days": entry.labour_days,
            "contributing_households": households,
        }
    _apply(deltas)


def status_changed(project: Project, old: str, new: str) -> None:
    """Count a project in or out of "projects done" when its status crosses DONE."""
    done = Project.Status.DONE
    if (old == done) == (new == done):
        return
    step = 1 if new == done else -1
    _apply({key: {"projects_done": step} for key in unit_codes(project)})


# --- recomputation from the raw ledger -----------------------------------------------------------


def recompute() -> dict[str, Figures]:
    """Return the figures of every unit with any contribution or done project, from raw rows."""
    out: dict[str, Figures] = {}

    def slot(level, code) -> Figures:
        return out.setdefault(code, Figures(level=level))

    contributions = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CONTRIBUTION)
    standing = contributions.filter(reverses__isnull=True, reversal__isnull=True, household__isnull=False)
    done = Project.objects.filter(status=Project.Status.DONE)
    groups = [*((level, field) for level, field in _CODE_FIELDS), (Level.NATION, None)]
    for level, field in groups:
        by = [field] if field else []
        for row in _grouped(contributions, by, money=Sum("money_vnd"), labour=Sum("labour_days")):
            figures = slot(level, row[field] if field else NATION_CODE)
            figures.money_vnd, figures.labour_days = row["money"] or 0, Decimal(row["labour"] or 0)
        for row in _grouped(standing, by, households=Count("household", distinct=True)):
            slot(level, row[field] if field else NATION_CODE).contributing_households = row["households"]
        for row in _grouped(done, by, projects=Count("id")):
            slot(level, row[field] if field else NATION_CODE).projects_done = row["projects"]
    return {code: f for code, f in out.items() if any(f.as_tuple())}


def _grouped(queryset, by: list[str], **aggregates) -> list[dict]:
    if not by:
        row = queryset.aggregate(**aggregates)
        return [row] if any(row.values()) else []
    return list(queryset.exclude(**{by[0]: ""}).values(*by).annotate(**aggregates).order_by())


def stored() -> dict[str, Figures]:
    """Return the kept figures, leaving out all-zero rows."""
    out = {}
    for row in UnitContribution.objects.all():
        figures = Figures(row.level, row.money_vnd, Decimal(row.labour_days), row.contributing_households,
                          row.projects_done)
        if any(figures.as_tuple()):
            out[row.unit_code] = figures
    return out


def drift() -> list[tuple[str, tuple | None, tuple | None]]:
    """Return (code, kept, recomputed) for every unit whose kept figures differ from the ledger."""
    expected, kept = recompute(), stored()
    return [
        (code, kept[code].as_tuple() if code in kept else None,
         expected[code].as_tuple() if code in expected else None)
        for code in sorted(set(expected) | set(kept))
        if (kept.get(code) and kept[code].as_tuple()) != (expected.get(code) and expected[code].as_tuple())
    ]


def rebuild() -> None:
    """Replace the kept figures with the recomputed ones (after a repair of the ledger tables)."""
    expected = recompute()
    UnitContribution.objects.exclude(unit_code__in=list(expected)).update(
        money_vnd=0, labour_days=0, contributing_households=0, projects_done=0
    )
    for code, f in expected.items():
        UnitContribution.objects.update_or_create(
            unit_code=code,
            defaults={"level": f.level, "money_vnd": f.money_vnd, "labour_days": f.labour_days,
                      "contributing_households": f.contributing_households, "projects_done": f.projects_done},
        )
