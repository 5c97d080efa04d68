"""The periodic report: content, registry sections, the workflow, the frozen snapshot and the XLSX form."""

import io
import uuid

import pytest

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.errors import Conflict, DomainError, Forbidden
from gocua.indicators.periods import period_of
from gocua.outreach.services.visits import visit_record
from gocua.reports import sections, services
from gocua.reports.models import UnitReport
from gocua.reports.sections import Section

pytestmark = pytest.mark.django_db



def _visit(world, household=None):
    leader = world.users["team_leader"]
    visit_record(actor=leader, uuid=uuid.uuid4(), household=household or world.household, visited_on=f.today(),
                 member_ids=[leader.member.pk],
                 residents=[{"resident_id": world.resident.pk, "present": True, "note": "", "outcomes": []}])


@pytest.fixture
def alerts_section():
    def provider(unit, period):
        if unit.code == "19774":
            return None
        return Section("test_alerts", "Cảnh báo lừa đảo", ["Loại", "Số cảnh báo", "Tỷ lệ"],
                       [["Giả danh công an", 3, 42.5], ["=HYPERLINK(\"x\")", 1, None]], percent_columns=[2])

    sections.register("test_alerts", provider)
    yield
    sections.unregister("test_alerts")


def test_submit_return_resubmit_accept_and_the_accepted_figures_stay_after_a_later_visit(world, alerts_section):
    commune, officer, province = f.unit("09784"), world.users["commune_officer"], world.users["province_officer"]
    _visit(world)
    sent = services.report_submit(actor=officer, unit=commune, period=f.this_month(), number="15/BC-UBND")
    assert sent.status == "submitted" and sent.content["activity"]["visits"] == 1
    assert [s["key"] for s in sent.content["sections"]] == ["test_alerts"]
    with pytest.raises(Conflict):  # waiting for review: not again
        services.report_submit(actor=officer, unit=commune, period=f.this_month())
    with pytest.raises(DomainError) as caught:
        services.report_return(actor=province, unit=commune, period=f.this_month(), comment="   ")
    assert caught.value.code == "report_comment"
    services.report_return(actor=province, unit=commune, period=f.this_month(), comment="Thiếu số liệu thôn Tháp Hạ")
    _visit(world)
    again = services.report_submit(actor=officer, unit=commune, period=f.this_month(), number="16/BC-UBND")
    assert (again.times_submitted, again.content["activity"]["visits"]) == (2, 2)
    accepted = services.report_accept(actor=province, unit=commune, period=f.this_month())
    assert accepted.status == "accepted"
    _visit(world)  # a later visit changes the live figures, not the accepted report
    with pytest.raises(Conflict):
        services.report_submit(actor=officer, unit=commune, period=f.this_month())
    with pytest.raises(Conflict):
        services.report_return(actor=province, unit=commune, period=f.this_month(), comment="muộn")
    client = f.logged_in(province)
    page = client.get(f"/reports/09784/{f.this_month().token}/").content.decode()
    stored = UnitReport.objects.get(pk=accepted.pk)
    assert stored.content["activity"]["visits"] == 2 and "16/BC-UBND" in page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page and "Độc lập - Tự do - Hạnh phúc" in page
    assert [h["action"] for h in stored.history] == ["submitted", "returned", "submitted", "accepted"]
    actions = list(AuditEvent.objects.filter(action__startswith="report_").order_by("pk").values_list("action", flat=True))
    assert actions == ["report_submitted", "report_returned", "report_submitted", "report_accepted"]


def test_the_supervisor_sees_who_has_sent_and_who_has_not(world):
    services.report_submit(actor=world.users["commune_officer"], unit=f.unit("09784"), period=f.this_month())
    html = f.logged_in(world.users["province_officer"]).get(f"/reports/01/?period={f.this_month().token}").content.decode()
    assert 'data-code="09784" data-status="submitted"' in html
    assert 'data-code="00004" data-status="missing"' in html


def test_only_the_unit_sends_and_only_the_level_above_reviews(world):
    commune = f.unit("09784")
    with pytest.raises(Forbidden):
        services.report_submit(actor=world.users["other_commune_officer"], unit=commune, period=f.this_month())
    with pytest.raises(Forbidden):
        services.report_submit(actor=world.users["team_leader"], unit=commune, period=f.this_month())
    services.report_submit(actor=world.users["commune_officer"], unit=commune, period=f.this_month())
    with pytest.raises(Forbidden):  # the commune officer cannot accept their own
        services.report_accept(actor=world.users["commune_officer"], unit=commune, period=f.this_month())
    with pytest.raises(DomainError) as caught:
        services.report_submit(actor=world.users["commune_officer"], unit=f.unit("09784"),
                               period=period_of("month", f.today().replace(year=f.today().year + 1)))
    assert caught.value.code == "report_not_started"
    other = f.logged_in(world.users["other_commune_officer"])
    assert other.get(f"/reports/09784/{f.this_month().token}/").status_code == 404
    assert other.post(f"/reports/09784/{f.this_month().token}/accept/").status_code == 404
    officer = f.logged_in(world.users["commune_officer"])
    assert officer.post(f"/reports/09784/{f.this_month().token}/accept/").status_code == 403
    assert officer.get("/reports/09784/2026-13/").status_code == 400
    assert officer.post(f"/reports/09784/{f.this_month().token}/submit/", {"number": "x" * 41}).status_code in (400, 409)


def test_the_monthly_xlsx_opens_as_an_a4_form_with_print_titles_dates_and_percent_formats(world, alerts_section,
                                                                                          settings):
    from openpyxl import load_workbook

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    f.make_target("01", "smartphone", 85, year=f.today().year)
    client = f.logged_in(world.users["commune_officer"])
    job_page = client.post(f"/reports/09784/{f.this_month().token}/xlsx/", follow=True)  # the worker runs it at once here
    assert job_page.status_code == 200 and "Download the file" in job_page.content.decode()
    response = client.get(f"{job_page.redirect_chain[-1][0]}report.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 == "9" and sheet.page_setup.orientation == "portrait"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True and sheet.page_setup.fitToWidth == 1
    header_row = int(sheet.freeze_panes[1:]) - 1
    assert sheet.print_title_rows == f"${header_row}:${header_row}"
    values = {c.value: c for row in sheet.iter_rows() for c in row if c.value is not None}
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in values and "Độc lập - Tự do - Hạnh phúc" in values
    dates = [c for c in values.values() if c.is_date]
    assert dates and all(c.number_format == "dd/mm/yyyy" for c in dates)
    target = next(row for row in sheet.iter_rows() if "01/KH-TEST" in str(row[5].value))
    assert target[4].value == pytest.approx(0.85) and target[4].number_format == "0.0%"
    assert target[3].number_format == "0.0%"
    share = next(row for row in sheet.iter_rows() if row[0].value == "Giả danh công an")
    assert share[2].value == pytest.approx(0.425) and share[2].number_format == "0.0%"
    formula = next(row for row in sheet.iter_rows() if str(row[0].value).endswith('HYPERLINK("x")'))
    assert formula[0].data_type == "s"
    assert sheet.column_dimensions["A"].width >= 30
    assert AuditEvent.objects.filter(action="report_exported", unit_code="09784").exists()


def test_a_failing_section_provider_does_not_take_the_report_down(world):
    def broken(unit, period):
        raise RuntimeError("half-built app")

    sections.register("broken", broken)
    try:
        report = services.report_submit(actor=world.users["commune_officer"], unit=f.unit("09784"), period=f.this_month())
    finally:
        sections.unregister("broken")
    assert report.content["sections"][0]["key"] == "broken" and report.content["sections"][0]["note"]


def test_a_province_sends_its_report_with_its_communes_and_the_national_admin_accepts_it(world):
    province, officer = f.unit("01"), world.users["province_officer"]
    client = f.logged_in(officer)
    page = client.get(f"/reports/01/{f.this_month().token}/")
    assert page.status_code == 200 and "Xã Đan Phượng" in page.content.decode()
    assert client.post(f"/reports/01/{f.this_month().token}/submit/", {"number": "7/BC-UBND"}).status_code == 302
    admin = f.logged_in(world.users["national_admin"])
    assert 'data-code="01" data-status="submitted"' in admin.get(f"/reports/VN/?period={f.this_month().token}").content.decode()
    assert admin.post(f"/reports/01/{f.this_month().token}/accept/").status_code == 302
    assert UnitReport.objects.get(unit_code="01").status == "accepted"
    with pytest.raises(Forbidden):  # the province officer does not review the province's own report
        services.report_accept(actor=officer, unit=province, period=f.this_month())
    assert client.post(f"/reports/09784/{f.this_month().token}/return/", {"comment": ""}).status_code == 400
    assert client.post(f"/reports/09784/{f.this_month().token}/return/", {"comment": "Sửa số liệu"}).status_code == 409
