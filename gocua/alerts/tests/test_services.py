"""Publishing, changing and withdrawing alerts: who may, where, and what bad input gets."""

import datetime as dt

import pytest
from django.utils import timezone

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.alerts import selectors, services
from gocua.alerts.models import Alert
from gocua.alerts.tests.factories import publish
from gocua.errors import Conflict, DomainError, Forbidden


def test_a_province_officer_publishes_for_the_province_and_it_is_audited(world):
    officer = world.users["province_officer"]
    alert = publish(officer, "01", title="  Giả danh   công an  ")
    assert alert.title == "Giả danh công an"
    assert (alert.level, alert.province_code, alert.commune_code) == (1, "01", "")
    event = AuditEvent.objects.get(action=services.PUBLISHED)
    assert event.object_id == str(alert.pk) and event.province_code == "01"
    assert event.detail["area"] == "01"


def test_the_alert_reaches_every_village_of_the_province_and_no_other(world):
    alert = publish(world.users["province_officer"], "01")
    assert selectors.reaching(world.village) == [alert]
    assert selectors.reaching(world.other_commune_village) == [alert]  # Ba Đình, also Hà Nội
    assert selectors.reaching(world.other_province_village) == []  # Huế


def test_a_national_alert_reaches_everyone(world):
    alert = publish(world.users["national_admin"], "VN")
    assert selectors.reaching(world.other_province_village) == [alert]


@pytest.mark.parametrize("area", ["00004", "01", "VN", "19774"])
def test_a_commune_officer_cannot_alert_another_commune_or_above(world, area):
    with pytest.raises(Forbidden) as caught:
        publish(world.users["commune_officer"], area)
    assert caught.value.status == 403
    assert not Alert.objects.exists()


def test_a_commune_officer_alerts_their_own_commune(world):
    alert = publish(world.users["commune_officer"], "09784")
    assert alert.commune_code == "09784"


@pytest.mark.parametrize("role", ["team_leader", "team_member"])
def test_teams_do_not_publish(world, role):
    with pytest.raises(Forbidden):
        publish(world.users[role], "09784")


def test_a_village_is_not_an_alert_area(world):
    with pytest.raises(DomainError) as caught:
        publish(world.users["commune_officer"], world.village)
    assert caught.value.code == "area_required"


@pytest.mark.parametrize(("values", "code"), [
    ({"title": "   "}, "alert_title_required"),
    ({"title": "x" * 161}, "text_too_long"),
    ({"looks_like": ""}, "body_required"),
    ({"looks_like": "a" * 2001}, "text_too_long"),
    ({"severity": "huge"}, "severity_invalid"),
    ({"expires_on": "31/02/2026"}, "expiry_invalid"),
    ({"expires_on": "ngày mai"}, "expiry_invalid"),
    ({"expires_on": timezone.localdate() - dt.timedelta(days=1)}, "expiry_past"),
    ({"expires_on": timezone.localdate() + dt.timedelta(days=400)}, "expiry_too_far"),
    ({"looks_like": ["not", "text"]}, "body_required"),
])
def test_bad_input_is_refused_with_a_clear_code(world, values, code):
    with pytest.raises(DomainError) as caught:
        publish(world.users["province_officer"], "01", **values)
    assert caught.value.code == code and caught.value.status == 400
    assert not Alert.objects.exists()


def test_the_expiry_reads_vietnamese_dates(world):
    day = timezone.localdate() + dt.timedelta(days=10)
    alert = publish(world.users["province_officer"], "01", expires_on=day.strftime("%d/%m/%Y"))
    assert alert.expires_on == day


def test_line_breaks_of_the_description_are_kept(world):
    alert = publish(world.users["province_officer"], "01", looks_like="Bước 1: gọi điện\r\n\r\n\r\nBước 2:  gửi link  ")
    assert alert.looks_like == "Bước 1: gọi điện\n\nBước 2: gửi link"


def test_an_update_is_audited_with_its_changes(world):
    officer = world.users["province_officer"]
    alert = publish(officer, "01")
    services.alert_update(actor=officer, alert=alert, values={"title": "Tin nhắn giả ngân hàng", "unit": f.unit("09784")})
    alert.refresh_from_db()
    assert alert.title == "Tin nhắn giả ngân hàng" and alert.commune_code == "09784"
    event = AuditEvent.objects.get(action=services.CHANGED)
    assert set(event.detail["changes"]) == {"title", "unit"}


def test_an_officer_cannot_change_an_alert_from_above(world):
    alert = publish(world.users["province_officer"], "01")
    with pytest.raises(Forbidden):
        services.alert_update(actor=world.users["commune_officer"], alert=alert, values={"title": "Khác"})
    with pytest.raises(Forbidden):
        services.alert_withdraw(actor=world.users["commune_officer"], alert=alert)


def test_a_withdrawn_alert_leaves_at_once_and_cannot_be_withdrawn_twice(world):
    officer = world.users["province_officer"]
    alert = publish(officer, "01")
    services.alert_withdraw(actor=officer, alert=alert)
    assert selectors.reaching(world.village) == []
    assert AuditEvent.objects.filter(action=services.WITHDRAWN).count() == 1
    with pytest.raises(Conflict):
        services.alert_withdraw(actor=officer, alert=alert)
    with pytest.raises(Conflict):
        services.alert_update(actor=officer, alert=alert, values={"title": "Khác"})


def test_an_expired_alert_reaches_nobody(world):
    alert = publish(world.users["province_officer"], "01")
    Alert.objects.filter(pk=alert.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert selectors.reaching(world.village) == []
