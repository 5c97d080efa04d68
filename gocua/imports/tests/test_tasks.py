"""Big files in the background: previews, imports and exports run by the django-tasks worker."""

import json
import subprocess
import sys

import pytest
from cryptography.fernet import InvalidToken

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.households.models import Household, Resident
from gocua.imports import payload, services, stored, tasks
from gocua.imports.models import ExportJob, ImportBatch
from gocua.imports.tests.helpers import person, roster

pytestmark = pytest.mark.django_db
THAP_THUONG = "Thôn Tháp Thượng, Xã Đan Phượng, Thành phố Hà Nội"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def family() -> bytes:
    return roster(
        person("TT-005", "Hoàng Văn Nam", 1975, address=THAP_THUONG),
        person("TT-005", "Vũ Thị Lan", 1978, gender="Nữ", relation="Vợ", address=THAP_THUONG),
        person("TT-006", "Đặng Văn Sơn", 1960, address=THAP_THUONG),
    )


def test_a_file_above_the_background_size_is_queued_and_the_worker_previews_it(world, officer, settings):
    settings.GOCUA_IMPORT_BACKGROUND_ROWS = 2
    batch = services.import_start(actor=officer, commune=f.unit("09784"), filename="roster.xlsx", data=family())
    batch.refresh_from_db()
    assert batch.work == ImportBatch.Work.PREVIEW_QUEUED and batch.task_id and not batch.summary
    assert batch.progress["total"] == 3
    assert tasks.preview_batch.call(batch.pk) == "done"
    batch.refresh_from_db()
    assert batch.work == "" and batch.summary["valid_rows"] == 3 and batch.plan
    assert batch.progress["done"] == 3 and batch.progress["started"] > 0


def test_a_big_import_is_written_by_the_worker_from_the_stored_plan(world, officer, settings):
    settings.GOCUA_IMPORT_BACKGROUND_ROWS = 2
    settings.TASKS = IMMEDIATE
    batch = services.import_start(actor=officer, commune=f.unit("09784"), filename="roster.xlsx", data=family())
    batch.refresh_from_db()
    assert batch.summary["valid_rows"] == 3  # the immediate backend ran the preview task at once
    services.import_confirm(actor=officer, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED and batch.work == ""
    assert batch.result["residents_created"] == 3 and batch.result["replanned"] == ""
    assert batch.progress["step"] == "writing"


def test_a_failed_task_says_why_and_writes_nothing(world, officer, settings):
    settings.GOCUA_IMPORT_BACKGROUND_ROWS = 2
    batch = services.import_start(actor=officer, commune=f.unit("09784"), filename="roster.xlsx", data=family(),
                                  background=False)
    services.import_confirm(actor=officer, batch=batch)
    batch.refresh_from_db()
    assert batch.work == ImportBatch.Work.IMPORT_QUEUED
    officer.scope_unit = f.unit("19774")  # moved to another province before the worker ran
    officer.save()
    assert tasks.import_batch.call(batch.pk) == "failed"
    batch.refresh_from_db()
    assert batch.work == ImportBatch.Work.FAILED and batch.status == ImportBatch.Status.PREVIEW
    assert batch.error["code"] == "forbidden" and "outside your area" in batch.error["en"]
    assert not Household.objects.filter(household_key__in=["TT-005", "TT-006"]).exists()


def test_a_big_export_is_prepared_by_the_worker_audited_and_kept_encrypted(world, officer, settings):
    settings.GOCUA_IMPORT_BACKGROUND_ROWS = 0
    job = services.export_start(actor=officer, unit=f.unit("09784"), fmt="csv")
    assert job.state == ExportJob.State.QUEUED
    assert tasks.export_file.call(job.pk) == "done"
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and b"Tr\xc6\xb0\xe1\xbb\x9dng" not in bytes(job.content)
    out = services.export_download(actor=officer, job=job)
    assert "Nguyễn Văn Trường" in out.content.decode("utf-8-sig")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, actor=officer).count() == 1
    with pytest.raises(services.NotFound):
        services.export_download(actor=world.users["other_commune_officer"], job=job)


# --- the real worker, in its own process, on a database file of its own -------------------------

SETUP = """
from gocua import testing as f
from gocua.accounts.models import Role
from gocua.imports import services
from gocua.imports.tests.helpers import person, roster
f.make_village("09784", "Thôn Tháp Thượng")
officer = f.make_user(Role.COMMUNE_OFFICER, "09784", username="officer")
address = "Thôn Tháp Thượng, Xã Đan Phượng, Thành phố Hà Nội"
data = roster(person("TT-005", "Hoàng Văn Nam", 1975, address=address),
              person("TT-006", "Đặng Văn Sơn", 1960, address=address))
batch = services.import_start(actor=officer, commune=f.unit("09784"), filename="r.xlsx", data=data, background=True)
print(batch.uuid)
"""
CONFIRM = """
from gocua.accounts.models import User
from gocua.imports import services
from gocua.imports.models import ImportBatch
batch = ImportBatch.objects.get(uuid="{uuid}")
print(batch.work or "ready", batch.summary["valid_rows"])
services.import_confirm(actor=User.objects.get(username="officer"), batch=batch, background=True)
"""
RESULT = """
import json
from gocua.households.models import Resident
from gocua.imports.models import ImportBatch
batch = ImportBatch.objects.get(uuid="{uuid}")
print(json.dumps({{"status": batch.status, "work": batch.work, "result": batch.result,
                  "residents": Resident.objects.filter(commune_code="09784").count()}}))
"""


def _ok(env, *args) -> str:
    result = f.run_gocua(env, *args)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _state(env, uuid: str) -> dict:
    return json.loads(_ok(env, "shell", "-c", RESULT.format(uuid=uuid)).strip().splitlines()[-1])


def _worker(env) -> None:
    """Run the real `db_worker` for one task in a child process, as `python3 dev.py up` runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "gocua.manage", "db_worker", "--max-tasks", "1", "--no-startup-delay",
         "--interval", "0.2", "--no-reload"],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_tasks_wait_in_the_database_and_a_restarted_worker_runs_them(tmp_path):
    env = f.process_env(tmp_path / "data")
    _ok(env, "migrate", "-v", "0")
    _ok(env, "load_units")
    uuid = _ok(env, "shell", "-c", SETUP).strip().splitlines()[-1]
    # No worker yet: the preview waits in the database.
    assert _state(env, uuid)["work"] == "preview_queued"
    _worker(env)  # one worker process previews, then exits
    assert _ok(env, "shell", "-c", CONFIRM.format(uuid=uuid)).split()[-2:] == ["ready", "2"]
    _worker(env)  # a new worker process (the old one is gone) writes the import
    state = _state(env, uuid)
    assert (state["status"], state["work"], state["residents"]) == ("imported", "", 2)
    assert state["result"]["residents_created"] == 2 and state["result"]["replanned"] == ""


def test_the_stored_plan_is_readable_only_with_the_server_key(world, officer, settings):
    batch = services.import_start(actor=officer, commune=f.unit("09784"), filename="roster.xlsx", data=family(),
                                  background=False)
    plan = stored.load(payload.unseal(batch.plan))
    assert {r.row.full_name for h in plan.households for r in h.residents} >= {"Hoàng Văn Nam", "Vũ Thị Lan"}
    settings.PII_KEY = "another-key"
    payload._fernet.cache_clear()
    with pytest.raises(InvalidToken):
        payload.unseal(batch.plan)
    payload._fernet.cache_clear()
    assert Resident.objects.filter(full_name="Hoàng Văn Nam").count() == 0  # a preview writes nothing


def test_choices_on_a_big_file_are_applied_by_the_worker(world, officer, settings):
    data = roster(person("TD-1", "Phạm Văn Hùng", 1970, address="Thôn Tháp Đoài, Xã Đan Phượng, Thành phố Hà Nội"))
    batch = services.import_start(actor=officer, commune=f.unit("09784"), filename="roster.xlsx", data=data,
                                  background=False)
    key = batch.summary["proposals"][0]["key"]
    settings.GOCUA_IMPORT_BACKGROUND_ROWS = 0
    services.import_choose(actor=officer, batch=batch, choices={"villages": {key: "skip"}})
    batch.refresh_from_db()
    assert batch.work == ImportBatch.Work.PREVIEW_QUEUED and batch.choices["villages"] == {key: "skip"}
    tasks.preview_batch.call(batch.pk)
    batch.refresh_from_db()
    assert batch.summary["proposals"][0]["choice"] == "skip" and batch.summary["valid_rows"] == 0
