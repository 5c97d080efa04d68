"""Import a Bình dân học vụ số course export (XLSX/CSV): match each learner by citizen ID or phone, save the course.

The file is read by the roster importer's reader (`imports.reader.read_table`: the same limits,
encodings and refusals) and its cells by the roster's parsers (`imports.rows`); citizen IDs are
matched through the households' keyed hash (`households.pii`), phones through `lib.phone`. Only
residents (and team members, by phone) inside the importer's area are candidates. Every row is
either saved or listed with its reason; the whole import is one transaction and one audit event.
"""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gocua.accounts.permissions import MANAGERS
from gocua.accounts.scope import scoped
from gocua.accounts.services import audit_record
from gocua.errors import CommonErrorCode, DomainError, Forbidden
from gocua.households import pii
from gocua.households.models import Resident
from gocua.imports import reader
from gocua.imports import rows as cells
from gocua.learning.errors import LearningErrorCode
from gocua.learning.models import Enrolment
from gocua.learning.services import enrolment_save
from gocua.lib import citizen_id as citizen_ids
from gocua.lib import phone as phones
from gocua.lib.text import fold
from gocua.teams.models import Member

# Folded header labels as the platform and officers write them; the longest matching prefix wins.
HEADERS = {
    "full_name": ("ho va ten", "ho ten", "ten hoc vien", "hoc vien", "full name", "name"),
    "citizen_id": ("so cccd", "cccd", "so dinh danh", "ma dinh danh", "can cuoc", "so can cuoc", "citizen id"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "so dt", "phone"),
    "course": ("ten khoa hoc", "khoa hoc", "chuong trinh hoc", "course"),
    "status": ("trang thai", "tinh trang", "ket qua", "status"),
    "enrolled_on": ("ngay dang ky", "ngay ghi danh", "ngay tham gia", "thoi gian dang ky", "enrolled"),
    "completed_on": ("ngay hoan thanh", "thoi gian hoan thanh", "completed"),
    "certificate_number": ("so chung chi", "ma chung chi", "so hieu chung chi", "so chung nhan", "ma chung nhan",
                           "certificate number"),
    "certificate_on": ("ngay cap chung chi", "ngay cap chung nhan", "ngay cap", "certificate date"),
}
_PUNCT = re.compile(r"[^0-9a-z ]+")

REASONS = {
    "no_id_or_phone": _("No citizen ID or phone number in the row."),
    "id_invalid": _("The citizen ID is not a valid 12-digit number."),
    "phone_invalid": _("The phone number is not a valid Vietnamese number."),
    "not_found": _("No resident or team member of your area has this citizen ID or phone."),
    "name_differs": _("A resident of your area has this phone, but under another name."),
    "ambiguous": _("Several people of your area share this phone; add the citizen ID to the row."),
    "course_missing": _("The course name is empty."),
    "date_unreadable": _("A date cannot be read; write it dd/mm/yyyy."),
}


def _label(text) -> str:
    return " ".join(_PUNCT.sub(" ", fold(str(text))).split())


def field_of(label) -> str | None:
    """Return the field a header label names, or None."""
    folded = _label(label)
    if not folded:
        return None
    best, length = None, 0
    for name, aliases in HEADERS.items():
        for alias in aliases:
            if (folded == alias or folded.startswith(alias + " ")) and len(alias) > length:
                best, length = name, len(alias)
    return best


def find_header(rows) -> tuple[int, dict[int, str]]:
    """Return (position in rows, {column: field}) of the header among the first 30 rows."""
    for position, (_number, row) in enumerate(rows[: reader.HEADER_SEARCH_ROWS]):
        found: dict[int, str] = {}
        for index, cell in enumerate(row):
            name = field_of(cell) if isinstance(cell, str) else None
            if name and name not in found.values():
                found[index] = name
        names = set(found.values())
        if {"full_name", "course"} <= names and names & {"citizen_id", "phone"}:
            return position, found
    raise DomainError(LearningErrorCode.COURSE_FILE_NO_HEADER, field="file")


@dataclass
class Unmatched:
    row: int
    name: str
    reason: str

    @property
    def message(self):
        return REASONS[self.reason]


@dataclass
class Report:
    rows: int = 0
    created: int = 0
    updated: int = 0
    by_citizen_id: int = 0
    by_phone: int = 0
    unmatched: list[Unmatched] = field(default_factory=list)
    refused: list[tuple[int, str, str]] = field(default_factory=list)  # (row, name, message)


def _status(text: str, has_certificate: bool) -> str:
    folded = _label(text)
    if has_certificate or folded in ("dat", "da dat", "completed", "passed"):
        return Enrolment.Status.COMPLETED
    if "hoan thanh" in folded and not folded.startswith(("chua", "dang", "khong")):
        return Enrolment.Status.COMPLETED
    return Enrolment.Status.ENROLLED


def _date(cell):
    if cell in ("", None):
        return None
    parsed = cells.parse_birth(cell)
    if parsed is None or parsed[1] is None:
        raise ValueError("date")
    return parsed[1]


class _People:
    """The candidates of the importer's area, looked up per row with indexed queries."""

    def __init__(self, actor):
        self.residents = scoped(actor, Resident.objects.filter(status=Resident.Status.LIVING))
        self.members = scoped(actor, Member.objects.filter(left_on__isnull=True), via="team__")

    def by_citizen_id(self, number: str):
        return self.residents.filter(citizen_id_hash=pii.keyed_hash(number)).first()

    def by_phone(self, number: str, name: str):
        folded = fold(name)
        found = list(self.residents.filter(phone=number)[:20]) + list(self.members.filter(phone=number)[:20])
        if not found:
            return None, "not_found"
        named = [p for p in found if p.name_folded == folded]
        if len(named) == 1:
            return named[0], None
        if len(named) > 1:
            return None, "ambiguous"
        return None, "name_differs"


def _row_values(row: list, columns: dict[int, str]) -> dict:
    return {name: (row[i] if i < len(row) else "") for i, name in columns.items()}


def course_import(*, actor, data: bytes, filename: str = "") -> Report:
    """Import the rows of a course export; unmatched and refused rows are listed, the rest saved in one transaction."""
    if getattr(actor, "role", None) not in MANAGERS:
        raise Forbidden(CommonErrorCode.FORBIDDEN)
    table = reader.read_table(data, filename)
    position, columns = find_header(table)
    people = _People(actor)
    report = Report()
    with transaction.atomic():
        for number, row in table[position + 1:]:
            if not any(str(c).strip() for c in row if c is not None):
                continue
            values = _row_values(row, columns)
            name = " ".join(str(values.get("full_name") or "").split())
            report.rows += 1
            person, reason, how = _match(people, values, name)
            if person is None:
                report.unmatched.append(Unmatched(number, name, reason))
                continue
            try:
                data_in = _course_data(values)
            except ValueError as exc:
                report.unmatched.append(Unmatched(number, name, str(exc)))
                continue
            kind = {"resident": person} if isinstance(person, Resident) else {"member": person}
            try:
                with transaction.atomic():
                    _row, created = enrolment_save(actor=actor, data=data_in, source=Enrolment.Source.IMPORT,
                                                   audit=False, **kind)
            except DomainError as exc:
                report.refused.append((number, name, str(exc.message)))
                continue
            report.created += created
            report.updated += not created
            report.by_citizen_id += how == "citizen_id"
            report.by_phone += how == "phone"
        audit_record(actor=actor, action="courses_imported", obj=None, object_type="learning.enrolment",
                     unit=actor.scope_unit, detail={
                         "rows": report.rows, "created": report.created, "updated": report.updated,
                         "unmatched": len(report.unmatched), "refused": len(report.refused),
                     })
    return report


def _match(people: _People, values: dict, name: str):
    raw_id = cells.parse_citizen_id(values.get("citizen_id", ""))
    raw_phone = str(values.get("phone") or "").strip()
    if raw_id and raw_id != cells.MASKED:
        try:
            number = citizen_ids.validate(raw_id)
        except citizen_ids.CitizenIdError:
            if not raw_phone:
                return None, "id_invalid", None
        else:
            found = people.by_citizen_id(number)
            if found is not None:
                return found, None, "citizen_id"
    if not raw_phone:
        return None, "not_found" if raw_id else "no_id_or_phone", None
    try:
        number = phones.normalise(raw_phone)
    except phones.PhoneError:
        return None, "phone_invalid", None
    found, reason = people.by_phone(number, name)
    return found, reason, "phone" if found is not None else None


def _course_data(values: dict) -> dict:
    course = " ".join(str(values.get("course") or "").split())
    if not course:
        raise ValueError("course_missing")
    certificate = " ".join(str(values.get("certificate_number") or "").split())
    try:
        dates = {name: _date(values.get(name)) for name in ("enrolled_on", "completed_on", "certificate_on")}
    except ValueError:
        raise ValueError("date_unreadable") from None
    if certificate and dates["certificate_on"] is None:
        dates["certificate_on"] = dates["completed_on"]
    return {"course": course, "status": _status(str(values.get("status") or ""), bool(certificate)),
            "certificate_number": certificate, **dates}
