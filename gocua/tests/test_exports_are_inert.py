"""Every CSV and XLSX the project exports keeps typed text inert: no formula ever reaches a spreadsheet.

Names are stored as `=HYPERLINK("http://x","y")` (and the other formula starts) wherever a person
types text that an export carries; each export is downloaded as its users do and read back with
openpyxl / csv. The list of exports is `gocua.lib.cells.EXPORTS`; the first test fails when a URL or
command whose name says export/csv/xlsx is missing from it, so a new export cannot skip the check.
"""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, get_commands
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from gocua import testing as f
from gocua.community.tests.helpers import give, make_project, spend
from gocua.imports.models import ImportBatch
from gocua.imports.tests.conftest import csv_bytes
from gocua.indicators.services import rollups_rebuild
from gocua.lib import cells

pytestmark = pytest.mark.django_db

ATTACK = '=HYPERLINK("http://x","y")'
ATTACKS = [ATTACK, "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           "|calc", "\t=1+1", "\r=1+1"]
EXPORT_WORDS = re.compile(r"export|csv|xlsx", re.IGNORECASE)
# Named like an export but writing no spreadsheet: django-ninja's command prints the OpenAPI JSON.
NOT_SPREADSHEETS = {"command:export_openapi_schema"}


# --- the list of exports is complete --------------------------------------------------------------


def _named_routes(patterns, namespace="", prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_routes(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", prefix + str(pattern.pattern)


def test_every_url_or_command_that_exports_a_file_is_in_the_registry():
    found = {
        name for name, route in _named_routes(get_resolver().url_patterns)
        if EXPORT_WORDS.search(name) or EXPORT_WORDS.search(route)
    }
    found |= {f"command:{name}" for name in get_commands() if EXPORT_WORDS.search(name)}
    found -= NOT_SPREADSHEETS
    assert found == set(cells.EXPORTS), "register the new export in gocua.lib.cells.EXPORTS and test it here"


def test_every_module_that_writes_a_spreadsheet_goes_through_the_cell_helper():
    root = Path(cells.__file__).resolve().parents[1]
    writers = re.compile(r"csv\.writer\(|csv\.DictWriter\(|Workbook\(|xlsx\.write\(")
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if "/tests/" in relative or relative.startswith("bench/") or relative.endswith("/bench.py"):
            continue  # test files and benchmark rosters are not exports
        text = path.read_text(encoding="utf-8")
        if writers.search(text) and "gocua.lib import cells" not in text and relative != "lib/cells.py":
            offenders.append(relative)
    assert offenders == []


# --- the helper itself --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_like_text_is_quoted_for_csv(text):
    assert cells.csv_value(text) == "'" + text


@pytest.mark.parametrize("value", [12, -3, 4.5, "-12", "+84912345678", "Nguyễn Văn An", "0912 000 111", ""])
def test_numbers_and_plain_text_are_left_alone(value):
    assert cells.csv_value(value) == value


def test_openpyxl_cells_hold_formula_text_as_strings_and_numbers_as_numbers():
    from openpyxl import Workbook

    sheet = Workbook().active
    assert cells.put(sheet, 1, 1, ATTACK).data_type == "s"
    assert cells.put(sheet, 1, 2, 42).data_type == "n"
    assert cells.put(sheet, 1, 3, "bad\x01char").value == "badchar"  # openpyxl would raise on it


# --- each export, downloaded ----------------------------------------------------------------------


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _xlsx_cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [value for row in csv.reader(io.StringIO(text, newline="")) for value in row]


def assert_xlsx_inert(content: bytes, *, carries: str | None = ATTACK):
    all_cells = _xlsx_cells(content)
    assert [c.coordinate for c in all_cells if c.data_type == "f"] == []
    if carries is not None:
        assert any(isinstance(c.value, str) and c.value.startswith(carries) for c in all_cells), "payload not exported"


def assert_csv_inert(content: bytes, *, carries: str | None = ATTACK):
    values = _csv_cells(content)
    assert [v for v in values if cells.is_formula_like(v)] == []
    if carries is not None:
        assert "'" + carries in values, "payload not exported"


@pytest.fixture
def poisoned(world):
    """The world with a village, a team, a resident, a phone and ledger texts typed as formulas."""
    village = f.make_village("09784", ATTACK)
    team = f.make_team(village, ATTACK)
    household = f.make_household(village, ATTACK)
    f.make_resident(household, full_name=ATTACK, phone="0912000111")
    for text in ATTACKS[1:]:
        f.make_resident(world.household, full_name=text, relation="child")
    project = make_project(world.users["commune_officer"], world.village, title=ATTACK)
    give(world.users["commune_officer"], project, materials=ATTACK)
    spend(world.users["commune_officer"], project, description=ATTACK)
    rollups_rebuild()
    return {"village": village, "team": team, "project": project}


@pytest.mark.parametrize("url, kind", [
    ("/imports/export/09784/?format=xlsx", "xlsx"),
    ("/imports/export/09784/?format=csv", "csv"),
    ("/api/v1/exports/09784?format=xlsx", "xlsx"),
    ("/api/v1/exports/09784?format=csv", "csv"),
])
def test_the_roster_export_keeps_every_formula_inert(world, poisoned, url, kind):
    response = _client(world.users["commune_officer"]).get(url)
    assert response.status_code == 200, response.content[:300]
    if kind == "xlsx":
        assert_xlsx_inert(response.content)
    else:
        assert_csv_inert(response.content)
        values = _csv_cells(response.content)
        for text in ATTACKS[1:]:  # names are stored stripped: "\t=1+1" arrives as "=1+1"
            assert "'" + text.strip() in values


def test_the_export_command_keeps_every_formula_inert(world, poisoned, tmp_path):
    for fmt in ("xlsx", "csv"):
        target = tmp_path / f"out.{fmt}"
        call_command("export_roster", "09784", "--format", fmt, "--output", str(target),
                     "--user", world.users["national_admin"].username, stdout=io.StringIO())
        (assert_xlsx_inert if fmt == "xlsx" else assert_csv_inert)(target.read_bytes())


@pytest.mark.parametrize("url", ["/imports/template.xlsx", "/api/v1/imports/template.xlsx"])
def test_the_template_has_no_formula(world, url):
    response = _client(world.users["commune_officer"]).get(url)
    assert response.status_code == 200
    assert_xlsx_inert(response.content, carries=None)


def test_the_problem_rows_file_keeps_the_typed_formula_inert(world):
    officer = world.users["commune_officer"]
    client = _client(officer)
    roster = csv_bytes([
        ["Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ", "Số CCCD", "Địa chỉ"],
        # A name typed as "=…" is read as a formula row and skipped (issue 13), so the formula rides in
        # another cell of a row that the short citizen ID makes a problem row.
        ["TT-9", "Nguyễn Văn Ba", "1980", "Nam", "Chủ hộ", "123", ATTACK],
    ])
    response = client.post("/imports/", {"file": SimpleUploadedFile("ds.csv", roster)})
    assert response.status_code == 302, response.content[:500]
    batch = ImportBatch.objects.get(owner=officer)
    assert batch.problems, "the short citizen ID must make a problem row"
    for url in (f"/imports/{batch.uuid}/problems.xlsx", f"/api/v1/imports/{batch.uuid}/problems.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_xlsx_inert(response.content)


@pytest.mark.parametrize("name, carries", [
    ("report.xlsx", ATTACK), ("children.csv", ATTACK), ("teams.csv", ATTACK),
    ("indicators.csv", None), ("trend.csv", None),
])
def test_the_dashboard_downloads_keep_unit_and_team_names_inert(world, poisoned, name, carries):
    client = _client(world.users["commune_officer"])
    if name.endswith(".xlsx"):
        response = _dashboard_workbook(client, "09784")
        assert_xlsx_inert(response.content, carries=carries)
    else:
        response = client.get(f"/dashboards/09784/{name}")
        assert response.status_code == 200
        assert_csv_inert(response.content, carries=carries)


def _dashboard_workbook(client, code: str):
    """Return the dashboard's workbook as its users get it: the old link, the POST, the worker, the download."""
    from gocua.imports.models import ExportJob
    from gocua.reports import tasks

    offer = client.get(f"/dashboards/{code}/report.xlsx")  # the old link leads to the page that prepares it
    assert offer.status_code == 302 and client.get(offer["Location"]).status_code == 200
    queued = client.post(f"/reports/exports/dashboard/{code}/")
    job = ExportJob.objects.get(uuid=queued["Location"].split("/")[-2])
    assert tasks.dashboard_workbook.call(job.pk) == "done"  # what the worker does
    assert client.get(queued["Location"]).status_code == 200
    response = client.get(f"/reports/exports/{job.uuid}/report.xlsx")
    assert response.status_code == 200
    return response


def test_a_village_report_whose_own_name_is_a_formula_is_inert(world, poisoned):
    code = poisoned["village"].code
    assert_xlsx_inert(_dashboard_workbook(_client(world.users["commune_officer"]), code).content)


def test_the_ledger_statement_keeps_typed_texts_inert(world, poisoned):
    response = _client(world.users["commune_officer"]).get(f"/community/projects/{poisoned['project'].pk}/ledger.xlsx")
    assert response.status_code == 200
    assert_xlsx_inert(response.content)


def test_a_big_export_prepared_by_the_worker_keeps_every_formula_inert(world, poisoned):
    from gocua.imports import services as imports
    from gocua.imports.models import ExportJob

    officer = world.users["commune_officer"]
    job = imports.export_start(actor=officer, unit=f.unit("09784"), fmt="xlsx")
    imports.export_run(job=ExportJob.objects.get(pk=job.pk))  # what the worker's task does
    client = _client(officer)
    assert client.get(f"/imports/exports/{job.uuid}/").status_code == 200
    response = client.get(f"/imports/exports/{job.uuid}/download")
    assert response.status_code == 200
    assert_xlsx_inert(response.content)


def test_the_audit_log_export_keeps_a_typed_user_name_inert(world):
    from gocua.accounts.models import AuditEvent
    from gocua.accounts.services import audit_record

    audit_record(actor=None, action=AuditEvent.Action.LOGIN_FAILED, username=ATTACK, detail={"via": "web"})
    response = _client(world.users["national_admin"]).get("/accounts/audit/export.csv")
    assert response.status_code == 200
    assert_csv_inert(response.content)


def test_the_priority_groups_export_keeps_typed_names_and_sources_inert(world, poisoned):
    from gocua.households import priority

    officer = world.users["commune_officer"]
    priority.priority_setting_set(actor=officer, commune=f.unit("09784"), group="poor", enabled=True,
                                  lawful_basis="Quyết định 12/QĐ-UBND", decided_by="UBND xã",
                                  decided_on=dt.date(2026, 1, 15))
    victim = world.household.residents.get(full_name=ATTACKS[1].strip())
    priority.resident_set_priority(actor=officer, resident=victim, groups={"poor": ATTACK})
    response = _client(officer).get("/units/09784/priority-groups/export.csv")
    assert response.status_code == 200
    assert_csv_inert(response.content)
    assert "'" + ATTACKS[1].strip() in _csv_cells(response.content)


def test_the_periodic_report_workbook_keeps_a_section_cell_inert(world):
    from django.utils import timezone

    from gocua.imports.models import ExportJob
    from gocua.reports import tasks
    from gocua.reports.sections import Section, register, unregister

    client = _client(world.users["commune_officer"])
    register("inert_test", lambda unit, period: Section("inert_test", ATTACK, [ATTACK], [[ATTACK]]))
    try:
        month = timezone.localdate().strftime("%Y-%m")
        queued = client.post(f"/reports/09784/{month}/xlsx/")
        job = ExportJob.objects.get(kind=ExportJob.Kind.REPORT)
        assert tasks.report_workbook.call(job.pk) == "done"  # what the worker does
    finally:
        unregister("inert_test")
    assert queued.status_code == 302 and client.get(queued["Location"]).status_code == 200
    response = client.get(f"/reports/exports/{job.uuid}/report.xlsx")
    assert response.status_code == 200
    assert_xlsx_inert(response.content)


def test_the_registry_names_only_exports_tested_here():
    # Each registered export is exercised above; keep this list in step with the tests.
    tested = {
        "imports:export", "imports:template", "imports:problem_rows", "api:export_unit", "api:import_template",
        "api:import_problem_rows", "indicators:report_xlsx", "indicators:indicators_csv",
        "indicators:children_csv", "indicators:teams_csv", "indicators:trend_csv", "community:ledger_xlsx",
        "command:export_roster", "imports:export_job", "imports:export_download", "accounts:audit_export",
        "web:priority_export",
        "reports:report_xlsx", "reports:export_job", "reports:export_download", "reports:dashboard_xlsx",
    }
    assert set(cells.EXPORTS) == tested
