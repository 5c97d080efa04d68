"""Changes of the map: merge, split, move, rename and retire villages and communes.

Each public function is one operation from one official decision. It checks the actor and the
units, records a `Reorganisation` and either applies it at once (effective date today or in the
past) or schedules it (a future date: a django-tasks task runs it on that day, and
`gocua units apply-due` catches up when the worker was down). Applying is one transaction:
old units close (`valid_to` = the day before), new ones open, `UnitSuccession` rows link them,
and every row that belongs to an old unit moves to its successor (see `MOVED` and `KEPT`),
with the rollups adjusted by `indicators.rollups.track` in the same transaction.

`dry_run=True` applies the change inside a transaction and rolls it back: the answer is what
would move, nothing is written.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.errors import DomainError, Forbidden, NotFound
from gocua.lib import unit_versions
from gocua.lib.text import clean_name, fold
from gocua.places.models import (
    LEVEL_OF_KIND,
    VILLAGE_KINDS,
    FormerName,
    Kind,
    Level,
    Reorganisation,
    Unit,
    UnitSuccession,
)

Op = Reorganisation.Operation
Change = UnitSuccession.Change
COMMUNE_KINDS = [Kind.XA, Kind.PHUONG, Kind.DAC_KHU]

# Every model that names a unit (a FK or the three code columns) is in exactly one of these;
# tests/test_reorg.py fails when a new one is in neither. MOVED rows follow the unit to its
# successor; KEPT rows are history, left where they happened.
MOVED = {
    "households.Household", "households.Resident", "households.IndicatorChange", "teams.Team",
    "accounts.User", "community.Project",
    "helprequests.HelpRequest",  # the successor's team answers the old village's requests
    "outreach.Visit",  # only open follow-ups; done visits count where they happened
    # They carry their visit's province (the Citus key, docs/SCALING.md) and follow their visit.
    "outreach.VisitResident", "outreach.VisitOutcome",
}
KEPT = {
    "indicators.Target",
    "reports.UnitReport",  # sent for the unit as it was; frozen once accepted  # set by a document for the unit it names; the successor gets its own
    "places.Unit", "places.UnitSuccession", "places.Reorganisation", "places.FormerName",
    "community.UnitContribution",  # a rollup: rebuilt by the change when projects move
    "households.HouseholdMove",  # a household's own moves, dated
    "outreach.CommunitySession",  # held in the old unit, on its day
    "community.LedgerEntry",  # append-only: a contribution counts where it was given
    "field.SyncConflict",  # settled against the codes of its time
    "imports.ImportBatch",  # an import ran for the commune of its day
    "bench.GeneratedVillage",  # benchmark bookkeeping
    "accounts.AuditEvent",  # append-only: an event stays with the unit it happened in
    "imports.ExportJob",  # a file prepared for the old unit, gone within hours
    "helprequests.SpamMark",  # a team's judgement of a phone: the successor's team judges anew
    "imports.RosterMapping",  # a commune's remembered column mapping: the successor learns its own
    # A commune's decision to collect a priority group, with its lawful basis: a merged commune
    # decides again (its flags follow their residents, which carry the codes).
    "households.PriorityGroupSetting",
    "alerts.Alert",  # aimed at the area of its day, and short-lived: a new alert names the new unit
    "alerts.HouseholdWarned",  # like a done visit: a household was warned where it lived then
    "alerts.WarnedCount",  # a count of those warnings, kept with them
    # Learning (issue 18): an assessment or a course counts where it was made, like a community session;
    # the counters stay with the unit that made them (moving them with a merger is a follow-up).
    "learning.Assessment", "learning.Enrolment", "learning.LearningStat",
}


@dataclass(frozen=True)
class Decision:
    """The official decision behind a change (số quyết định, ngày, cơ quan ban hành)."""

    number: str
    date: dt.date
    issuer: str


class _DryRun(Exception):
    def __init__(self, reorganisation):
        self.reorganisation = reorganisation


# --- checks -------------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _check_decision(decision: Decision, effective_on: dt.date) -> None:
    if not (decision.number or "").strip():
        raise DomainError("decision_number_required", _("Enter the number of the decision."), field="decision_number")
    if not (decision.issuer or "").strip():
        raise DomainError("decision_issuer_required", _("Enter who issued the decision."), field="decision_issuer")
    if not isinstance(decision.date, dt.date) or decision.date > _today():
        raise DomainError("decision_date_invalid", _("The decision date cannot be in the future."), field="decision_date")
    if not isinstance(effective_on, dt.date):
        raise DomainError("effective_on_required", _("Enter the effective date."), field="effective_on")


def _current(unit: Unit, level: int, field: str) -> Unit:
    fresh = Unit.objects.select_related("parent").filter(pk=unit.pk, valid_to__isnull=True, level=level).first()
    if fresh is None:
        message = _("This village no longer exists on the current map.") if level == Level.VILLAGE else _(
            "This commune no longer exists on the current map.")
        raise DomainError("unit_not_current", message, field=field)
    return fresh


def _may_change_villages(actor, *communes: Unit) -> None:
    from gocua.accounts.permissions import can_manage_villages

    if not all(can_manage_villages(actor, c) for c in communes):
        raise Forbidden("forbidden", _("Only an officer of this commune (or above) can change its villages."))


def _may_change_communes(actor) -> None:
    from gocua.accounts.models import Role

    if getattr(actor, "role", None) != Role.NATIONAL_ADMIN:
        raise Forbidden("forbidden", _("Only a national administrator can change communes."))


def _clean_new_name(name: str, field: str = "name") -> str:
    name = clean_name(name or "")
    if not name:
        raise DomainError("name_required", _("Enter the name of the new unit."), field=field)
    return name


def _check_village_name_free(commune: Unit, name: str, *, leaving: set[int] = frozenset(), field="name") -> None:
    taken = Unit.objects.filter(parent=commune, name_folded=fold(name), valid_to__isnull=True).exclude(pk__in=leaving)
    if taken.exists():
        raise DomainError("village_exists", _("This commune already has a village with this name."), field=field)


def _check_effective(units: list[Unit], effective_on: dt.date) -> None:
    for unit in units:
        if effective_on <= unit.valid_from:
            raise DomainError(
                "effective_before_unit",
                _("The effective date must be after %(date)s, when %(unit)s began.")
                % {"date": unit.valid_from.isoformat(), "unit": unit.name},
                field="effective_on",
            )


# --- recording, scheduling, applying ---------------------------------------------------------------


def _submit(*, actor, operation: str, decision: Decision, effective_on: dt.date, home: Unit, params: dict,
            dry_run: bool) -> Reorganisation:
    """Record the change; apply it now (date today or past) or schedule it; roll back when `dry_run`."""
    try:
        with transaction.atomic():
            reorg = Reorganisation.objects.create(
                operation=operation, decision_number=decision.number.strip()[:60], decision_date=decision.date,
                decision_issuer=decision.issuer.strip()[:200], effective_on=effective_on,
                province_code=home.province_code, commune_code=home.commune_code if home.level >= Level.COMMUNE else "",
                params=params, created_by=actor,
            )
            _audit(actor, "reorg.record", reorg)
            if effective_on <= _today() or dry_run:
                _apply(reorg, actor=actor)
            else:
                _schedule(reorg)
            if dry_run:
                raise _DryRun(reorg)
    except _DryRun as stop:
        return stop.reorganisation
    return reorg


def _schedule(reorg: Reorganisation) -> None:
    from gocua.places.tasks import reorganisation_apply_task

    start = dt.datetime.combine(reorg.effective_on, dt.time.min, tzinfo=timezone.get_current_timezone())
    transaction.on_commit(lambda: reorganisation_apply_task.using(run_after=start).enqueue(reorg.pk))


def _audit(actor, action: str, reorg: Reorganisation) -> None:
    from gocua.accounts.services import audit_record

    audit_record(actor=actor, action=action, obj=reorg, detail={
        "operation": reorg.operation, "decision": reorg.decision_number, "effective_on": reorg.effective_on.isoformat(),
        "status": reorg.status, "result": reorg.result,
    }, username="system")


def reorganisation_apply(*, reorganisation_id: int, actor=None) -> Reorganisation:
    """Apply a scheduled change whose date has come; a change already applied is left alone (idempotent)."""
    with transaction.atomic():
        reorg = Reorganisation.objects.select_for_update().filter(pk=reorganisation_id).first()
        if reorg is None:
            raise NotFound("reorg_not_found", _("There is no such map change."))
        if reorg.status != Reorganisation.Status.SCHEDULED or reorg.effective_on > _today():
            return reorg
        _apply(reorg, actor=actor)
    return reorg


def reorganisations_apply_due(*, today: dt.date | None = None) -> list[tuple[Reorganisation, DomainError | None]]:
    """Apply every scheduled change due by `today`, oldest first; a refused one stays scheduled."""
    day = today or _today()
    done = []
    due = Reorganisation.objects.filter(status=Reorganisation.Status.SCHEDULED, effective_on__lte=day)
    for pk in due.order_by("effective_on", "pk").values_list("pk", flat=True):
        try:
            with transaction.atomic():
                reorg = Reorganisation.objects.select_for_update().get(pk=pk)
                if reorg.status == Reorganisation.Status.SCHEDULED:
                    _apply(reorg, actor=None)
            done.append((reorg, None))
        except DomainError as exc:
            done.append((Reorganisation.objects.get(pk=pk), exc))
    return done


def reorganisation_cancel(*, actor, reorganisation: Reorganisation) -> Reorganisation:
    """Cancel a change that is still scheduled."""
    with transaction.atomic():
        reorg = Reorganisation.objects.select_for_update().get(pk=reorganisation.pk)
        if reorg.status != Reorganisation.Status.SCHEDULED:
            raise DomainError("reorg_not_scheduled", _("Only a scheduled change can be cancelled."))
        _may_apply(actor, reorg)
        reorg.status = Reorganisation.Status.CANCELLED
        reorg.save(update_fields=["status"])
        _audit(actor, "reorg.cancel", reorg)
    return reorg


def _may_apply(actor, reorg: Reorganisation) -> None:
    if reorg.operation.startswith("commune_"):
        _may_change_communes(actor)
    else:
        communes = Unit.objects.filter(code__in=reorg.params.get("communes", []), valid_to__isnull=True)
        _may_change_villages(actor, *communes)


def _apply(reorg: Reorganisation, *, actor) -> None:
    from gocua.places import reorg_moves

    on = reorg.effective_on
    handler = _APPLY[reorg.operation]
    mover = reorg_moves.Mover(on=on)
    with transaction.atomic():
        handler(reorg, reorg.params, on, mover)
        mover.finish()
        reorg.status = Reorganisation.Status.APPLIED
        reorg.applied_at = timezone.now()
        reorg.result = mover.result()
        reorg.save(update_fields=["status", "applied_at", "result"])
        _audit(actor, "reorg.apply", reorg)
        unit_versions.bump_all()  # units opened and closed, lineages: any dashboard may draw them


# --- unit rows ----------------------------------------------------------------------------------------


def _unit(code: str, level: int) -> Unit:
    unit = Unit.objects.select_related("parent").filter(code=code, level=level, valid_to__isnull=True).first()
    if unit is None:
        message = _("Village %(code)s is not on the current map.") if level == Level.VILLAGE else _(
            "Commune %(code)s is not on the current map.")
        raise DomainError("unit_not_current", message % {"code": code}, field="units")
    return unit


def _close(unit: Unit, on: dt.date) -> None:
    _check_effective([unit], on)
    unit.valid_to = on - dt.timedelta(days=1)
    unit.save(update_fields=["valid_to"])


def _open_village(commune: Unit, name: str, kind: str, on: dt.date) -> Unit:
    locked = Unit.objects.select_for_update().get(pk=commune.pk)
    seq = locked.next_child_seq
    code = f"{locked.code}-{seq:03d}"
    locked.next_child_seq = seq + 1
    locked.save(update_fields=["next_child_seq"])
    return Unit.objects.create(
        code=code, name=name, name_folded=fold(name), kind=kind, level=LEVEL_OF_KIND[kind], parent=locked,
        province_code=locked.province_code, commune_code=locked.code, village_code=code, valid_from=on,
    )


def _succeed(old: Unit, new: Unit, change: str, on: dt.date, reorg: Reorganisation) -> None:
    UnitSuccession.objects.create(predecessor=old, successor=new, change=change, on=on, reorganisation=reorg,
                                  note=reorg.decision_number[:200])


def _rename(unit: Unit, name: str, on: dt.date) -> None:
    FormerName.objects.create(unit=unit, name=unit.name, name_folded=unit.name_folded, until=on - dt.timedelta(days=1))
    unit.name = name
    unit.name_folded = fold(name)
    unit.save(update_fields=["name", "name_folded"])


def _village_into(reorg, old: Unit, new: Unit, on: dt.date, mover, change: str) -> None:
    mover.village(old, new)
    _close(old, on)
    _succeed(old, new, change, on, reorg)


# --- village operations: appliers -------------------------------------------------------------------


def _apply_village_merge(reorg, p, on, mover) -> None:
    olds = [_unit(code, Level.VILLAGE) for code in p["villages"]]
    commune = _unit(p["commune"], Level.COMMUNE)
    _check_effective(olds, on)
    _check_village_name_free(commune, p["name"], leaving={u.pk for u in olds})
    new = _open_village(commune, p["name"], p["kind"], on)
    for old in olds:
        _village_into(reorg, old, new, on, mover, Change.MERGE)
    mover.opened.append(new.code)


def _apply_village_absorb(reorg, p, on, mover) -> None:
    into = _unit(p["into"], Level.VILLAGE)
    for code in p["villages"]:
        _village_into(reorg, _unit(code, Level.VILLAGE), into, on, mover, Change.MERGE)


def _apply_village_split(reorg, p, on, mover) -> None:
    from gocua.households.models import Household

    old = _unit(p["village"], Level.VILLAGE)
    _check_effective([old], on)
    keys = dict(Household.objects.filter(village=old).values_list("household_key", "pk"))
    listed = [k for part in p["parts"] for k in part["households"]]
    missing = sorted(set(keys) - set(listed))
    unknown = sorted(set(listed) - set(keys))
    if unknown:
        raise DomainError("split_unknown_household",
                          _("These household keys are not in the village: %(keys)s.") % {"keys": ", ".join(unknown[:10])},
                          field="parts")
    if missing:
        raise DomainError("split_incomplete",
                          _("Every household must go to a new village; not assigned: %(keys)s.")
                          % {"keys": ", ".join(missing[:10])}, field="parts")
    if len(listed) != len(set(listed)):
        raise DomainError("split_twice", _("A household is listed for two new villages."), field="parts")
    commune = old.parent
    news = []
    for part in p["parts"]:
        _check_village_name_free(commune, part["name"], leaving={old.pk}, field="parts")
        news.append(_open_village(commune, part["name"], part.get("kind") or old.kind, on))
    teams_to = news[int(p.get("teams_to") or 0)]
    for part, new in zip(p["parts"], news, strict=True):
        mover.village(old, new, household_ids=[keys[k] for k in part["households"]], with_unit_rows=new is teams_to)
        _succeed(old, new, Change.SPLIT, on, reorg)
        mover.opened.append(new.code)
    _close(old, on)


def _apply_village_move(reorg, p, on, mover) -> None:
    old = _unit(p["village"], Level.VILLAGE)
    target = _unit(p["to_commune"], Level.COMMUNE)
    _check_effective([old], on)
    _check_village_name_free(target, old.name)
    new = _open_village(target, old.name, old.kind, on)
    _village_into(reorg, old, new, on, mover, Change.MOVE)
    mover.opened.append(new.code)


def _apply_rename(reorg, p, on, mover, level) -> None:
    unit = _unit(p["unit"], level)
    if level == Level.VILLAGE:
        _check_village_name_free(unit.parent, p["name"], leaving={unit.pk})
    _rename(unit, p["name"], on)
    mover.renamed.append(unit.code)


def _apply_retire(reorg, p, on, mover, level) -> None:
    from gocua.households.models import Household
    from gocua.teams.models import Team

    unit = _unit(p["unit"], level)
    field = "village" if level == Level.VILLAGE else "village__parent"
    busy = Household.objects.filter(**{field: unit}).exists() or Team.objects.filter(unit=unit, is_active=True).exists()
    if busy or (level == Level.COMMUNE and unit.children.filter(valid_to__isnull=True).exists()):
        raise DomainError("unit_not_empty",
                          _("%(unit)s still has households, villages or teams: merge it into another unit instead.")
                          % {"unit": unit.name}, field="units")
    _close(unit, on)
    mover.closed.append(unit.code)


def _commune_into(reorg, old: Unit, new: Unit, on: dt.date, mover, change: str) -> None:
    _check_effective([old], on)
    for village in old.children.filter(valid_to__isnull=True).order_by("code"):
        _check_village_name_free(new, village.name, field="units")
        moved = _open_village(new, village.name, village.kind, on)
        _village_into(reorg, village, moved, on, mover, Change.MOVE)
        mover.opened.append(moved.code)
    mover.commune(old, new)
    _close(old, on)
    _succeed(old, new, change, on, reorg)


def _open_commune(province: Unit, code: str, name: str, kind: str, on: dt.date) -> Unit:
    if Unit.objects.filter(code=code).exists():
        raise DomainError("code_taken", _("This code is already used by another unit."), field="code")
    return Unit.objects.create(
        code=code, name=name, name_folded=fold(name), kind=kind, level=Level.COMMUNE,
        parent=province, province_code=province.code, commune_code=code, valid_from=on,
    )


def _apply_commune_merge(reorg, p, on, mover) -> None:
    olds = [_unit(code, Level.COMMUNE) for code in p["communes"]]
    province = _unit(p["province"], Level.PROVINCE)
    new = _open_commune(province, p["code"], p["name"], p["kind"], on)
    for old in olds:
        _commune_into(reorg, old, new, on, mover, Change.MERGE)
    mover.opened.append(new.code)


def _apply_commune_split(reorg, p, on, mover) -> None:
    old = _unit(p["commune"], Level.COMMUNE)
    _check_effective([old], on)
    current = {v.code: v for v in old.children.filter(valid_to__isnull=True).order_by("code")}
    listed = [code for part in p["parts"] for code in part["villages"]]
    unknown = sorted(set(listed) - set(current))
    if unknown:
        raise DomainError("split_unknown_village",
                          _("These villages are not in the commune: %(codes)s.") % {"codes": ", ".join(unknown[:10])},
                          field="parts")
    missing = sorted(set(current) - set(listed))
    if missing:
        raise DomainError("split_incomplete_villages",
                          _("Every village must go to a new commune; not assigned: %(codes)s.")
                          % {"codes": ", ".join(missing[:10])}, field="parts")
    if len(listed) != len(set(listed)):
        raise DomainError("split_village_twice", _("A village is listed for two new communes."), field="parts")
    province = old.parent
    news = [_open_commune(province, part["code"], part["name"], part["kind"], on) for part in p["parts"]]
    for part, new in zip(p["parts"], news, strict=True):
        for code in part["villages"]:
            village = current[code]
            _check_village_name_free(new, village.name, field="parts")
            moved = _open_village(new, village.name, village.kind, on)
            _village_into(reorg, village, moved, on, mover, Change.MOVE)
            mover.opened.append(moved.code)
        _succeed(old, new, Change.SPLIT, on, reorg)
        mover.opened.append(new.code)
    # Commune-wide teams, officers' accounts and projects go to the part chosen to keep them.
    mover.commune(old, news[int(p.get("teams_to") or 0)])
    _close(old, on)


def _apply_commune_move(reorg, p, on, mover) -> None:
    old = _unit(p["commune"], Level.COMMUNE)
    province = _unit(p["to_province"], Level.PROVINCE)
    if old.parent_id == province.pk:
        raise DomainError("same_province", _("The commune is already in this province."), field="to_province")
    _check_effective([old], on)
    new = _open_commune(province, p["code"], p.get("name") or old.name, old.kind, on)
    _commune_into(reorg, old, new, on, mover, Change.MOVE)
    mover.opened.append(new.code)


def _apply_commune_absorb(reorg, p, on, mover) -> None:
    into = _unit(p["into"], Level.COMMUNE)
    for code in p["communes"]:
        _commune_into(reorg, _unit(code, Level.COMMUNE), into, on, mover, Change.MERGE)


_APPLY = {
    Op.VILLAGE_MERGE: _apply_village_merge,
    Op.VILLAGE_ABSORB: _apply_village_absorb,
    Op.VILLAGE_SPLIT: _apply_village_split,
    Op.VILLAGE_MOVE: _apply_village_move,
    Op.VILLAGE_RENAME: lambda r, p, on, m: _apply_rename(r, p, on, m, Level.VILLAGE),
    Op.VILLAGE_RETIRE: lambda r, p, on, m: _apply_retire(r, p, on, m, Level.VILLAGE),
    Op.COMMUNE_MERGE: _apply_commune_merge,
    Op.COMMUNE_ABSORB: _apply_commune_absorb,
    Op.COMMUNE_SPLIT: _apply_commune_split,
    Op.COMMUNE_MOVE: _apply_commune_move,
    Op.COMMUNE_RENAME: lambda r, p, on, m: _apply_rename(r, p, on, m, Level.COMMUNE),
    Op.COMMUNE_RETIRE: lambda r, p, on, m: _apply_retire(r, p, on, m, Level.COMMUNE),
}


# --- village operations: the public services ---------------------------------------------------------


def _villages(units: list[Unit], field: str = "units") -> list[Unit]:
    current = [_current(u, Level.VILLAGE, field) for u in units]
    if len({u.pk for u in current}) != len(current):
        raise DomainError("unit_twice", _("A village is listed twice."), field=field)
    return current


def village_merge(*, actor, villages: list[Unit], name: str, kind: str | None = None, decision: Decision,
                  effective_on: dt.date, dry_run: bool = False) -> Reorganisation:
    """Merge two or more villages of one commune into a new village `name` (A + B → C)."""
    _check_decision(decision, effective_on)
    olds = _villages(villages)
    if len(olds) < 2:
        raise DomainError("merge_needs_two", _("Choose at least two villages to merge."), field="units")
    commune = olds[0].parent
    if any(u.parent_id != commune.pk for u in olds):
        raise DomainError("merge_other_commune", _("Villages to merge must be in the same commune."), field="units")
    _may_change_villages(actor, commune)
    name = _clean_new_name(name)
    kind = kind or olds[0].kind
    if kind not in VILLAGE_KINDS:
        raise DomainError("village_kind", _("Choose thôn, ấp, bản or tổ dân phố."), field="kind")
    _check_effective(olds, effective_on)
    _check_village_name_free(commune, name, leaving={u.pk for u in olds})
    params = {"villages": [u.code for u in olds], "commune": commune.code, "communes": [commune.code],
              "name": name, "kind": kind}
    return _submit(actor=actor, operation=Op.VILLAGE_MERGE, decision=decision, effective_on=effective_on,
                   home=commune, params=params, dry_run=dry_run)


def village_absorb(*, actor, villages: list[Unit], into: Unit, decision: Decision, effective_on: dt.date,
                   dry_run: bool = False) -> Reorganisation:
    """Merge villages into an existing village `into` of the same commune (A absorbed into B)."""
    _check_decision(decision, effective_on)
    olds = _villages(villages)
    into = _current(into, Level.VILLAGE, "into")
    if not olds or into.pk in {u.pk for u in olds}:
        raise DomainError("absorb_into_itself", _("Choose villages other than the one that absorbs them."), field="units")
    if any(u.parent_id != into.parent_id for u in olds):
        raise DomainError("merge_other_commune", _("Villages to merge must be in the same commune."), field="units")
    _may_change_villages(actor, into.parent)
    _check_effective(olds, effective_on)
    params = {"villages": [u.code for u in olds], "into": into.code, "communes": [into.parent.code]}
    return _submit(actor=actor, operation=Op.VILLAGE_ABSORB, decision=decision, effective_on=effective_on,
                   home=into.parent, params=params, dry_run=dry_run)


def village_split(*, actor, village: Unit, parts: list[dict], decision: Decision, effective_on: dt.date,
                  teams_to: int = 0, dry_run: bool = False) -> Reorganisation:
    """Split a village into new villages; `parts` = [{"name", "kind"?, "households": [household keys]}].

    Teams, user scopes and projects of the old village go to the part numbered `teams_to`.
    """
    _check_decision(decision, effective_on)
    old = _current(village, Level.VILLAGE, "village")
    _may_change_villages(actor, old.parent)
    clean_parts = []
    for part in parts:
        clean_parts.append({
            "name": _clean_new_name(part.get("name"), "parts"),
            "kind": part.get("kind") or old.kind,
            "households": [str(k).strip() for k in part.get("households", []) if str(k).strip()],
        })
    if len(clean_parts) < 2:
        raise DomainError("split_needs_two", _("A split needs at least two new villages."), field="parts")
    if len({fold(p["name"]) for p in clean_parts}) != len(clean_parts):
        raise DomainError("split_same_name", _("Two new villages have the same name."), field="parts")
    if not 0 <= teams_to < len(clean_parts):
        raise DomainError("split_teams_to", _("Choose which new village keeps the teams."), field="teams_to")
    _check_effective([old], effective_on)
    params = {"village": old.code, "parts": clean_parts, "teams_to": teams_to, "communes": [old.parent.code]}
    return _submit(actor=actor, operation=Op.VILLAGE_SPLIT, decision=decision, effective_on=effective_on,
                   home=old.parent, params=params, dry_run=dry_run)


def village_move(*, actor, village: Unit, to_commune: Unit, decision: Decision, effective_on: dt.date,
                 dry_run: bool = False) -> Reorganisation:
    """Move a village to another commune (it gets a code of that commune; the old code closes)."""
    _check_decision(decision, effective_on)
    old = _current(village, Level.VILLAGE, "village")
    target = _current(to_commune, Level.COMMUNE, "to_commune")
    if target.pk == old.parent_id:
        raise DomainError("same_commune", _("The village is already in this commune."), field="to_commune")
    _may_change_villages(actor, old.parent, target)
    _check_effective([old], effective_on)
    params = {"village": old.code, "to_commune": target.code, "communes": [old.parent.code, target.code]}
    return _submit(actor=actor, operation=Op.VILLAGE_MOVE, decision=decision, effective_on=effective_on,
                   home=old.parent, params=params, dry_run=dry_run)


def village_rename_decided(*, actor, village: Unit, name: str, decision: Decision, effective_on: dt.date,
                           dry_run: bool = False) -> Reorganisation:
    """Rename a village by decision; the code stays and the old name stays searchable."""
    _check_decision(decision, effective_on)
    unit = _current(village, Level.VILLAGE, "village")
    _may_change_villages(actor, unit.parent)
    name = _clean_new_name(name)
    params = {"unit": unit.code, "name": name, "communes": [unit.parent.code]}
    return _submit(actor=actor, operation=Op.VILLAGE_RENAME, decision=decision, effective_on=effective_on,
                   home=unit.parent, params=params, dry_run=dry_run)


def village_retire(*, actor, village: Unit, decision: Decision, effective_on: dt.date,
                   dry_run: bool = False) -> Reorganisation:
    """Close an empty village (one with households is merged instead)."""
    _check_decision(decision, effective_on)
    unit = _current(village, Level.VILLAGE, "village")
    _may_change_villages(actor, unit.parent)
    params = {"unit": unit.code, "communes": [unit.parent.code]}
    return _submit(actor=actor, operation=Op.VILLAGE_RETIRE, decision=decision, effective_on=effective_on,
                   home=unit.parent, params=params, dry_run=dry_run)


# --- commune operations (national administrators) ----------------------------------------------------


def _clean_new_code(code: str, field: str = "code") -> str:
    code = (code or "").strip()
    if not (code.isdigit() and len(code) == 5):
        raise DomainError("code_invalid", _("A commune code has five digits."), field=field)
    if Unit.objects.filter(code=code).exists():
        raise DomainError("code_taken", _("This code is already used by another unit."), field=field)
    return code


def _communes(units: list[Unit]) -> list[Unit]:
    current = [_current(u, Level.COMMUNE, "units") for u in units]
    if len({u.pk for u in current}) != len(current):
        raise DomainError("unit_twice", _("A commune is listed twice."), field="units")
    return current


def commune_merge(*, actor, communes: list[Unit], code: str, name: str, kind: str = Kind.XA, decision: Decision,
                  effective_on: dt.date, dry_run: bool = False) -> Reorganisation:
    """Merge communes of one province into a new commune with a new official `code`."""
    _may_change_communes(actor)
    _check_decision(decision, effective_on)
    olds = _communes(communes)
    if len(olds) < 2:
        raise DomainError("merge_needs_two", _("Choose at least two communes to merge."), field="units")
    if len({u.parent_id for u in olds}) != 1:
        raise DomainError("merge_other_province", _("Communes to merge must be in the same province."), field="units")
    code = _clean_new_code(code)
    if kind not in COMMUNE_KINDS:
        raise DomainError("commune_kind", _("Choose xã, phường or đặc khu."), field="kind")
    _check_effective(olds, effective_on)
    province = olds[0].parent
    params = {"communes": [u.code for u in olds], "province": province.code, "code": code,
              "name": _clean_new_name(name), "kind": kind}
    return _submit(actor=actor, operation=Op.COMMUNE_MERGE, decision=decision, effective_on=effective_on,
                   home=province, params=params, dry_run=dry_run)


def commune_absorb(*, actor, communes: list[Unit], into: Unit, decision: Decision, effective_on: dt.date,
                   dry_run: bool = False) -> Reorganisation:
    """Merge communes into an existing commune `into`; their villages move there with new codes."""
    _may_change_communes(actor)
    _check_decision(decision, effective_on)
    olds = _communes(communes)
    into = _current(into, Level.COMMUNE, "into")
    if not olds or into.pk in {u.pk for u in olds}:
        raise DomainError("absorb_into_itself", _("Choose communes other than the one that absorbs them."), field="units")
    _check_effective(olds, effective_on)
    params = {"communes": [u.code for u in olds], "into": into.code}
    return _submit(actor=actor, operation=Op.COMMUNE_ABSORB, decision=decision, effective_on=effective_on,
                   home=into.parent, params=params, dry_run=dry_run)


def commune_rename(*, actor, commune: Unit, name: str, decision: Decision, effective_on: dt.date,
                   dry_run: bool = False) -> Reorganisation:
    """Rename a commune by decision; the code stays and the old name stays searchable."""
    _may_change_communes(actor)
    _check_decision(decision, effective_on)
    unit = _current(commune, Level.COMMUNE, "commune")
    params = {"unit": unit.code, "name": _clean_new_name(name)}
    return _submit(actor=actor, operation=Op.COMMUNE_RENAME, decision=decision, effective_on=effective_on,
                   home=unit, params=params, dry_run=dry_run)


def commune_retire(*, actor, commune: Unit, decision: Decision, effective_on: dt.date,
                   dry_run: bool = False) -> Reorganisation:
    """Close an empty commune (no current villages, households or active teams)."""
    _may_change_communes(actor)
    _check_decision(decision, effective_on)
    unit = _current(commune, Level.COMMUNE, "commune")
    return _submit(actor=actor, operation=Op.COMMUNE_RETIRE, decision=decision, effective_on=effective_on,
                   home=unit, params={"unit": unit.code}, dry_run=dry_run)



def commune_split(*, actor, commune: Unit, parts: list[dict], decision: Decision, effective_on: dt.date,
                  teams_to: int = 0, dry_run: bool = False) -> Reorganisation:
    """Split a commune into new communes; `parts` = [{"code", "name", "kind"?, "villages": [village codes]}].

    Each village moves whole, with its households, to the new commune it is listed for (it gets a
    code of that commune); the commune-wide teams, accounts and projects go to the part `teams_to`.
    """
    _may_change_communes(actor)
    _check_decision(decision, effective_on)
    old = _current(commune, Level.COMMUNE, "commune")
    clean_parts = []
    for part in parts:
        kind = part.get("kind") or old.kind
        if kind not in COMMUNE_KINDS:
            raise DomainError("commune_kind", _("Choose xã, phường or đặc khu."), field="parts")
        clean_parts.append({
            "code": _clean_new_code(part.get("code"), "parts"),
            "name": _clean_new_name(part.get("name"), "parts"),
            "kind": kind,
            "villages": [str(c).strip() for c in part.get("villages", []) if str(c).strip()],
        })
    if len(clean_parts) < 2:
        raise DomainError("split_needs_two_communes", _("A split needs at least two new communes."), field="parts")
    if len({p["code"] for p in clean_parts}) != len(clean_parts):
        raise DomainError("split_same_code", _("Two new communes have the same code."), field="parts")
    if len({fold(p["name"]) for p in clean_parts}) != len(clean_parts):
        raise DomainError("split_same_name_communes", _("Two new communes have the same name."), field="parts")
    if not 0 <= teams_to < len(clean_parts):
        raise DomainError("split_teams_to_commune", _("Choose which new commune keeps the commune's teams."),
                          field="teams_to")
    _check_effective([old], effective_on)
    params = {"commune": old.code, "parts": clean_parts, "teams_to": teams_to}
    return _submit(actor=actor, operation=Op.COMMUNE_SPLIT, decision=decision, effective_on=effective_on,
                   home=old.parent, params=params, dry_run=dry_run)


def commune_move(*, actor, commune: Unit, to_province: Unit, code: str, decision: Decision, effective_on: dt.date,
                 name: str = "", dry_run: bool = False) -> Reorganisation:
    """Move a commune to another province under its new official `code` (codes are never reused).

    Its villages move with it under codes of the new commune; every row carrying the old
    province's codes that follows a change (see `MOVED`) is rewritten; history stays (`KEPT`).
    """
    _may_change_communes(actor)
    _check_decision(decision, effective_on)
    old = _current(commune, Level.COMMUNE, "commune")
    province = Unit.objects.filter(pk=to_province.pk, level=Level.PROVINCE, valid_to__isnull=True).first()
    if province is None:
        raise DomainError("to_province_unknown", _("There is no such province on the current map."),
                          field="to_province")
    if province.pk == old.parent_id:
        raise DomainError("same_province", _("The commune is already in this province."), field="to_province")
    code = _clean_new_code(code)
    _check_effective([old], effective_on)
    params = {"commune": old.code, "to_province": province.code, "code": code,
              "name": _clean_new_name(name) if (name or "").strip() else old.name}
    return _submit(actor=actor, operation=Op.COMMUNE_MOVE, decision=decision, effective_on=effective_on,
                   home=old.parent, params=params, dry_run=dry_run)
