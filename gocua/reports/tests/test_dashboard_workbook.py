"""The dashboard's period XLSX prepared by the worker: posted from the dashboard, followed on its job page,
downloaded by its owner only, audited once when made; bad input is a 4xx that says why."""

import datetime as dt
import io
import uuid

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.imports import payload
from gocua.imports.models import ExportJob
from gocua.indicators import reports as dashboard_reports
from gocua.indicators.periods import period_of
from gocua.indicators.services import rollups_rebuild
from gocua.outreach.services.visits import visit_record
from gocua.reports import exports, services, tasks

pytestmark = pytest.mark.django_db

QUEUE = "/reports/exports/dashboard/09784/"


def _visit(world):
    leader = world.users["team_leader"]
    visit_record(actor=leader, uuid=uuid.uuid4(), household=world.household, visited_on=f.today(),
                 member_ids=[leader.member.pk],
                 residents=[{"resident_id": world.resident.pk, "present": True, "note": "", "outcomes": []}])


def _queued(client, **data) -> ExportJob:
    response = client.post(QUEUE, {"period": f.this_month().token, **data})
    assert response.status_code == 302, response.content[:300]
    job = ExportJob.objects.get(uuid=response["Location"].split("/")[-2])
    assert response["Location"] == f"/reports/exports/{job.uuid}/" and job.kind == ExportJob.Kind.DASHBOARD
    return job


def _figures(workbook_bytes: bytes) -> tuple[list, dict]:
    """Return the figures sheet's rows and its label → count pairs."""
    rows = [list(row) for row in load_workbook(io.BytesIO(workbook_bytes))["Figures"].iter_rows(values_only=True)]
    return rows, {row[0]: row[1] for row in rows if isinstance(row[0], str)}


def _exported() -> int:
    return AuditEvent.objects.filter(action="dashboard_exported").count()


def test_the_dashboard_posts_the_workbook_to_the_worker_and_its_owner_downloads_the_dashboards_figures(world):
    _visit(world)
    client = f.logged_in(world.users["commune_officer"])
    dashboard = client.get(f"/dashboards/09784/?period={f.this_month().token}").content.decode()
    assert f'action="{QUEUE}"' in dashboard and "csrfmiddlewaretoken" in dashboard
    assert "report.xlsx" not in dashboard  # no more in-request workbook

    job = _queued(client)
    assert job.state == ExportJob.State.QUEUED and job.period == f.this_month().token and job.params == {}
    assert job.unit.code == "09784" and job.owner == world.users["commune_officer"]
    waiting = DBTaskResult.objects.get(task_path="gocua.reports.tasks.dashboard_workbook")
    assert waiting.args_kwargs["args"] == [job.pk, "en"] and waiting.status == "READY"
    page = client.get(f"/reports/exports/{job.uuid}/").content.decode()
    assert "Dashboard workbook of Xã Đan Phượng" in page and "imports/progress.js" in page
    assert 'data-status-url="/reports/exports/' in page and "Back to the dashboard" in page
    assert client.get(f"/reports/exports/{job.uuid}/?format=json").json()["pending"] is True
    assert client.get(f"/reports/exports/{job.uuid}/report.xlsx").status_code == 409
    assert _exported() == 0

    assert tasks.dashboard_workbook.call(job.pk, "en") == "done"
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and bytes(job.content)[:2] != b"PK"  # kept encrypted
    assert payload.unpack_bytes(job.content)[:2] == b"PK"
    assert job.progress["done"] == job.progress["total"] == 2
    assert job.expires_at > timezone.now() + services.EXPORT_TTL - dt.timedelta(minutes=5)
    status = client.get(f"/reports/exports/{job.uuid}/?format=json").json()
    assert status["pending"] is False and status["work"] == "done"
    page = client.get(f"/reports/exports/{job.uuid}/").content.decode()
    assert f"/reports/exports/{job.uuid}/report.xlsx" in page and "data-status-url" not in page

    download = client.get(f"/reports/exports/{job.uuid}/report.xlsx")
    assert download.status_code == 200 and download["Content-Type"] == exports.XLSX_TYPE
    assert download["Content-Disposition"] == f'attachment; filename="gocua-09784-{f.this_month().token}-report.xlsx"'
    assert download["Cache-Control"] == "no-store"
    rows, figures = _figures(download.content)
    assert rows[1][0] == "Xã Đan Phượng (09784)"
    assert figures["Visits in the period"] == 1 and figures["Households registered"] == 1
    assert client.get(f"/reports/exports/{job.uuid}/report.xlsx").status_code == 200  # again: the same file
    assert _exported() == 1  # audited once, when prepared, however often it is downloaded
    event = AuditEvent.objects.get(action="dashboard_exported")
    assert event.actor == world.users["commune_officer"] and event.unit_code == "09784"
    assert event.detail == {"label": f"Xã Đan Phượng · {f.this_month().label}", "period": f.this_month().token, "format": "xlsx"}


def test_the_day_and_the_map_asked_on_the_dashboard_travel_with_the_job(world):
    client = f.logged_in(world.users["commune_officer"])
    yesterday = f.today() - dt.timedelta(days=1)
    rollups_rebuild(reference=yesterday)  # yesterday's snapshot, which a dashboard of that day reads
    rollups_rebuild(reference=f.today())
    dashboard = client.get(f"/dashboards/09784/?date={yesterday}&map=then").content.decode()
    assert f'name="date" value="{yesterday}"' in dashboard and 'name="map" value="then"' in dashboard
    period = period_of("month", yesterday)
    job = _queued(client, period=period.token, date=yesterday.isoformat(), map="then")
    assert job.period == period.token and job.params == {"date": yesterday.isoformat(), "map": "then"}
    assert "figures as of" in client.get(f"/reports/exports/{job.uuid}/").content.decode()
    # A second click with the same choices follows it; another day is another file.
    again = client.post(QUEUE, {"period": period.token, "date": yesterday.isoformat(), "map": "then"})
    assert again["Location"] == f"/reports/exports/{job.uuid}/"
    other = _queued(client)
    assert other.pk != job.pk and ExportJob.objects.filter(kind=ExportJob.Kind.DASHBOARD).count() == 2

    assert tasks.dashboard_workbook.call(job.pk, "en") == "done"
    assert tasks.dashboard_workbook.call(job.pk, "en") == "skipped"  # a second worker finds it taken
    rows, _figures_ = _figures(client.get(f"/reports/exports/{job.uuid}/report.xlsx").content)
    assert rows[3][0] == f"Figures as of {yesterday.isoformat()}"
    event = AuditEvent.objects.get(action="dashboard_exported")
    assert event.detail["date"] == yesterday.isoformat() and event.detail["map"] == "then"


def test_the_workbook_is_prepared_in_the_officers_language(world):
    client = f.logged_in(world.users["commune_officer"], language="vi")
    job = _queued(client)
    assert DBTaskResult.objects.get(task_path="gocua.reports.tasks.dashboard_workbook").args_kwargs["args"][1] == "vi"
    assert tasks.dashboard_workbook.call(job.pk, "vi") == "done"
    book = load_workbook(io.BytesIO(client.get(f"/reports/exports/{job.uuid}/report.xlsx").content))
    assert book.sheetnames[0] == "Số liệu"
    line = AuditEvent.objects.get(action="dashboard_exported")
    assert line.detail["label"].startswith("Xã Đan Phượng · tháng ")
    log = f.logged_in(world.users["national_admin"], language="vi").get("/accounts/audit/").content.decode()
    assert "đã tải tệp Excel bảng số liệu (Xã Đan Phượng · tháng " in log


def test_only_its_owner_sees_or_downloads_the_workbook(world):
    job = _queued(f.logged_in(world.users["commune_officer"]))
    tasks.dashboard_workbook.call(job.pk, "en")
    # The province officer sees the commune's dashboard, but the file is the commune officer's.
    for user in ("other_commune_officer", "province_officer", "national_admin", "team_leader"):
        client = f.logged_in(world.users[user])
        for url in (f"/reports/exports/{job.uuid}/", f"/reports/exports/{job.uuid}/?format=json",
                    f"/reports/exports/{job.uuid}/report.xlsx"):
            assert client.get(url).status_code == 404, (user, url)
    assert Client().get(f"/reports/exports/{job.uuid}/report.xlsx").status_code == 302  # to the log-in page
    assert _exported() == 1


def test_a_unit_outside_the_area_or_unknown_is_a_404_and_queues_nothing(world):
    outsider = f.logged_in(world.users["other_commune_officer"])
    response = outsider.post(QUEUE, {"period": f.this_month().token})
    assert response.status_code == 404 and "There is no unit with code" in response.content.decode()
    assert outsider.get(QUEUE).status_code == 404
    assert outsider.get("/dashboards/09784/report.xlsx").status_code == 404
    officer = f.logged_in(world.users["commune_officer"])
    assert officer.post("/reports/exports/dashboard/99999/", {"period": f.this_month().token}).status_code == 404
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("data, says", [
    ({"period": "2025-13"}, "is not a period"),
    ({"period": "fortnight"}, "is not a period"),
    ({"period": "month", "start": "2025-02-30"}, "is not a date"),
    ({"date": "31/07/2025"}, "is not a date"),
    ({"date": "1999-12-31"}, "is not a date"),
])
def test_bad_input_is_a_400_that_says_why_and_queues_nothing(world, data, says):
    client = f.logged_in(world.users["commune_officer"])
    for response in (client.post(QUEUE, data), client.get(QUEUE, data)):
        assert response.status_code == 400 and says in response.content.decode()
    assert not ExportJob.objects.exists()


def test_bad_input_is_told_in_vietnamese(world):
    client = f.logged_in(world.users["commune_officer"], language="vi")
    response = client.post(QUEUE, {"period": "2025-13"})
    assert response.status_code == 400 and "không phải là một kỳ" in response.content.decode()
    response = client.post("/reports/exports/dashboard/99999/", {"period": f.this_month().token})
    assert response.status_code == 404 and "Không có đơn vị nào mang mã" in response.content.decode()


def test_a_bogus_job_address_is_a_404(world):
    client = f.logged_in(world.users["commune_officer"])
    for url in (f"/reports/exports/{uuid.uuid4()}/", f"/reports/exports/{uuid.uuid4()}/report.xlsx",
                "/reports/exports/not-a-uuid/", "/reports/exports/not-a-uuid/report.xlsx"):
        assert client.get(url).status_code == 404, url
    assert client.get(QUEUE.replace("09784", "x" * 300)).status_code == 404
    assert client.put(QUEUE).status_code == 405


def test_the_old_download_link_leads_to_the_page_that_prepares_it(world):
    client = f.logged_in(world.users["commune_officer"])
    yesterday = f.today() - dt.timedelta(days=1)
    old = client.get(f"/dashboards/09784/report.xlsx?date={yesterday}&period=quarter&map=then")
    token = period_of("quarter", yesterday).token
    assert old.status_code == 302
    assert old["Location"] == f"{QUEUE}?period={token}&date={yesterday}&map=then"
    page = client.get(old["Location"]).content.decode()
    assert f'action="{QUEUE}"' in page and f'name="period" value="{token}"' in page
    assert f'name="date" value="{yesterday}"' in page and "csrfmiddlewaretoken" in page
    assert f"/dashboards/09784/?period={token}&amp;date={yesterday}&amp;map=then" in page  # back, same choices
    assert client.get("/dashboards/09784/report.xlsx?period=2025-13").status_code == 400
    # Once asked, the page links the workbook kept for the same choices.
    job = _queued(client, period=token, date=yesterday.isoformat(), map="then")
    assert f"/reports/exports/{job.uuid}/" in client.get(old["Location"]).content.decode()
    assert f"/reports/exports/{job.uuid}/" not in client.get(f"{QUEUE}?period={token}").content.decode()


def test_the_queue_is_a_post_with_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["commune_officer"])
    assert client.post(QUEUE, {"period": f.this_month().token}).status_code == 403
    assert not ExportJob.objects.exists()


def test_a_failed_workbook_says_why_and_keeps_nothing(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("Nguyễn Văn Trường")  # an exception text may quote data: never shown or kept

    monkeypatch.setattr(dashboard_reports, "workbook_bytes", broken)
    client = f.logged_in(world.users["commune_officer"], language="vi")
    job = _queued(client)
    assert tasks.dashboard_workbook.call(job.pk, "vi") == "failed"
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and job.error == {"code": "task_failed", "vi": "", "en": ""}
    assert bytes(job.content) == b"" and job.file_name == ""
    assert _exported() == 0
    page = client.get(f"/reports/exports/{job.uuid}/").content.decode()
    assert "Không chuẩn bị được tệp Excel; không có gì được lưu lại." in page
    assert "Công việc dừng bất ngờ; chưa ghi gì." in page
    assert "Trường" not in page and "Traceback" not in page and "RuntimeError" not in page
    assert client.get(f"/reports/exports/{job.uuid}/report.xlsx").status_code == 409
    client.post(QUEUE, {"period": f.this_month().token})  # asking again queues a new workbook
    assert ExportJob.objects.filter(kind=ExportJob.Kind.DASHBOARD, state=ExportJob.State.QUEUED).count() == 1


def test_a_failed_audit_keeps_no_file_either(world, monkeypatch):
    from gocua.reports import services as report_services

    def refused(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(report_services, "audit_record", refused)
    job = _queued(f.logged_in(world.users["commune_officer"]))
    assert tasks.dashboard_workbook.call(job.pk, "en") == "failed"
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and bytes(job.content) == b"" and job.file_name == ""


def test_an_officer_moved_out_of_the_area_before_the_worker_ran_is_told_so(world):
    officer = world.users["commune_officer"]
    job = _queued(f.logged_in(officer))
    officer.scope_unit = f.unit("19774")
    officer.save()
    assert tasks.dashboard_workbook.call(job.pk, "vi") == "failed"
    job.refresh_from_db()
    assert job.error["code"] == "not_found" and "ngoài địa bàn" in job.error["vi"]
    assert "outside your area" in job.error["en"] and bytes(job.content) == b""
    assert _exported() == 0


def test_an_expired_workbook_is_not_downloaded_and_the_page_says_so(world):
    client = f.logged_in(world.users["commune_officer"])
    job = _queued(client)
    tasks.dashboard_workbook.call(job.pk, "en")
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"/reports/exports/{job.uuid}/report.xlsx").status_code == 404
    assert "prepare it again from the dashboard" in client.get(f"/reports/exports/{job.uuid}/").content.decode()
    _queued(client)  # queuing a new one deletes the expired files
    assert not ExportJob.objects.filter(pk=job.pk).exists()


def test_the_roster_and_report_tasks_do_not_take_a_dashboard_job(world):
    client = f.logged_in(world.users["commune_officer"])
    job = _queued(client)
    assert tasks.report_workbook.call(job.pk, "en") == "skipped"
    tasks.dashboard_workbook.call(job.pk, "en")
    assert client.get(f"/imports/exports/{job.uuid}/").status_code == 404
    assert client.get(f"/imports/exports/{job.uuid}/download").status_code == 404
