"""A scam alert reaches the subscribed phones of its area as a Web Push notification (issue 17, point 3)."""

import pytest
from django_tasks_db.models import DBTaskResult

from gocua import testing as f
from gocua.alerts.tests.factories import publish
from gocua.field import push
from gocua.field.models import PushSubscription
from gocua.field.tasks import push_alert_task
from gocua.field.tests.test_push import Phone, PushService, keys  # noqa: F401 - the keys fixture

pytestmark = pytest.mark.django_db


def _subscribe(user, service, phone, name):
    return PushSubscription.objects.create(user=user, endpoint=f"{service.origin}/push/{name}",
                                           p256dh=phone.p256dh, auth=phone.auth)


def test_publishing_queues_one_push_task_after_commit(world, keys, django_capture_on_commit_callbacks):  # noqa: F811
    PushSubscription.objects.create(user=world.users["team_member"], endpoint="https://fcm.googleapis.com/fcm/send/x",
                                    p256dh=Phone().p256dh, auth=Phone().auth)
    with django_capture_on_commit_callbacks(execute=True):
        alert = publish(world.users["province_officer"], "01")
    queued = DBTaskResult.objects.filter(task_path=push_alert_task.module_path)
    assert queued.count() == 1 and queued.get().args_kwargs["args"] == [alert.pk]


def test_no_task_when_no_phone_has_subscribed(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish(world.users["province_officer"], "01")
    assert not DBTaskResult.objects.filter(task_path=push_alert_task.module_path).exists()


def test_a_province_alert_reaches_the_province_s_members_and_no_one_else(world, keys):  # noqa: F811
    member, outsider = world.users["team_member"], f.make_user("team_member", world.other_province_village)
    from gocua.teams.models import Team

    other_team = Team.objects.filter(unit=world.other_province_village).first() or f.make_team(
        world.other_province_village)
    f.make_member(other_team, user=outsider)
    alert = publish(world.users["province_officer"], "01")
    mine, theirs = Phone(), Phone()
    with PushService() as service:
        _subscribe(member, service, mine, "member")
        _subscribe(outsider, service, theirs, "outsider")
        assert push.alert_push(alert.pk) == 1
    [message] = service.received
    assert message["path"] == "/push/member"
    note = mine.decrypt(message["body"])
    assert alert.title in note["title"] and note["url"] == "/field/" and note["tag"] == f"gocua-alert-{alert.pk}"
    assert note["body"].startswith("Kẻ gian gọi điện")


def test_a_withdrawn_alert_is_not_pushed(world, keys):  # noqa: F811
    from gocua.alerts.services import alert_withdraw

    alert = publish(world.users["province_officer"], "01")
    alert_withdraw(actor=world.users["province_officer"], alert=alert)
    with PushService() as service:
        _subscribe(world.users["team_member"], service, Phone(), "member")
        assert push.alert_push(alert.pk) == 0
    assert service.received == []
