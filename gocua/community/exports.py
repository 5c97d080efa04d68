"""A project's statement (for the village meeting) as rows, and the same rows as an XLSX file.

The printable page and the XLSX are built from one `Statement`, and each total is the sum
of its rows, so both show the same figures; tests compare them with the SQL totals.
Givers appear as they chose to appear publicly: the statement is read out in public.
"""

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from openpyxl import Workbook
from openpyxl.styles import Font

from gocua.community.models import LedgerEntry, Project
from gocua.community.selectors import project_entries
from gocua.lib import cells


@dataclass
class StatementRow:
    number: int
    entry_on: dt.date
    kind_label: str
    label: str
    money_in: int
    money_out: int
    labour_days: Decimal
    materials: str
    recorded_by: str
    reverses_number: int | None
    reason: str
    is_reversed: bool


@dataclass
class Statement:
    project: Project
    rows: list[StatementRow]

    @property
    def collected_vnd(self) -> int:
        return sum(r.money_in for r in self.rows)

    @property
    def spent_vnd(self) -> int:
        return sum(r.money_out for r in self.rows)

    @property
    def balance_vnd(self) -> int:
        return self.collected_vnd - self.spent_vnd

    @property
    def labour_days(self) -> Decimal:
        return sum((r.labour_days for r in self.rows), Decimal(0))


def _row(entry: LedgerEntry) -> StatementRow:
    contribution = entry.kind == LedgerEntry.Kind.CONTRIBUTION
    if entry.is_reversal:
        kind_label = _("Correction")
        label = _("Correction of no. %(n)s") % {"n": entry.reverses_number}
    else:
        kind_label = _("Contribution") if contribution else _("Expense")
        label = entry.public_label
    return StatementRow(
        number=entry.number,
        entry_on=entry.entry_on,
        kind_label=kind_label,
        label=label,
        money_in=entry.money_vnd if contribution else 0,
        money_out=0 if contribution else entry.money_vnd,
        labour_days=Decimal(entry.labour_days),
        materials=entry.materials,
        recorded_by=str(entry.recorded_by),
        reverses_number=entry.reverses_number,
        reason=entry.reason,
        is_reversed=entry.is_reversed,
    )


def statement(project: Project) -> Statement:
    """Return every ledger entry of `project` as statement rows (two queries)."""
    return Statement(project=project, rows=[_row(e) for e in project_entries(project)])


def _put(sheet, row: int, column: int, value, *, bold: bool = False, money: bool = False):
    cell = cells.put(sheet, row, column, value)  # text typed by a person is never a formula
    if bold:
        cell.font = Font(bold=True)
    if money:
        cell.number_format = "#,##0"
    return cell


HEADERS = (
    N_("No."), N_("Date"), N_("Kind"), N_("Giver / what for"), N_("Money in (VND)"), N_("Money out (VND)"),
    N_("Labour days"), N_("Materials"), N_("Recorded by"), N_("Correction of no."), N_("Reason"),
)


def statement_xlsx(data: Statement, *, unit_name: str, generated_at: dt.datetime) -> bytes:
    """Return the statement as an XLSX workbook (one sheet: heading, one row per entry, totals)."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Ledger")[:31]
    project = data.project
    _put(sheet, 1, 1, project.title, bold=True)
    _put(sheet, 2, 1, f"{unit_name} · {project.get_status_display()}")
    _put(sheet, 3, 1, _("Generated %(at)s") % {"at": generated_at.strftime("%d/%m/%Y %H:%M")})
    header_row = 5
    for column, header in enumerate(HEADERS, start=1):
        _put(sheet, header_row, column, _(header), bold=True)
    for offset, r in enumerate(data.rows, start=1):
        values = (
            r.number, r.entry_on, r.kind_label, r.label, r.money_in, r.money_out, float(r.labour_days),
            r.materials, r.recorded_by, r.reverses_number, r.reason,
        )
        for column, value in enumerate(values, start=1):
            cell = _put(sheet, header_row + offset, column, value, money=column in (5, 6))
            if column == 2:
                cell.number_format = "DD/MM/YYYY"
    total_row = header_row + len(data.rows) + 1
    _put(sheet, total_row, 4, _("Total"), bold=True)
    _put(sheet, total_row, 5, data.collected_vnd, bold=True, money=True)
    _put(sheet, total_row, 6, data.spent_vnd, bold=True, money=True)
    _put(sheet, total_row, 7, float(data.labour_days), bold=True)
    _put(sheet, total_row + 1, 4, _("Balance"), bold=True)
    _put(sheet, total_row + 1, 5, data.balance_vnd, bold=True, money=True)
    for column, width in zip("ABCDEFGHIJK", (6, 12, 14, 36, 16, 16, 12, 28, 20, 10, 36), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
