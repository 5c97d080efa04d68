"""The periodic report of a unit: XLSX workbook, printable A4 page and CSV of each table.

Reports hold aggregate figures only — counts and percentages per unit, team names and member
counts — never a name, phone or citizen ID of a person, so producing them is not an audited
export of personal data (accounts.AuditEvent.Action.EXPORT is for those). The workbook is built
by the worker (`gocua/reports/tasks.py: dashboard_workbook`, which audits it once when made);
this module only builds its bytes.

All formats are built from the same tables (`tables()`), so the workbook, the CSV files and the
printed page always show the same numbers as the dashboard for the same `?date=` and `?period=`.
"""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from gocua.indicators import selectors
from gocua.indicators.figures import KEY_MEASURES, MEASURE_BY_KEY, NOT_CHECKED, NOT_VISITED
from gocua.lib import cells
from gocua.places.models import Level


@dataclass
class Table:
    name: str  # file and sheet name stem
    title: str
    headers: list[str]
    rows: list[list]
    percent_columns: frozenset = frozenset()


def report_context(user, parsed) -> dict:
    """Return everything a report shows for the unit and period of a parsed dashboard request."""
    return report_context_of(user=user, unit=parsed.unit, period=parsed.period, on=parsed.on,
                             map_era=getattr(parsed, "map_era", selectors.MAP_NOW))


def report_context_of(*, user, unit, period, on=None, map_era: str = selectors.MAP_NOW) -> dict:
    """Return everything a report shows for `unit` and `period`, as of the day `on` (None: today)."""
    today = timezone.localdate()
    # A finished period is reported as it stood at its end; the current one as it stands now.
    on = on or (period.end if period.end < today else None)
    figures = selectors.unit_figures(user=user, unit=unit, on=on, period=period, map_era=map_era)
    children = selectors.children_figures(user=user, figures=figures, with_community=False)
    teams, _total = selectors.teams_ranked(user=user, unit=unit, limit=500) if figures.available else ([], 0)
    trend = selectors.unit_trend(figures=figures) if figures.available else selectors.Trend()
    start = None
    if figures.available and period.start > unit.valid_from:
        before = selectors.unit_figures(user=user, unit=unit, on=period.start - dt.timedelta(days=1),
                                        period=period, with_community=False, map_era=map_era)
        start = before.summary
    context = {
        "unit": unit, "figures": figures, "summary": figures.summary, "start_summary": start,
        "period": period, "children": children, "teams": teams, "trend": trend, "generated_at": timezone.now(),
        "as_of": figures.snapshot_on or on or today,
    }
    context["tables"] = tables(context)
    targets = figures.summary.targets.values() if figures.summary is not None else ()
    context["target_documents"] = sorted({f"{t.document} · {t.period_label}" for t in targets})
    context.update(_letterhead(unit, today))
    return context


# --- the tables ---------------------------------------------------------------------------------


def _headline(context: dict) -> Table:
    figures, s = context["figures"], context["summary"]
    rows = [
        [_("Households registered"), s.households, None, None],
        [_("Households covered (visited at least once)"), s.households_covered.count, s.households, s.households_covered.percent],
        [_("Residents registered"), s.residents, None, None],
        [_("Residents checked"), s.residents_checked.count, s.residents, s.residents_checked.percent],
        [_("Adults 15+"), s.adults, None, None],
        [household_target_label(s), s.households_target.count, s.households, s.households_target.percent],
        [_("Households left behind"), s.households_left_behind.count, s.households, s.households_left_behind.percent],
        [_("Adults left behind"), s.residents_left_behind.count, s.adults, s.residents_left_behind.percent],
        [_("Teams"), figures.teams, None, None],
        [_("Team members"), figures.members, None, None],
        [_("Visits in the period"), figures.visits, None, None],
        [_("Community sessions in the period"), figures.sessions, None, None],
    ]
    community = figures.community
    if community:
        rows += [
            [_("Money contributed (VND)"), community["money_vnd"], None, None],
            [_("Labour contributed (days)"), float(community["labour_days"]), None, None],
            [_("Contributing households"), community["contributing_households"], None, None],
            [_("Local projects done"), community["projects_done"], None, None],
        ]
    headers = [_("Figure"), _("Count"), _("Out of"), _("%")]
    return Table("figures", _("Figures"), headers, rows, frozenset({3}))


def household_target_label(summary) -> str:
    """Return the headline row of the household target, named by the period of the target in force."""
    target = summary.targets.get("household_target")
    if target is None:
        return _("Households with someone proficient in all five skills")
    return _("Households meeting the target (%(period)s)") % {"period": target.period_label}


def _unknown_label(basis: str) -> str:
    return {NOT_VISITED: _("not visited"), NOT_CHECKED: _("not checked")}.get(basis, _("unknown"))


def _indicators(context: dict) -> Table:
    s, start = context["summary"], context["start_summary"]
    rows = []
    for ind in s.indicators:
        before = start.indicator(ind.key).percent if start is not None else None
        rows.append([
            str(ind.label), ind.yes, ind.no, ind.denominator, str(ind.denominator_label), ind.percent,
            ind.unknown_percent, _unknown_label(ind.unknown_basis), ind.target, before,
            None if ind.meets_target is None else (_("met") if ind.meets_target else _("not met")),
            ind.target_count, ind.target_note,
        ])
    headers = [
        _("Indicator"), _("Yes"), _("No"), _("Out of"), _("Counted over"), _("Yes (%)"), _("Unknown (%)"),
        _("Unknown means"), _("Target %"), _("% at start of period"), _("Target"), _("Target (people)"),
        _("Set by (document · period)"),
    ]
    return Table("indicators", _("Indicators"), headers, rows, frozenset({5, 6, 8, 9}))


def _children(context: dict) -> Table:
    keys = ["household_target", *KEY_MEASURES]
    headers = [
        _("Code"), _("Name"), _("Households"), _("Covered"), _("Covered (%)"), _("Residents"), _("Checked (%)"),
        *[f"% {MEASURE_BY_KEY[k].label}" for k in keys], _("Households left behind"), _("Teams"), _("Members"),
        _("Visits in the period"), _("Sessions in the period"),
    ]
    rows = [
        [
            row.unit.code, row.unit.name, row.summary.households, row.summary.households_covered.count,
            row.percent("coverage"), row.summary.residents, row.percent("checked"),
            *[row.percent(k) for k in keys], row.summary.households_left_behind.count, row.teams, row.members,
            row.visits, row.sessions,
        ]
        for row in context["children"]
    ]
    percents = frozenset({4, 6, *range(7, 7 + len(keys))})
    return Table("children", _("Units below"), headers, rows, percents)


def _teams(context: dict) -> Table:
    headers = [_("Rank"), _("Team"), _("Unit"), _("Members"), _("Households"), _("Covered"), _("Covered (%)")]
    rows = [
        [rank, r.team.name, r.team.unit.name, r.members, r.households, r.covered, r.progress]
        for rank, r in enumerate(context["teams"], start=1)
    ]
    return Table("teams", _("Teams ranked"), headers, rows, frozenset({6}))


def _trend(context: dict) -> Table:
    keys = ["coverage", "checked", "household_target", *KEY_MEASURES]
    headers = [_("Date"), _("Households"), _("Residents"), *[f"% {_key_label(k)}" for k in keys]]
    rows = [
        [day, summary.households, summary.residents, *[summary.percent_of(k) for k in keys]]
        for day, summary in context["trend"].points
    ]
    return Table("trend", _("Trend"), headers, rows, frozenset(range(3, 3 + len(keys))))


def _key_label(key: str) -> str:
    if key == "coverage":
        return _("covered")
    if key == "checked":
        return _("checked")
    return str(MEASURE_BY_KEY[key].label)


def tables(context: dict) -> dict[str, Table]:
    """Return the report's tables by name (empty when the unit has no figures at that date)."""
    if context["summary"] is None:
        return {}
    built = [_headline(context), _indicators(context), _children(context), _teams(context), _trend(context)]
    return {table.name: table for table in built}


# --- CSV ----------------------------------------------------------------------------------------


def _filename(context: dict, stem: str, ext: str) -> str:
    return f"gocua-{context['unit'].code}-{context['period'].token}-{stem}.{ext}"


def csv_response(context: dict, name: str) -> HttpResponse:
    """Return one table as CSV (UTF-8 with BOM so Excel shows Vietnamese right; dot decimals)."""
    table = context["tables"].get(name)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if table is None:
        notice = context["figures"].notice
        writer.writerow(cells.csv_row([notice.message if notice else _("No figures.")]))
    else:
        writer.writerow(cells.csv_row(table.headers))
        for row in table.rows:
            writer.writerow(cells.csv_row(row))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(context, name, "csv")}"'
    return response


# --- XLSX ---------------------------------------------------------------------------------------


def _sheet_title(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31]


def _write_table(sheet, table: Table, first_row: int) -> int:
    from openpyxl.styles import Font

    for col, header in enumerate(table.headers, start=1):
        cells.put(sheet, first_row, col, str(header)).font = Font(bold=True)
    for r, row in enumerate(table.rows, start=first_row + 1):
        for c, value in enumerate(row, start=1):
            cell = cells.put(sheet, r, c, value)
            if c - 1 in table.percent_columns and value is not None:
                cell.number_format = "0.0"
    for col, header in enumerate(table.headers, start=1):
        width = max([len(str(header))] + [len(str(row[col - 1] or "")) for row in table.rows])
        sheet.column_dimensions[sheet.cell(row=first_row, column=col).column_letter].width = min(48, width + 2)
    return first_row + len(table.rows) + 1


def workbook(context: dict):
    """Return an openpyxl Workbook: the figures sheet with a header block, then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(_("Figures"))
    unit, figures = context["unit"], context["figures"]
    cells.put(sheet, 1, 1, _("Report on the community digital technology teams")).font = Font(bold=True, size=14)
    cells.put(sheet, 2, 1, f"{unit.name} ({unit.code})")
    cells.put(sheet, 3, 1, _("Period: %(period)s (%(start)s – %(end)s)") % {
        "period": context["period"].label, "start": context["period"].start.isoformat(),
        "end": context["period"].end.isoformat(),
    })
    cells.put(sheet, 4, 1, _("Figures as of %(date)s") % {"date": context["as_of"].isoformat()})
    generated = timezone.localtime(context["generated_at"]).strftime("%Y-%m-%d %H:%M")
    cells.put(sheet, 5, 1, _("Generated %(at)s") % {"at": generated})
    if not context["tables"]:
        cells.put(sheet, 7, 1, figures.notice.message if figures.notice else _("No figures."))
        return book
    row = _write_table(sheet, context["tables"]["figures"], 7)
    _write_table(sheet, context["tables"]["indicators"], row + 1)
    for name in ("children", "teams", "trend"):
        table = context["tables"][name]
        if table.rows:
            _write_table(book.create_sheet(_sheet_title(table.title)), table, 1)
    return book


def workbook_bytes(context: dict) -> bytes:
    """Return the workbook of `context` as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    workbook(context).save(buffer)
    return buffer.getvalue()


def workbook_name(context: dict) -> str:
    """Return the workbook's file name (gocua-<unit>-<period>-report.xlsx)."""
    return _filename(context, "report", "xlsx")


# --- the A4 page --------------------------------------------------------------------------------

_PREFIXES = ("Thành phố ", "Tỉnh ", "Xã ", "Phường ", "Đặc khu ", "Thôn ", "Ấp ", "Bản ", "Tổ dân phố ")


def place_name(unit) -> str:
    """Return the place written before the date line: the commune's (or province's) bare name."""
    if unit.level == Level.NATION:
        return "Hà Nội"  # the capital, where national reports are issued
    if unit.level == Level.VILLAGE and unit.parent is not None:
        unit = unit.parent
    name = unit.name
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def vietnamese_date_line(place: str, day: dt.date) -> str:
    """Return "<place>, ngày 05 tháng 02 năm 2025" as Decree 30/2020/NĐ-CP writes it.

    Literal Vietnamese on purpose: the place-and-date line is a fixed part of the official form,
    printed the same whatever the reader's interface language. Days below 10 and the months
    January and February take a leading zero.
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _letterhead(unit, today: dt.date) -> dict:
    parent = unit.parent if unit.level in (Level.COMMUNE, Level.VILLAGE) else None
    return {
        "issuer_parent": parent.name.upper() if parent is not None else "",
        "issuer": unit.name.upper(),
        "date_line": vietnamese_date_line(place_name(unit), today),
    }

