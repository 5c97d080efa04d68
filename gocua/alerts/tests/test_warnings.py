"""'Đã cảnh báo' on a visit: written with the visit, counted per village and commune, summed above."""

import uuid

import pytest
from django.db.models import Sum
from django.utils import timezone

from gocua import testing as f
from gocua.alerts.models import HouseholdWarned, WarnedCount
from gocua.alerts.selectors import warned_counts
from gocua.alerts.services import alert_withdraw
from gocua.alerts.tests.factories import publish
from gocua.errors import DomainError
from gocua.field.tests.conftest import DeviceClient, issue, record
from gocua.outreach.models import Visit
from gocua.outreach.services.visits import VisitInput, visit_record_many
from gocua.outreach.tests.factories import checked
from gocua.outreach.tests.factories import record as record_visit


def _codes(world):
    return [world.village.code, "09784", "01", "VN"]


def _warn(world, household, alert_ids, **extra):
    resident = household.residents.first() or f.make_resident(household, full_name="Phạm Thị Hằng", gender="female")
    return record_visit(world.users["team_member"], household, [checked(resident)],
                        extras={"warned_alerts": alert_ids}, **extra)


def _everywhere(world, alert) -> list[int]:
    return [warned_counts([alert.pk], code)[alert.pk] for code in _codes(world)]


def test_a_province_alert_ticked_on_a_visit_counts_at_every_level_at_once(world):
    alert = publish(world.users["province_officer"], "01")
    visit = _warn(world, world.household, [alert.pk])
    assert HouseholdWarned.objects.get().visit_id == visit.pk
    assert _everywhere(world, alert) == [1, 1, 1, 1]
    assert warned_counts([alert.pk], world.village2.code)[alert.pk] == 0
    assert warned_counts([alert.pk], "19")[alert.pk] == 0  # Huế


def test_only_village_and_commune_rows_are_stored(world):
    alert = publish(world.users["province_officer"], "01")
    _warn(world, world.household, [alert.pk])
    assert sorted(WarnedCount.objects.values_list("code", "households")) == [("09784", 1), (world.village.code, 1)]


def test_a_household_is_counted_once_per_alert(world):
    alert = publish(world.users["province_officer"], "01")
    _warn(world, world.household, [alert.pk])
    _warn(world, world.household, [alert.pk, str(alert.pk)])
    assert _everywhere(world, alert) == [1, 1, 1, 1]
    assert Visit.objects.count() == 2


def test_two_households_of_two_villages_add_up_in_the_commune(world):
    alert = publish(world.users["commune_officer"], "09784")
    other = f.make_household(world.village2, "TH-001")
    f.make_member(f.make_team(world.village2, "Tổ Tháp Hạ"), full_name="Lê Văn Sơn", user=(
        leader := f.make_user("team_leader", world.village2)))
    _warn(world, world.household, [alert.pk])
    record_visit(leader, other, [checked(f.make_resident(other, full_name="Ngô Văn Tư"))],
                 extras={"warned_alerts": [alert.pk]})
    assert warned_counts([alert.pk], "09784")[alert.pk] == 2
    assert warned_counts([alert.pk], "01")[alert.pk] == 2


@pytest.mark.parametrize("bad", ["1,2", [True], [{"id": 1}], list(range(21)), ["-3"]])
def test_a_bad_list_refuses_the_visit_and_writes_nothing(world, bad):
    publish(world.users["province_officer"], "01")
    with pytest.raises(DomainError) as caught:
        _warn(world, world.household, bad)
    assert caught.value.code == "warned_invalid" and caught.value.status == 400
    assert not Visit.objects.exists() and not HouseholdWarned.objects.exists()


def test_an_unknown_alert_or_one_for_elsewhere_refuses_the_visit(world):
    hue = publish(world.users["other_commune_officer"], "19774")
    with pytest.raises(DomainError) as caught:
        _warn(world, world.household, [hue.pk])
    assert caught.value.code == "alert_not_here"
    with pytest.raises(DomainError) as caught:
        _warn(world, world.household, [hue.pk + 1000])
    assert caught.value.code == "alert_unknown"
    assert not Visit.objects.exists()


def test_a_tick_on_a_withdrawn_alert_keeps_the_visit_but_does_not_count(world):
    officer = world.users["province_officer"]
    alert = publish(officer, "01")
    alert_withdraw(actor=officer, alert=alert)
    _warn(world, world.household, [alert.pk])
    assert Visit.objects.count() == 1
    assert not HouseholdWarned.objects.exists() and _everywhere(world, alert) == [0, 0, 0, 0]


def test_unknown_extras_refuse_the_visit(world):
    resident = f.make_resident(world.household, full_name="Võ Thị Sáu", gender="female")
    with pytest.raises(DomainError) as caught:
        record_visit(world.users["team_member"], world.household, [checked(resident)], extras={"nope": 1})
    assert caught.value.code == "extras_invalid"


def test_the_batch_path_counts_each_household_once(world):
    alert = publish(world.users["province_officer"], "01")
    member = world.users["team_member"]
    second = f.make_household(world.village, "TT-002")
    inputs = []
    for household in (world.household, second, world.household):
        resident = household.residents.first() or f.make_resident(household, full_name="Đinh Văn Lộc")
        inputs.append(VisitInput(uuid=uuid.uuid4(), household=household, visited_on=timezone.localdate(),
                                 member_ids=[member.member.pk], residents=[checked(resident)],
                                 extras={"warned_alerts": [alert.pk]}))
    results = visit_record_many(actor=member, visits=inputs)
    assert all(isinstance(r, Visit) for r in results)
    assert HouseholdWarned.objects.count() == 2
    assert _everywhere(world, alert) == [2, 2, 2, 2]
    assert WarnedCount.objects.filter(level=2).aggregate(n=Sum("households"))["n"] == 2


def test_a_sync_upload_with_warned_alerts_counts(world):
    alert = publish(world.users["province_officer"], "01")
    device = DeviceClient(issue(world.users["team_member"]).secret)
    answer = device.sync(record("visit", {
        "household": str(world.household.uuid), "visited_on": str(timezone.localdate()),
        "residents": [{"resident": str(world.resident.uuid), "present": True, "outcomes": []}],
        "warned_alerts": [alert.pk],
    }))
    assert answer["results"][0]["status"] == "created", answer
    assert _everywhere(world, alert) == [1, 1, 1, 1]
    download = device.get("/sync").json()
    [payload] = download["alerts"]
    assert payload["id"] == alert.pk and payload["warned"] == [str(world.household.uuid)]
    assert payload["title"] == alert.title and payload["severity"] == "danger"


def test_the_stored_counts_equal_a_recount_of_the_warnings(world):
    from gocua.alerts.selectors import recount_differences

    first = publish(world.users["province_officer"], "01")
    second = publish(world.users["commune_officer"], "09784")
    _warn(world, world.household, [first.pk, second.pk])
    _warn(world, world.household, [first.pk])
    assert recount_differences() == []
    WarnedCount.objects.filter(code="09784", alert=first).update(households=5)
    assert recount_differences() == [(first.pk, "09784", 5, 1)]


def test_deleting_the_visit_takes_the_warning_back(world):
    from gocua.alerts.selectors import recount_differences
    from gocua.outreach.services.visits import visit_delete

    alert = publish(world.users["province_officer"], "01")
    visit = _warn(world, world.household, [alert.pk])
    visit_delete(actor=world.users["team_member"], visit=visit, reason="Ghi nhầm hộ")
    assert not HouseholdWarned.objects.exists()
    assert _everywhere(world, alert) == [0, 0, 0, 0] and recount_differences() == []
    _warn(world, world.household, [alert.pk])  # warned again on the right visit: counted again
    assert _everywhere(world, alert) == [1, 1, 1, 1]
