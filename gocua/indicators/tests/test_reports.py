import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from openpyxl import load_workbook

from gocua import testing as f
from gocua.indicators.reports import vietnamese_date_line
from gocua.indicators.services import rollups_rebuild
from gocua.indicators.tests.conftest import client_for
from gocua.indicators.tests.test_views import cards

pytestmark = pytest.mark.django_db


def sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def table_after(rows: list[list], header: str) -> tuple[list, list[list]]:
    """Return (header row, data rows) of the table whose first header cell is `header`."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == header)
    body = []
    for row in rows[start + 1:]:
        if not any(cell is not None for cell in row):
            break
        body.append(row)
    return rows[start], body


def workbook_of(client, code: str = "09784", **asked):
    """Queue the dashboard's workbook as its button does, run the worker's task and download the file."""
    from gocua.imports.models import ExportJob
    from gocua.reports import tasks

    queued = client.post(f"/reports/exports/dashboard/{code}/", asked)
    assert queued.status_code == 302, queued.content[:300]
    job = ExportJob.objects.get(uuid=queued["Location"].split("/")[-2])
    assert tasks.dashboard_workbook.call(job.pk, "en") == "done"
    return client.get(f"/reports/exports/{job.uuid}/report.xlsx")


def test_the_workbook_opens_and_its_numbers_equal_the_dashboards(data, officer):
    page = cards(officer.get("/dashboards/09784/").content.decode())
    response = workbook_of(officer)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="gocua-09784-')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Figures" and "Units below" in book.sheetnames
    rows = sheet_rows(book["Figures"])
    assert rows[1][0] == "Xã Đan Phượng (09784)"
    _header, indicators = table_after(rows, "Indicator")
    by_label = {row[0]: row for row in indicators}
    smartphone = by_label["Has a smartphone"]
    assert (smartphone[1], smartphone[3], smartphone[5]) == (
        int(page["smartphone"]["yes"]), int(page["smartphone"]["denominator"]), float(page["smartphone"]["percent"])
    )
    assert smartphone[6] == float(page["smartphone"]["unknown-percent"]) == 25.0
    assert smartphone[8] == 80
    _header, figures = table_after(rows, "Figure")
    assert figures[1][1:4] == [1, 3, 33.3]  # households covered: count, out of, %
    children = sheet_rows(book["Units below"])
    assert [row[0] for row in children[1:]] == [data.world.village2.code, data.world.village.code]
    assert children[2][2] == 2 and children[2][4] == 50.0


def test_a_finished_period_is_reported_as_it_stood_at_its_end(data, officer):
    last_month_end = f.today().replace(day=1) - dt.timedelta(days=1)
    if last_month_end < dt.date(2025, 7, 1):
        pytest.skip("needs a month after the 2025 reform")
    rollups_rebuild(reference=last_month_end)  # the snapshot of that day: 5 residents in the commune
    rollups_rebuild(reference=f.today())
    f.make_resident(data.household3, full_name="Mới Đến", birth_year=1999)
    book = load_workbook(io.BytesIO(workbook_of(officer, period=f"{last_month_end:%Y-%m}").content))
    rows = sheet_rows(book["Figures"])
    assert last_month_end.isoformat() in rows[3][0]
    _header, figures = table_after(rows, "Figure")
    assert figures[2][1] == 5  # residents then, not the 6 of today


def test_the_a4_page_carries_the_national_motto_place_date_and_signature(data, officer):
    html = officer.get("/dashboards/09784/report/?period=month").content.decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "Độc lập - Tự do - Hạnh phúc" in html
    assert f"Đan Phượng, ngày {f.today().day:02d} tháng" in html
    assert "XÃ ĐAN PHƯỢNG" in html and "THÀNH PHỐ HÀ NỘI" in html
    assert "/static/indicators/report_a4.css" in html  # a file, not a <style> block (the CSP refuses those)
    assert "@page{size:A4" in Path(finders.find("indicators/report_a4.css")).read_text(encoding="utf-8")
    assert "(Signature and full name)" in html
    assert "Has a smartphone" in html and "50.0%" in html


def test_the_a4_page_of_a_date_before_the_unit_existed_says_so(data, officer):
    html = officer.get("/dashboards/09784/report/?date=2024-01-01").content.decode()
    assert "did not exist yet" in html and "Độc lập - Tự do - Hạnh phúc" in html


def test_the_children_csv_parses_and_matches_the_table(data, officer):
    response = officer.get("/dashboards/09784/children.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Code", "Name", "Households", "Covered", "Covered (%)"]
    assert [(r[0], r[1], r[2], r[4]) for r in rows[1:]] == [
        (data.world.village2.code, "Thôn Tháp Hạ", "1", "0.0"),
        (data.world.village.code, "Thôn Tháp Thượng", "2", "50.0"),
    ]


@pytest.mark.parametrize("table", ["indicators", "teams", "trend"])
def test_every_table_downloads_as_csv(data, officer, table):
    rows = list(csv.reader(io.StringIO(officer.get(f"/dashboards/09784/{table}.csv").content.decode("utf-8-sig"))))
    assert len(rows) >= 2 and len(rows[0]) == len(rows[1])


def test_reports_stay_inside_the_scope(world):
    client = client_for(world.users["commune_officer"])
    for url in ("/dashboards/19774/report.xlsx", "/dashboards/01/report/", "/dashboards/VN/children.csv"):
        assert client.get(url).status_code == 404
    assert client.post("/reports/exports/dashboard/19774/").status_code == 404


def test_a_bad_period_is_a_400_for_downloads_too(world, officer):
    assert officer.get("/dashboards/09784/report.xlsx?period=2025-13").status_code == 400
    assert officer.get("/dashboards/09784/children.csv?period=2025-13").status_code == 400
    assert officer.post("/reports/exports/dashboard/09784/", {"period": "2025-13"}).status_code == 400


def test_the_old_workbook_link_leads_to_the_background_job(world, officer):
    response = officer.get("/dashboards/09784/report.xlsx?period=2025-Q3")
    assert response.status_code == 302
    assert response["Location"] == "/reports/exports/dashboard/09784/?period=2025-Q3"


def test_the_date_line_follows_the_official_form():
    assert vietnamese_date_line("Đan Phượng", dt.date(2025, 2, 5)) == "Đan Phượng, ngày 05 tháng 02 năm 2025"
    assert vietnamese_date_line("Huế", dt.date(2025, 11, 12)) == "Huế, ngày 12 tháng 11 năm 2025"
