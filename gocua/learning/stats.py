"""Per-unit learning counters without hot rows: written for villages and communes, summed on read above.

A write adds its deltas to the counter rows of its own village and commune only (the same rule as
`indicators/stored.py`), so writers of different communes never share a row; a province is the
sum of its communes and the nation the sum of all communes, one aggregate query each.
`gocua check_learning` recomputes every level from the raw rows and lists the differences.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum

from gocua.indicators.stored import NATION, communes_of, level_of
from gocua.learning.models import COUNTERS, Assessment, Enrolment, LearningStat
from gocua.places.models import Level


def bump(village_code: str, commune_code: str, deltas: dict[str, int]) -> None:
    """Add `deltas` to the counters of this village (if any) and commune, in the caller's transaction."""
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas:
        return
    for code, level in ((village_code, Level.VILLAGE), (commune_code, Level.COMMUNE)):
        if not code:
            continue
        changes = {name: F(name) + delta for name, delta in deltas.items()}
        if LearningStat.objects.filter(code=code).update(**changes):
            continue
        try:
            with transaction.atomic():
                LearningStat.objects.create(code=code, level=level, **deltas)
        except IntegrityError:  # created meanwhile by another writer of this unit
            LearningStat.objects.filter(code=code).update(**changes)


def add(total: Counter, deltas: dict[str, int], sign: int = 1) -> None:
    for name, value in deltas.items():
        total[name] += sign * value


def assessment_contribution(passed: bool | None) -> dict[str, int]:
    """Return what one resident's latest assessment adds (None: no assessment)."""
    if passed is None:
        return {}
    return {"assessed": 1, "skills_passed": 1 if passed else 0}


def enrolment_contribution(enrolment: Enrolment | None) -> dict[str, int]:
    if enrolment is None:
        return {}
    if enrolment.member_id:
        return {"member_enrolments": 1, "member_certified": 1 if enrolment.certificate_number else 0}
    return {
        "enrolments": 1,
        "completed": 1 if enrolment.status == Enrolment.Status.COMPLETED else 0,
        "certified": 1 if enrolment.certificate_number else 0,
    }


def _zero() -> dict[str, int]:
    return dict.fromkeys(COUNTERS, 0)


def counts(codes: Iterable[str]) -> dict[str, dict[str, int]]:
    """Return the counters of each code (villages and communes stored; provinces and the nation summed)."""
    codes = list(dict.fromkeys(codes))
    found = {code: _zero() for code in codes}
    for row in LearningStat.objects.filter(code__in=[c for c in codes if level_of(c) >= Level.COMMUNE]).values():
        found[row["code"]] = {name: row[name] for name in COUNTERS}
    provinces = [code for code in codes if level_of(code) == Level.PROVINCE]
    if provinces:
        province_of = communes_of(provinces)
        for row in LearningStat.objects.filter(level=Level.COMMUNE, code__in=list(province_of)).values():
            total = found[province_of[row["code"]]]
            for name in COUNTERS:
                total[name] += row[name]
    if NATION in codes:
        total = LearningStat.objects.filter(level=Level.COMMUNE).aggregate(**{name: Sum(name) for name in COUNTERS})
        found[NATION] = {name: total[name] or 0 for name in COUNTERS}
    return found


def recompute() -> dict[str, dict[str, int]]:
    """Return every unit's counters computed from the raw rows (independent of `bump`), at every level."""
    table: dict[str, Counter] = defaultdict(Counter)

    def spread(row: dict, values: dict[str, int]) -> None:
        for field in ("village_code", "commune_code", "province_code"):
            if row[field]:
                add(table[row[field]], values)
        add(table[NATION], values)

    latest = (Assessment.objects.filter(is_latest=True).order_by()
              .values("province_code", "commune_code", "village_code")
              .annotate(n=Count("id"), ok=Count("id", filter=Q(passed=True))))
    for row in latest:
        spread(row, {"assessed": row["n"], "skills_passed": row["ok"]})
    people = (Enrolment.objects.order_by().values("province_code", "commune_code", "village_code")
              .annotate(
                  residents=Count("id", filter=Q(resident__isnull=False)),
                  done=Count("id", filter=Q(resident__isnull=False, status=Enrolment.Status.COMPLETED)),
                  cert=Count("id", filter=Q(resident__isnull=False) & ~Q(certificate_number="")),
                  members=Count("id", filter=Q(member__isnull=False)),
                  member_cert=Count("id", filter=Q(member__isnull=False) & ~Q(certificate_number="")),
              ))
    for row in people:
        spread(row, {"enrolments": row["residents"], "completed": row["done"], "certified": row["cert"],
                     "member_enrolments": row["members"], "member_certified": row["member_cert"]})
    return {code: {name: values[name] for name in COUNTERS} for code, values in table.items()}


def differences() -> list[tuple[str, str, int, int]]:
    """Return (code, counter, stored or summed, recomputed) for every counter that disagrees."""
    expected = recompute()
    stored = {row["code"]: row for row in LearningStat.objects.values()}
    codes = set(expected) | set(stored)
    got = counts(sorted(codes | {NATION}))
    found = []
    for code in sorted(set(got) | set(expected)):
        for name in COUNTERS:
            have = got.get(code, _zero())[name]
            want = expected.get(code, _zero())[name]
            if have != want:
                found.append((code, name, have, want))
    for code in stored:
        if level_of(code) < Level.COMMUNE:
            found.append((code, "stored_above_commune", 1, 0))
    return found
