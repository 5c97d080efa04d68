"""Writes to the administrative hierarchy."""

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.errors import CommonErrorCode, DomainError, Forbidden
from gocua.lib import unit_versions
from gocua.lib.text import clean_name, fold
from gocua.places.errors import PlaceErrorCode
from gocua.places.models import LEVEL_OF_KIND, VILLAGE_KINDS, Kind, Level, Unit

REFORM_DATE = dt.date(2025, 7, 1)  # the two-level structure took effect on 1 July 2025
NATION_CODE = "VN"
COMMUNE_KIND_OF_TYPE = {"Xã": Kind.XA, "Phường": Kind.PHUONG, "Đặc khu": Kind.DAC_KHU}


def wheel_dataset_path() -> Path:
    """Return the SQLite file shipped inside the `vietnamadminunits` wheel."""
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _read_wheel(path: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT province, provinceCode, provinceLat, provinceLon, ward, wardType, wardCode,"
            " wardLat, wardLon, wardAreaKm2 FROM admin_units ORDER BY provinceCode, wardCode"
        ).fetchall()
    finally:
        connection.close()
    provinces, communes = {}, {}
    for p_name, p_code, p_lat, p_lon, w_name, w_type, w_code, w_lat, w_lon, w_area in rows:
        provinces[p_code] = {
            "name": p_name,
            "kind": Kind.THANH_PHO if p_name.startswith("Thành phố") else Kind.TINH,
            "latitude": p_lat,
            "longitude": p_lon,
            "area_km2": None,
        }
        communes[w_code] = {
            "name": w_name,
            "kind": COMMUNE_KIND_OF_TYPE[w_type],
            "latitude": w_lat,
            "longitude": w_lon,
            "area_km2": w_area,
            "province_code": p_code,
        }
    return provinces, communes


_COMPARED = ("name", "kind", "latitude", "longitude", "area_km2")


def units_load(*, path: Path | None = None) -> LoadResult:
    """Load or refresh the nation, 34 provinces and 3,321 communes; unchanged rows are not written."""
    provinces, communes = _read_wheel(path or wheel_dataset_path())
    result = LoadResult()
    with transaction.atomic():
        existing = {
            u.code: u for u in Unit.objects.filter(level__lt=Level.VILLAGE, valid_to__isnull=True).select_related(None)
        }

        def upsert(code: str, level: int, parent: Unit | None, data: dict, codes: dict) -> Unit:
            unit = existing.get(code)
            if unit is None:
                unit = Unit(code=code, level=level, parent=parent, valid_from=REFORM_DATE, **codes)
                for field in _COMPARED:
                    setattr(unit, field, data[field])
                unit.name_folded = fold(unit.name)
                to_create.append(unit)
                return unit
            changed = [f for f in _COMPARED if getattr(unit, f) != data[f]]
            if changed:
                for field in changed:
                    setattr(unit, field, data[field])
                unit.name_folded = fold(unit.name)
                to_update.append(unit)
            else:
                result.unchanged += 1
            return unit

        to_create: list[Unit] = []
        to_update: list[Unit] = []
        nation = upsert(
            NATION_CODE,
            Level.NATION,
            None,
            {"name": "Việt Nam", "kind": Kind.NATION, "latitude": 16.0, "longitude": 106.0, "area_km2": None},
            {},
        )
        if nation.pk is None:
            nation.save()
            to_create.remove(nation)
            result.created += 1
        for code, data in provinces.items():
            upsert(code, Level.PROVINCE, nation, data, {"province_code": code})
        Unit.objects.bulk_create([u for u in to_create])
        result.created += len(to_create)
        province_units = {u.code: u for u in Unit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True)}
        to_create = []
        for code, data in communes.items():
            data = dict(data)
            p_code = data.pop("province_code")
            upsert(code, Level.COMMUNE, province_units[p_code], data, {"province_code": p_code, "commune_code": code})
        Unit.objects.bulk_create(to_create, batch_size=500)
        result.created += len(to_create)
        if to_update:
            Unit.objects.bulk_update(to_update, [*_COMPARED, "name_folded"], batch_size=500)
        result.updated = len(to_update)
        if result.created or result.updated:
            unit_versions.bump_all()  # names, places on the maps, new communes in the tables
    return result


def village_create(*, actor, commune: Unit, name: str, kind: str, valid_from: dt.date | None = None) -> Unit:
    """Create a village under `commune` with the next never-used code `<commune>-NNN`."""
    from gocua.accounts.permissions import can_manage_villages

    name = clean_name(name)
    if not name:
        raise DomainError(CommonErrorCode.NAME_REQUIRED, _("Enter the village name."), field="name")
    if kind not in VILLAGE_KINDS:
        raise DomainError(PlaceErrorCode.VILLAGE_KIND, field="kind")
    if commune.level != Level.COMMUNE or commune.valid_to is not None:
        raise DomainError(PlaceErrorCode.PARENT_NOT_COMMUNE, field="commune")
    if not can_manage_villages(actor, commune):
        raise Forbidden(CommonErrorCode.FORBIDDEN, _("You cannot create villages in this commune."))
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=commune.pk)
        if Unit.objects.filter(parent=locked, name_folded=fold(name), valid_to__isnull=True).exists():
            raise DomainError(PlaceErrorCode.VILLAGE_EXISTS, field="name")
        seq = locked.next_child_seq
        code = f"{locked.code}-{seq:03d}"
        locked.next_child_seq = seq + 1
        locked.save(update_fields=["next_child_seq"])
        unit_versions.bump([code, locked.code, locked.province_code])  # the commune's table of villages
        return Unit.objects.create(
            code=code,
            name=name,
            name_folded=fold(name),
            kind=kind,
            level=LEVEL_OF_KIND[kind],
            parent=locked,
            province_code=locked.province_code,
            commune_code=locked.code,
            village_code=code,
            valid_from=valid_from or timezone.localdate(),
        )


def village_rename(*, actor, village: Unit, name: str) -> Unit:
    """Rename a village (its code stays)."""
    from gocua.accounts.permissions import can_manage_villages

    name = clean_name(name)
    if not name:
        raise DomainError(CommonErrorCode.NAME_REQUIRED, _("Enter the village name."), field="name")
    if not village.is_village or not can_manage_villages(actor, village.parent):
        raise Forbidden(CommonErrorCode.FORBIDDEN, _("You cannot change this village."))
    if fold(name) == village.name_folded:
        village.name = name  # a spelling fix of the same name: nothing to keep
        village.save(update_fields=["name"])
        _village_named(village)
        return village
    from gocua.places.models import FormerName

    with transaction.atomic():
        # The old name stays searchable (search, address lookup of imports) after the rename.
        FormerName.objects.create(
            unit=village, name=village.name, name_folded=village.name_folded,
            until=timezone.localdate() - dt.timedelta(days=1),
        )
        village.name = name
        village.name_folded = fold(name)
        village.save(update_fields=["name", "name_folded"])
        _village_named(village)
    return village


def _village_named(village: Unit) -> None:
    """Make the dashboards that list the village (its commune's) show the new name."""
    unit_versions.bump([village.code, village.commune_code, village.province_code])
