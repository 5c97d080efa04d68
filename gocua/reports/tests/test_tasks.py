"""The report's XLSX prepared by the worker: queued from the page, followed on its job page, downloaded by its owner."""

import datetime as dt
import io
import uuid

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.imports import payload
from gocua.imports.models import ExportJob
from gocua.outreach.services.visits import visit_record
from gocua.reports import content, exports, services, tasks

pytestmark = pytest.mark.django_db



def _visit(world):
    leader = world.users["team_leader"]
    visit_record(actor=leader, uuid=uuid.uuid4(), household=world.household, visited_on=f.today(),
                 member_ids=[leader.member.pk],
                 residents=[{"resident_id": world.resident.pk, "present": True, "note": "", "outcomes": []}])


def _queued(client) -> ExportJob:
    response = client.post(f"/reports/09784/{f.this_month().token}/xlsx/")
    job = ExportJob.objects.get(kind=ExportJob.Kind.REPORT)
    assert response.status_code == 302 and response["Location"] == f"/reports/exports/{job.uuid}/"
    return job


def _figures(workbook_bytes: bytes) -> dict:
    sheet = load_workbook(io.BytesIO(workbook_bytes)).active
    return {row[0].value: row[1].value for row in sheet.iter_rows() if isinstance(row[0].value, str)}


def _exported() -> int:
    return AuditEvent.objects.filter(action="report_exported", unit_code="09784").count()


def test_the_xlsx_is_queued_run_by_the_worker_and_downloaded_by_its_owner_with_the_reports_figures(world):
    _visit(world)
    client = f.logged_in(world.users["commune_officer"])
    job = _queued(client)
    assert job.state == ExportJob.State.QUEUED and job.period == f.this_month().token and job.unit.code == "09784"
    waiting = DBTaskResult.objects.get(task_path="gocua.reports.tasks.report_workbook")  # waits for the worker
    assert waiting.args_kwargs["args"] == [job.pk, "en"] and waiting.status == "READY"
    page = client.get(f"/reports/exports/{job.uuid}/").content.decode()
    assert 'data-status-url="/reports/exports/' in page and "imports/progress.js" in page and "parts" in page
    assert client.get(f"/reports/exports/{job.uuid}/?format=json").json()["pending"] is True
    assert client.get(f"/reports/exports/{job.uuid}/report.xlsx").status_code == 409
    assert _exported() == 0
    # The page links the job while it waits, so an officer who left finds it from the report.
    assert f"/reports/exports/{job.uuid}/" in client.get(f"/reports/09784/{f.this_month().token}/").content.decode()

    assert tasks.report_workbook.call(job.pk, "en") == "done"
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and bytes(job.content)[:2] != b"PK"  # kept encrypted
    assert payload.unpack_bytes(job.content)[:2] == b"PK"
    assert job.progress["done"] == job.progress["total"] == content.parts() + 1
    assert job.expires_at > timezone.now() + services.EXPORT_TTL - dt.timedelta(minutes=5)
    status = client.get(f"/reports/exports/{job.uuid}/?format=json").json()
    assert status["pending"] is False and status["work"] == "done"
    page = client.get(f"/reports/exports/{job.uuid}/").content.decode()
    assert f"/reports/exports/{job.uuid}/report.xlsx" in page and "data-status-url" not in page

    download = client.get(f"/reports/exports/{job.uuid}/report.xlsx")
    assert download.status_code == 200 and download["Content-Type"] == exports.XLSX_TYPE
    assert download["Content-Disposition"] == f'attachment; filename="bao-cao-09784-{f.this_month().token}.xlsx"'
    assert download["Cache-Control"] == "no-store"
    figures = _figures(download.content)
    assert (figures["Visits"], figures["Households visited"]) == (1, 1)
    assert client.get(f"/reports/exports/{job.uuid}/report.xlsx").status_code == 200  # again: same file
    assert _exported() == 1  # audited once, when prepared, however often it is downloaded
    event = AuditEvent.objects.get(action="report_exported")
    assert event.actor == world.users["commune_officer"] and event.detail["period"] == f.this_month().token


def test_a_sent_report_is_prepared_as_sent(world):
    officer = world.users["commune_officer"]
    services.report_submit(actor=officer, unit=f.unit("09784"), period=f.this_month(), number="15/BC-UBND")
    _visit(world)  # after sending: the workbook shows the report as sent
    client = f.logged_in(officer)
    job = _queued(client)
    assert tasks.report_workbook.call(job.pk, "en") == "done"
    figures = _figures(client.get(f"/reports/exports/{job.uuid}/report.xlsx").content)
    assert figures["Visits"] == 0 and "Số: 15/BC-UBND/BC" in figures


def test_another_user_gets_a_404_on_the_job_page_its_status_and_the_download(world):
    job = _queued(f.logged_in(world.users["commune_officer"]))
    tasks.report_workbook.call(job.pk, "en")
    # The province officer sees the commune's report, but the file is the commune officer's.
    for user in ("other_commune_officer", "province_officer", "team_leader"):
        client = f.logged_in(world.users[user])
        for url in (f"/reports/exports/{job.uuid}/", f"/reports/exports/{job.uuid}/?format=json",
                    f"/reports/exports/{job.uuid}/report.xlsx"):
            assert client.get(url).status_code == 404, (user, url)
    assert f.logged_in(world.users["other_commune_officer"]).post(f"/reports/09784/{f.this_month().token}/xlsx/").status_code == 404
    assert f.logged_in(world.users["commune_officer"]).get(f"/reports/exports/{uuid.uuid4()}/").status_code == 404
    assert _exported() == 1


def test_the_roster_export_pages_do_not_serve_a_report_workbook(world):
    client = f.logged_in(world.users["commune_officer"])
    job = _queued(client)
    tasks.report_workbook.call(job.pk, "en")
    assert client.get(f"/imports/exports/{job.uuid}/").status_code == 404
    assert client.get(f"/imports/exports/{job.uuid}/download").status_code == 404


def test_a_failed_workbook_says_why_in_vietnamese_and_keeps_nothing(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("Nguyễn Văn Trường")  # an exception text may quote data: never shown or kept

    monkeypatch.setattr(exports, "xlsx_bytes", broken)
    client = f.logged_in(world.users["commune_officer"], language="vi")
    job = _queued(client)
    assert tasks.report_workbook.call(job.pk, "vi") == "failed"
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and job.error == {"code": "task_failed", "vi": "", "en": ""}
    assert bytes(job.content) == b"" and job.file_name == ""
    assert _exported() == 0
    page = client.get(f"/reports/exports/{job.uuid}/").content.decode()
    assert "Không chuẩn bị được tệp Excel; không có gì được lưu lại." in page
    assert "Công việc dừng bất ngờ; chưa ghi gì." in page
    assert "Trường" not in page and "Traceback" not in page and "RuntimeError" not in page
    english = f.logged_in(world.users["commune_officer"]).get(f"/reports/exports/{job.uuid}/").content.decode()
    assert "The workbook could not be prepared, and nothing was kept." in english
    status = client.get(f"/reports/exports/{job.uuid}/?format=json").json()
    assert status["failed"] is True and status["pending"] is False
    assert client.get(f"/reports/exports/{job.uuid}/report.xlsx").status_code == 409
    # Asking again queues a new workbook (the failed one is not waiting).
    client.post(f"/reports/09784/{f.this_month().token}/xlsx/")
    assert ExportJob.objects.filter(kind=ExportJob.Kind.REPORT, state=ExportJob.State.QUEUED).count() == 1


def test_an_officer_moved_out_of_the_area_before_the_worker_ran_is_told_so(world):
    officer = world.users["commune_officer"]
    job = _queued(f.logged_in(officer))
    officer.scope_unit = f.unit("19774")
    officer.save()
    assert tasks.report_workbook.call(job.pk, "vi") == "failed"
    job.refresh_from_db()
    assert job.error["code"] == "not_found" and "ngoài địa bàn" in job.error["vi"]
    assert "outside your area" in job.error["en"] and bytes(job.content) == b""
    assert _exported() == 0


def test_a_second_click_follows_the_workbook_already_waiting(world):
    client = f.logged_in(world.users["commune_officer"])
    first = _queued(client)
    again = client.post(f"/reports/09784/{f.this_month().token}/xlsx/")
    assert again["Location"] == f"/reports/exports/{first.uuid}/"
    assert ExportJob.objects.filter(kind=ExportJob.Kind.REPORT).count() == 1
    assert tasks.report_workbook.call(first.pk, "en") == "done"
    assert tasks.report_workbook.call(first.pk, "en") == "skipped"  # a second worker finds it taken


def test_an_expired_workbook_is_not_downloaded_and_the_page_says_so(world):
    client = f.logged_in(world.users["commune_officer"])
    job = _queued(client)
    tasks.report_workbook.call(job.pk, "en")
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"/reports/exports/{job.uuid}/report.xlsx").status_code == 404
    assert "prepare it again from the report" in client.get(f"/reports/exports/{job.uuid}/").content.decode()
    client.post(f"/reports/09784/{f.this_month().token}/xlsx/")  # queuing a new one deletes the expired files
    assert not ExportJob.objects.filter(pk=job.pk).exists()


def test_the_download_is_a_post_with_the_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["commune_officer"])
    assert client.post(f"/reports/09784/{f.this_month().token}/xlsx/").status_code == 403
    assert client.get(f"/reports/09784/{f.this_month().token}/xlsx/").status_code == 405
    page = client.get(f"/reports/09784/{f.this_month().token}/").content.decode()
    assert f'action="{f"/reports/09784/{f.this_month().token}/xlsx/"}"' in page and "csrfmiddlewaretoken" in page
