"""The periodic report as an XLSX laid out like an official form (drawn from the report's content dict).

A4 portrait, fitted to the page width, the table header repeated on every printed page (print
titles) and frozen on screen, dates as dd/mm/yyyy, shares as percent cells (0.0%), column widths
that fit. Cells go through gocua.lib.cells (text never becomes a formula).
"""

import datetime as dt
import io

from django.utils.translation import gettext as _

from gocua.lib import cells

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
PERCENT_FORMAT = "0.0%"
COLUMNS = 6


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def _percent(sheet, row, col, value):
    cell = cells.put(sheet, row, col, None if value is None else value / 100)
    cell.number_format = PERCENT_FORMAT
    return cell


def _title(sheet, row: int, text: str, *, size=11, bold=True, merge=True):
    from openpyxl.styles import Alignment, Font

    cell = cells.put(sheet, row, 1, text)
    cell.font = Font(bold=bold, size=size)
    cell.alignment = Alignment(horizontal="center", wrap_text=True)
    if merge:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=COLUMNS)
    return cell


def _header(sheet, row: int, headers: list[str]):
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin")
    for col, text in enumerate(headers, start=1):
        cell = cells.put(sheet, row, col, str(text))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)


def _rows(sheet, first: int, rows: list[list], percent_columns=()) -> int:
    for r, row in enumerate(rows, start=first):
        for c, value in enumerate(row, start=1):
            if c - 1 in percent_columns and isinstance(value, (int, float)):
                _percent(sheet, r, c, value)
            else:
                cells.put(sheet, r, c, value)
    return first + len(rows)


def workbook(content: dict, *, report=None):
    """Return an openpyxl Workbook of the report `content` (and its number and state when sent)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Bao cao"
    head = content["letterhead"]
    period = content["period"]
    row = 1
    if head["issuer_parent"]:
        _title(sheet, row, head["issuer_parent"], bold=False)
        row += 1
    _title(sheet, row, head["issuer"])
    _title(sheet, row + 1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    _title(sheet, row + 2, "Độc lập - Tự do - Hạnh phúc")
    number = report.number if report is not None and report.number else "…"
    cells.put(sheet, row + 3, 1, f"Số: {number}/BC")
    sent = _date(report.submitted_at.isoformat()) if report is not None else _date(content["built_at"])
    cells.put(sheet, row + 3, 4, f"{head['place']}, ngày")
    cells.put(sheet, row + 3, 5, sent).number_format = DATE_FORMAT
    _title(sheet, row + 5, _("REPORT ON THE COMMUNITY DIGITAL TECHNOLOGY TEAMS"), size=13)
    _title(sheet, row + 6, f"{period['label']}", bold=False)
    cells.put(sheet, row + 7, 1, _("From"))
    cells.put(sheet, row + 7, 2, _date(period["start"])).number_format = DATE_FORMAT
    cells.put(sheet, row + 7, 3, _("to"))
    cells.put(sheet, row + 7, 4, _date(period["end"])).number_format = DATE_FORMAT
    cells.put(sheet, row + 7, 5, _("Figures as of"))
    cells.put(sheet, row + 7, 6, _date(content["as_of"])).number_format = DATE_FORMAT
    row += 9
    # I. Indicators against the targets: the main table, its header frozen and printed on every page.
    cells.put(sheet, row, 1, _("I. Digital indicators against the targets in force"))
    row += 1
    header_row = row
    _header(sheet, row, [_("Indicator"), _("Yes"), _("Out of"), _("Yes (%)"), _("Target"), _("Set by (document · period)")])
    row += 1
    for ind in content["indicators"]:
        cells.put(sheet, row, 1, ind["label"])
        cells.put(sheet, row, 2, ind["yes"])
        cells.put(sheet, row, 3, ind["denominator"])
        _percent(sheet, row, 4, ind["percent"])
        if ind["target"] is not None:
            _percent(sheet, row, 5, ind["target"])
        else:
            cells.put(sheet, row, 5, ind["target_count"])
        cells.put(sheet, row, 6, f"{ind['document']} · {ind['target_period']}" if ind["document"] else "—")
        row += 1
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    row += 1
    # II. Activity in the period.
    cells.put(sheet, row, 1, _("II. The teams' activity in the period"))
    row += 1
    act = content["activity"]
    for label, key in ((_("Visits"), "visits"), (_("Households visited"), "households_visited"),
                       (_("Residents guided"), "residents_guided"), (_("Services done"), "services_done"),
                       (_("Follow-ups closed"), "follow_ups_closed"), (_("Community sessions"), "sessions")):
        cells.put(sheet, row, 1, label)
        cells.put(sheet, row, 2, act.get(key, 0))
        row += 1
    row += 1
    if content["projects"]:
        cells.put(sheet, row, 1, _("III. Community projects"))
        row += 1
        _header(sheet, row, [_("Project"), _("Place"), _("Kind"), _("Status")])
        row = _rows(sheet, row + 1, [[p["title"], p["place"], p["kind"], p["status"]] for p in content["projects"]]) + 1
    for section in content["sections"]:
        cells.put(sheet, row, 1, section["title"])
        row += 1
        if section["headers"]:
            _header(sheet, row, section["headers"])
            row += 1
        row = _rows(sheet, row, section["rows"], set(section.get("percent_columns", ())))
        if section["note"]:
            cells.put(sheet, row, 1, section["note"])
            row += 1
        row += 1
    if content["children"]:
        children = book.create_sheet("Don vi truc thuoc")
        table = content["children"]
        _header(children, 1, table["headers"])
        _rows(children, 2, table["rows"], set(table["percent_columns"]))
        children.freeze_panes = "A2"
        children.print_title_rows = "1:1"
        _page(children, landscape=True)
        _widths(children)
    _page(sheet)
    for col, width in zip("ABCDEF", (40, 10, 12, 11, 11, 42), strict=True):
        sheet.column_dimensions[col].width = width
    return book


def _page(sheet, *, landscape: bool = False) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.6


def _widths(sheet) -> None:
    for column in sheet.columns:
        letter = column[0].column_letter
        longest = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[letter].width = min(45, max(8, longest + 2))


def xlsx_bytes(content: dict, *, report=None) -> bytes:
    buffer = io.BytesIO()
    workbook(content, report=report).save(buffer)
    return buffer.getvalue()
