"""The one cell-writing helper of every CSV and XLSX export: typed text never becomes a formula.

A name typed as `=HYPERLINK("http://x","y")`, `+cmd|...`, `-2+3`, `@SUM(...)`, `|...` or with a
leading tab or carriage return is a live formula to Excel or LibreOffice when the file is opened
(CSV/formula injection). Every export writes its cells through this module:

- CSV: `csv_value` prefixes such text with `'` (Excel's "keep as text" mark; our importer drops it);
- XLSX through openpyxl: `put` writes text as a string cell (data type "s"), never a formula;
- XLSX through the fast writer (`gocua.imports.xlsx`): every cell is an inline string, which a
  spreadsheet never evaluates; `xml_text` cleans it.

Numbers, dates and booleans stay what they are, so sums and number formats keep working.
Each export is also listed in `EXPORTS`, which `gocua/tests/test_exports_are_inert.py` checks
against every URL whose name says export/csv/xlsx: a new export must register here.
"""

import datetime as dt
import re
from decimal import Decimal

# Characters a spreadsheet reads as the start of a formula (or of a DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "|", "\t", "\r", "\n")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
# Control characters that XML 1.0 (hence .xlsx) cannot hold; openpyxl raises on them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_KEEP = (int, float, Decimal, dt.date, dt.datetime, dt.time, bool)

# Every file the project exports: (what, URL name or entry point). A view, API operation or
# command that writes a CSV or XLSX must be listed here and tested in test_exports_are_inert.py.
EXPORTS = {
    "imports:export": "roster of a unit (.xlsx/.csv page download)",
    "imports:template": "empty roster template (.xlsx)",
    "imports:problem_rows": "problem rows of an import batch (.xlsx)",
    "api:export_unit": "roster of a unit (API, .xlsx/.csv)",
    "api:import_template": "empty roster template (API)",
    "api:import_problem_rows": "problem rows of an import batch (API)",
    "indicators:report_xlsx": "dashboard report (.xlsx): the old link, redirected to reports:dashboard_xlsx",
    "indicators:indicators_csv": "dashboard indicators table (.csv)",
    "indicators:children_csv": "dashboard children table (.csv)",
    "indicators:teams_csv": "dashboard teams table (.csv)",
    "indicators:trend_csv": "dashboard trend table (.csv)",
    "community:ledger_xlsx": "community project ledger statement (.xlsx)",
    "command:export_roster": "roster of a unit (management command, .xlsx/.csv)",
    "imports:export_job": "a big roster export prepared by the worker: its progress page",
    "imports:export_download": "a big roster export prepared by the worker: the file (the roster writer)",
    "accounts:audit_export": "the filtered audit log (.csv)",
    "web:priority_export": "residents flagged in priority groups of a commune or village (.csv, audited)",
    "reports:report_xlsx": "a unit's periodic report in the official layout: queues its workbook (POST)",
    "reports:export_job": "a periodic report's workbook prepared by the worker: its progress page",
    "reports:export_download": "a report's or dashboard's workbook prepared by the worker: the file (.xlsx, aggregates)",
    "reports:dashboard_xlsx": "a dashboard's period workbook (indicators.reports): offered (GET), queued (POST)",
}


def is_formula_like(text: str) -> bool:
    """Return whether a spreadsheet would read `text` as a formula (a bare signed number is not)."""
    if not text or not text.startswith(FORMULA_STARTS):
        return False
    return not (text[0] in "+-" and _NUMBER.fullmatch(text))


def csv_value(value):
    """Return `value` ready for csv.writer: numbers and dates unchanged, formula-like text quoted."""
    if value is None:
        return ""
    if isinstance(value, _KEEP):
        return value
    text = str(value)
    return "'" + text if is_formula_like(text) else text


def csv_row(values) -> list:
    """Return a row of `csv_value`s."""
    return [csv_value(v) for v in values]


def xml_text(value) -> str:
    """Return `value` as text an .xlsx can hold (illegal control characters removed)."""
    return _ILLEGAL.sub("", "" if value is None else str(value))


def put(sheet, row: int, column: int, value):
    """Write `value` into an openpyxl sheet: text always as a string cell, numbers and dates as such."""
    if value is not None and not isinstance(value, _KEEP):
        value = xml_text(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        # openpyxl turns any string starting with "=" into a formula; a person's text never is one.
        cell.data_type = "s"
    return cell
