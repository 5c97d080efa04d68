"""Write rosters in the layout the importer reads: export of a unit, the template, problem rows."""

import csv
import io
import itertools
from collections.abc import Iterable

from django.db.models import Case, IntegerField, Value, When

from gocua.households import pii
from gocua.households.models import Resident
from gocua.imports import layout, xlsx
from gocua.lib import cells
from gocua.lib import phone as phones

XLSX = "xlsx"
CSV = "csv"
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}
ERROR_HEADER = "Lỗi"  # the column added to the problem rows (a file format word, like the headers)


def headers() -> list[str]:
    return [layout.COLUMN_OF[f].header for f in layout.EXPORT_FIELDS]


def residents_for_export(queryset):
    """Return residents ordered as a roster: village, household key, head first, then by id."""
    head_first = Case(When(relation=Resident.Relation.HEAD, then=Value(0)), default=Value(1),
                      output_field=IntegerField())
    return (
        queryset.select_related("household__village__parent__parent")
        .annotate(head_first=head_first)
        .order_by("village_code", "household__household_key", "household_id", "head_first", "id")
    )


def address_of(household) -> str:
    village = household.village
    commune = village.parent
    province = commune.parent if commune else None
    parts = [household.address_line, village.name, commune.name if commune else "", province.name if province else ""]
    return ", ".join(p for p in parts if p)


def resident_row(resident, *, show_citizen_id: bool, show_phone: bool, addresses: dict) -> list:
    """Return one export row (text cells, in `layout.EXPORT_FIELDS` order)."""
    household = resident.household
    if household.pk not in addresses:
        addresses[household.pk] = address_of(household)
    if resident.citizen_id_encrypted and show_citizen_id:
        citizen = pii.decrypt(resident.citizen_id_encrypted)
    else:
        citizen = resident.citizen_id_masked
    birth = resident.birth_date.strftime("%d/%m/%Y") if resident.birth_date else str(resident.birth_year)
    values = {
        layout.HOUSEHOLD_KEY: household.household_key,
        layout.FULL_NAME: resident.full_name,
        layout.BIRTH_DATE: birth,
        layout.GENDER: layout.GENDER_OUT.get(resident.gender, ""),
        layout.RELATION: layout.RELATION_OUT.get(resident.relation, ""),
        layout.CITIZEN_ID: citizen,
        layout.PHONE: resident.phone if show_phone or not resident.phone else phones.mask(resident.phone),
        layout.ADDRESS: addresses[household.pk],
        layout.STATUS: layout.STATUS_OUT.get(resident.status, ""),
    }
    for name in layout.INDICATOR_FIELDS:
        values[name] = layout.MARK_OUT[getattr(resident, name)]
    return [values[f] for f in layout.EXPORT_FIELDS]


# --- files -------------------------------------------------------------------------------------


def write_csv(header: list[str], rows: Iterable[list]) -> bytes:
    """Return UTF-8 CSV with a BOM (so Excel shows Vietnamese correctly)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(cells.csv_row(header))
    for row in rows:
        writer.writerow(cells.csv_row(row))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def write_xlsx(header: list[str], rows: Iterable[list], *, title: str = "Danh sách", guide: list | None = None) -> bytes:
    """Return an .xlsx with one sheet of text cells (leading zeros kept) and an optional guide sheet."""
    sheets = [(title, itertools.chain([header], rows))]
    if guide:
        sheets.append(("Hướng dẫn", guide))
    return xlsx.write(sheets)


def template_guide() -> list[list[str]]:
    """Return the rows of the template's guide sheet (a file-format description, in Vietnamese)."""
    rows = [["Cột", "Cách ghi", "Tên khác được nhận"]]
    how = {
        layout.HOUSEHOLD_KEY: "Mã hộ trong sổ của thôn; các thành viên một hộ ghi cùng mã.",
        layout.FULL_NAME: "Họ và tên đầy đủ.",
        layout.BIRTH_DATE: "Năm sinh (1980) hoặc ngày sinh (03/05/1980).",
        layout.GENDER: "Nam hoặc Nữ.",
        layout.RELATION: "Chủ hộ, Vợ, Chồng, Con, Bố, Mẹ, Cháu, Ông/Bà, Anh/chị/em, Con dâu/con rể, Khác.",
        layout.CITIZEN_ID: "12 chữ số (để trống nếu chưa có).",
        layout.PHONE: "Số điện thoại di động hoặc cố định.",
        layout.ADDRESS: "Thôn/tổ dân phố, xã/phường, tỉnh/thành phố; địa chỉ cũ (có huyện) cũng được.",
        layout.STATUS: "Đang ở, Đi làm ăn xa, Đã chuyển đi, Đã mất (để trống: Đang ở).",
    }
    for column in layout.COLUMNS:
        text = how.get(column.field, "x = có, không = không, để trống = chưa biết.")
        rows.append([column.header, text, ", ".join(column.synonyms)])
    return rows
