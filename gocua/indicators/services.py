"""Rebuild and verify the rollups: the daily roll and the drift check."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gocua.accounts.permissions import OFFICERS
from gocua.accounts.scope import in_scope
from gocua.accounts.services import audit_record
from gocua.errors import DomainError, Forbidden
from gocua.indicators import recompute, stored
from gocua.indicators.errors import IndicatorErrorCode as E
from gocua.indicators.figures import MEASURE_BY_KEY
from gocua.indicators.metrics import METRICS
from gocua.indicators.models import RollupState, Target, UnitActivity, UnitSnapshot, UnitStat
from gocua.indicators.rollups import NATION, level_of, reference_date
from gocua.indicators.targets import inherited
from gocua.lib import unit_versions
from gocua.lib.bulk import insert_rows
from gocua.places.models import Level, Unit, code_field


def _scope(unit: Unit | None) -> tuple[dict, list[int]]:
    """Return the raw-row filter and the levels to compare for the subtree of `unit`."""
    if unit is None or unit.level == Level.NATION:
        return {}, [0, 1, 2, 3]
    return {code_field(unit.level): unit.code}, [lvl for lvl in (1, 2, 3) if lvl >= unit.level]


def expected_figures(unit: Unit | None, ref: dt.date) -> tuple[dict, dict]:
    """Return (stats per code, activity per (code, day)) recomputed from raw rows for the subtree."""
    where, levels = _scope(unit)
    wanted = set(levels)
    # One pass per table over the subtree, summed upwards; sums above the subtree are partial: dropped.
    stats = {
        code: values for code, values in recompute.stats(recompute.ALL_LEVELS, ref, where=where).items()
        if level_of(code) in wanted
    }
    activity = {}
    for column, counts in enumerate((recompute.visits(recompute.ALL_LEVELS, where=where),
                                     recompute.sessions(recompute.ALL_LEVELS, where=where))):
        for (code, day), n in counts.items():
            if level_of(code) in wanted:
                activity.setdefault((code, day), [0, 0])[column] += n
    return stats, activity


def _subtree_codes(unit: Unit | None) -> set[str] | None:
    if unit is None or unit.level == Level.NATION:
        return None
    where, _levels = _scope(unit)
    return set(Unit.objects.filter(**where).values_list("code", flat=True))


@dataclass
class DriftReport:
    reference_date: dt.date
    units_checked: int = 0
    differences: list[str] = field(default_factory=list)


def rollups_check(*, unit: Unit | None = None) -> DriftReport:
    """Compare stored rollups of `unit`'s subtree (all when None) with a recomputation from raw rows."""
    ref = reference_date()
    report = DriftReport(reference_date=ref)
    expected, activity = expected_figures(unit, ref)
    codes = _subtree_codes(unit)
    _where, levels = _scope(unit)
    # Villages and communes as stored; provinces and the nation as the dashboards sum them on read.
    have_stats = {code: values for code, values in stored.all_values().items() if level_of(code) in levels}
    stray = UnitStat.objects.exclude(level__in=[lvl for lvl in (2, 3)]).values_list("code", flat=True)
    report.differences += [f"{code}: a stored row for a level that is summed on read" for code in stray]
    if codes is not None:
        have_stats = {code: values for code, values in have_stats.items() if code in codes}
    for code in sorted(set(expected) | set(have_stats)):
        report.units_checked += 1
        want, have = expected.get(code, {}), have_stats.get(code, {})
        for metric in METRICS:
            if want.get(metric, 0) != have.get(metric, 0):
                report.differences.append(f"{code} {metric}: stored {have.get(metric, 0)}, actual {want.get(metric, 0)}")
    stored_activity = {
        key: value for key, value in stored.activity_by_day().items()
        if level_of(key[0]) in levels and (codes is None or key[0] in codes)
    }
    for key in sorted(set(activity) | set(stored_activity)):
        want, have = activity.get(key, [0, 0]), stored_activity.get(key, [0, 0])
        if list(want) != list(have):
            code, day = key
            report.differences.append(f"{code} activity {day}: stored {have}, actual {want}")
    return report


def rollups_rebuild(
    *, reference: dt.date | None = None, snapshot: bool = True, figures: tuple[dict, dict] | None = None
) -> int:
    """Recompute every rollup at `reference` (default today), store it, and take the weekly snapshot.

    `figures`: what `expected_figures(None, reference)` returned, computed by the caller while
    nothing else wrote (`gocua generate` computes them while another process fills the search
    tables); by default they are computed here, inside the transaction that stores them.
    """
    ref = reference or timezone.localdate()
    with transaction.atomic():
        RollupState.objects.update_or_create(pk=1, defaults={"reference_date": ref, "rolled_at": timezone.now()})
        stats, activity = figures if figures is not None else expected_figures(None, ref)
        UnitStat.objects.all().delete()
        UnitStat.objects.bulk_create(
            [UnitStat(code=code, level=level_of(code), **values) for code, values in stats.items() if stored.is_written(code)],
            batch_size=1000,
        )
        UnitActivity.objects.all().delete()
        # insert_rows, not bulk_create: about a million (unit, day) rows on a national database.
        insert_rows(UnitActivity, [
            {"code": c, "day": d, "visits": v, "sessions": s} for (c, d), (v, s) in activity.items() if stored.is_written(c)
        ])
        if snapshot:
            snapshot_take(on=ref)
        unit_versions.bump_all()  # every figure, the reference date and the snapshots may have changed
    return len(stats)


def snapshot_take(*, on: dt.date) -> int:
    """Store today's figures of every unit as the snapshot of `on`'s week (Monday), once per week."""
    monday = on - dt.timedelta(days=on.weekday())
    if UnitSnapshot.objects.filter(code=NATION, on__gte=monday, on__lte=on).exists():
        return 0
    rows = [UnitSnapshot(code=code, on=on, values=values) for code, values in stored.all_values().items()]
    UnitSnapshot.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# --- targets ------------------------------------------------------------------------------------
# Targets are data set by documents (models.Target; which one applies: targets.py). An officer sets
# the targets of their area; a target may be stricter than the target above it (the province's than
# the nation's, the commune's than the province's) over the same days, never looser, so a commune
# is never asked for less than the decisions above it ask. A percent target is compared with percent
# targets above it only: a count ("1,200 people") has no common measure with a share.
# A target is never edited in place: it is withdrawn (kept, audited) and a new one set.

MAX_TARGET_YEARS = 10


def _target_may_edit(actor, area: Unit) -> None:
    if getattr(actor, "role", None) not in OFFICERS or not in_scope(actor, area):
        raise Forbidden(E.TARGET_FORBIDDEN)


def target_clean(*, area: Unit, indicator: str, kind: str, value, starts_on, ends_on, document_number: str,
                 document_date, document_issuer: str, note: str = "") -> dict:
    """Return the target's fields normalised, or raise DomainError naming the field at fault."""


    if area.level not in (Level.NATION, Level.PROVINCE, Level.COMMUNE) or area.valid_to is not None:
        raise DomainError(E.TARGET_AREA, field="area")
    if indicator not in MEASURE_BY_KEY:
        raise DomainError(E.TARGET_INDICATOR, field="indicator")
    if kind not in Target.Kind.values:
        raise DomainError(E.TARGET_VALUE, field="kind")
    try:
        amount = Decimal(str(value).strip().replace(",", ".").rstrip("%").strip())
    except (InvalidOperation, ValueError):
        raise DomainError(E.TARGET_VALUE, field="value") from None
    if not amount.is_finite() or amount <= 0 or (kind == Target.Kind.PERCENT and amount > 100) or (
            kind == Target.Kind.COUNT and (amount != amount.to_integral_value() or amount > 10**9)):
        raise DomainError(E.TARGET_VALUE, field="value")
    amount = amount.quantize(Decimal("0.1"))
    if not isinstance(starts_on, dt.date) or not isinstance(ends_on, dt.date) or ends_on < starts_on or (
            ends_on.year - starts_on.year > MAX_TARGET_YEARS):
        raise DomainError(E.TARGET_PERIOD, field="ends_on")
    number, issuer = " ".join((document_number or "").split()), " ".join((document_issuer or "").split())
    if not number or not issuer or not isinstance(document_date, dt.date) or len(number) > 64 or len(issuer) > 160:
        raise DomainError(E.TARGET_DOCUMENT, field="document_number")
    if document_date > timezone.localdate():
        raise DomainError(E.TARGET_DOCUMENT, _("The document's date cannot be in the future."),
                          field="document_date")
    if kind == Target.Kind.PERCENT:
        for above in inherited(area, starts_on, ends_on, indicator):
            if above.kind == Target.Kind.PERCENT and amount < above.value:
                raise DomainError(E.TARGET_LOOSER, field="value", message=_(
                    "A local target may be stricter than the one above it, never looser: %(document)s sets "
                    "%(value)s%% for %(period)s."
                ) % {"document": above.document, "value": f"{above.value:g}", "period": above.period_label})
    clash = Target.objects.filter(is_active=True, area_code=area.code, indicator=indicator,
                                  starts_on__lte=ends_on, ends_on__gte=starts_on).first()
    if clash is not None:
        raise DomainError(E.TARGET_OVERLAP, field="starts_on")
    return {
        "indicator": indicator, "kind": kind, "value": amount, "starts_on": starts_on, "ends_on": ends_on,
        "document_number": number, "document_date": document_date, "document_issuer": issuer,
        "note": " ".join((note or "").split())[:300],
    }


def target_label(target: Target) -> str:
    """Return the one-line name of a target for the audit log: "Điện thoại thông minh 85% · 2026 · 12/KH-UBND"."""
    value = f"{target.value:g}%" if target.kind == Target.Kind.PERCENT else f"{target.value:g}"
    return f"{MEASURE_BY_KEY[target.indicator].label} {value} · {target.period_label} · {target.document_number or '—'}"


def target_set(*, actor, area: Unit, request=None, **fields):
    """Set a target for `area` from the document that issued it (audited); see target_clean for the rules."""

    _target_may_edit(actor, area)
    with transaction.atomic():
        clean = target_clean(area=area, **fields)
        target = Target.objects.create(
            **clean, area_code=area.code, area_level=area.level, province_code=area.province_code,
            commune_code=area.commune_code, village_code="", created_by=actor,
        )
        unit_versions.bump_all()  # the area's descendants inherit it: every page under it shows it
        audit_record(actor=actor, action="target_set", obj=target, unit=area, request=request, detail={
            "label": target_label(target), "indicator": target.indicator, "kind": target.kind, "value": str(target.value),
            "period": [target.starts_on.isoformat(), target.ends_on.isoformat()], "document": target.document,
        })
    return target


def target_withdraw(*, actor, target, request=None) -> None:
    """Withdraw a target (kept for the record; no longer in force); audited."""

    area = Unit.objects.filter(code=target.area_code, valid_to__isnull=True).first()
    if area is None:
        area = Unit.objects.filter(code=target.area_code).order_by("-valid_from").first()
    _target_may_edit(actor, area)
    with transaction.atomic():
        changed = Target.objects.filter(pk=target.pk, is_active=True).update(is_active=False)
        if changed:
            unit_versions.bump_all()
            audit_record(actor=actor, action="target_withdrawn", obj=target, unit=area, request=request, detail={
                "label": target_label(target), "indicator": target.indicator, "value": str(target.value), "document": target.document,
            })
