"""The demo's sample province targets: set through the real service, marked as samples, once only."""

import pytest
from django.utils import timezone

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.indicators.demo import DEMO_TARGETS, demo_targets
from gocua.indicators.models import Target
from gocua.indicators.targets import targets_for

pytestmark = pytest.mark.django_db


def test_the_sample_targets_judge_the_demo_province_and_not_another():
    officer = f.make_user("province_officer", "01", username="hanoi_demo")
    assert demo_targets(actor=officer) == len(DEMO_TARGETS)
    assert demo_targets(actor=officer) == 0  # a second run adds nothing
    today = timezone.localdate()
    in_force = targets_for(f.unit("09784"), today)  # Xã Đan Phượng, Hà Nội
    assert {key: float(t.value) for key, t in in_force.items() if key in DEMO_TARGETS} == {
        key: float(value) for key, value in DEMO_TARGETS.items()}
    assert all("mẫu" in t.document_issuer for t in in_force.values() if t.area_code == "01")
    assert not any(t.area_code == "01" for t in targets_for(f.unit("19774"), today).values())
    assert AuditEvent.objects.filter(action="target_set", actor=officer).count() == len(DEMO_TARGETS)
    assert Target.objects.filter(area_code="01", starts_on__year=today.year).count() == len(DEMO_TARGETS)
