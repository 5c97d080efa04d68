"""A scheduled change applied by the real task worker (`gocua db_worker`) in a child process."""

import pytest

from gocua import testing as f

SCHEDULE = """
import datetime as dt
from django.utils import timezone
from gocua import testing as f
from gocua.accounts.models import Role
from gocua.places import reorg, services
from gocua.places.models import Reorganisation
from django_tasks_db.models import DBTaskResult

admin = f.make_user(Role.NATIONAL_ADMIN, "VN", username="admin")
began = dt.date(2025, 7, 1)
a, b = (services.village_create(actor=admin, commune=f.unit("09784"), name=n, kind="thon", valid_from=began)
        for n in ("Thôn Tháp Thượng", "Thôn Tháp Hạ"))
f.make_household(a, "TT-001")
tomorrow = timezone.localdate() + dt.timedelta(days=1)
change = reorg.village_merge(actor=admin, villages=[a, b], name="Thôn Đông Tiến", effective_on=tomorrow,
                             decision=reorg.Decision("1/NQ", dt.date(2026, 1, 5), "HĐND"))
print("status", change.status, DBTaskResult.objects.filter(run_after__date__gte=tomorrow - dt.timedelta(days=1)).count())
# The clock reaches the effective date: date the change and its task one day earlier.
Reorganisation.objects.filter(pk=change.pk).update(effective_on=tomorrow - dt.timedelta(days=1))
DBTaskResult.objects.update(run_after=timezone.now() - dt.timedelta(seconds=1))
"""

CHECK = """
from gocua.households.models import Household
from gocua.places.models import Reorganisation
change = Reorganisation.objects.get()
print("status", change.status, Household.objects.get().village.name)
"""


@pytest.mark.slow
def test_the_worker_applies_a_scheduled_change_when_its_day_comes(tmp_path):
    env = f.process_env(tmp_path)
    for args in (("migrate", "-v0"), ("load_units",)):
        done = f.run_gocua(env, *args)
        assert done.returncode == 0, done.stderr
    scheduled = f.run_gocua(env, "shell", "-c", SCHEDULE)
    assert scheduled.returncode == 0, scheduled.stderr
    assert "status scheduled 1" in scheduled.stdout
    worker = f.run_gocua(env, "db_worker", "--max-tasks", "1", "--no-startup-delay", "--interval", "0.2",
                         "--no-reload")  # DEBUG turns the autoreloader on, whose parent never exits
    assert worker.returncode == 0, worker.stderr
    checked = f.run_gocua(env, "shell", "-c", CHECK)
    assert "status applied Thôn Đông Tiến" in checked.stdout, checked.stderr
