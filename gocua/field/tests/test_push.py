"""Web Push: VAPID keys, a phone's subscription, the digest's content, and a real encrypted POST."""

import base64
import datetime as dt
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command
from django.utils import timezone

from gocua.accounts.models import AuditEvent
from gocua.field import push
from gocua.field.models import PushSubscription
from gocua.field.tests.conftest import DeviceClient, issue
from gocua.outreach.services.assignments import assignment_bulk
from gocua.outreach.tests.factories import backdate, checked, outcome, record


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Phone:
    """The browser's side of a subscription: its own P-256 key pair and auth secret (as PushManager makes)."""

    def __init__(self):
        self.private = ec.generate_private_key(ec.SECP256R1())
        point = self.private.public_key().public_bytes(serialization.Encoding.X962,
                                                       serialization.PublicFormat.UncompressedPoint)
        self.p256dh, self.auth_secret = _b64(point), os.urandom(16)
        self.auth = _b64(self.auth_secret)

    def keys(self):
        return {"p256dh": self.p256dh, "auth": self.auth}

    def decrypt(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.private, auth_secret=self.auth_secret,
                                           version="aes128gcm"))


class PushService:
    """A tiny push service on 127.0.0.1: keeps every POST it receives and answers with `status`."""

    def __init__(self, status=201):
        received = self.received = []
        self.status = status
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def origin(self):
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def keys(tmp_path, settings):
    settings.GOCUA_VAPID_KEY_FILE = str(tmp_path / "vapid_private.pem")
    settings.GOCUA_PUSH_ALLOW_LOCAL_HTTP = True
    settings.GOCUA_VAPID_SUBJECT = "mailto:tocnscd@danphuong.example"
    push.keys_ensure()
    return tmp_path / "vapid_private.pem"


@pytest.fixture
def overdue(world, items):
    """The member's household has a follow-up overdue; its resident has a phone and a citizen ID."""
    member = world.users["team_member"].member
    world.resident.phone = "0912345678"
    world.resident.save(update_fields=["phone"])
    assignment_bulk(actor=world.users["team_leader"], team=world.team, households=[world.household], member=member)
    visited_on = timezone.localdate() - dt.timedelta(days=10)
    record(world.users["team_member"], backdate(world.household), [
        checked(world.resident, outcome(items["payment"], "follow_up", follow_up_on=visited_on + dt.timedelta(days=3)))
    ], visited_on=visited_on)
    return world


# --- keys ------------------------------------------------------------------------------------------------


def test_set_up_creates_a_private_key_only_the_server_reads_and_keeps_it_on_the_next_run(tmp_path, settings, capsys):
    settings.GOCUA_VAPID_KEY_FILE = str(tmp_path / "data" / "vapid_private.pem")
    call_command("push_keys")
    path = tmp_path / "data" / "vapid_private.pem"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    first = path.read_bytes()
    assert first.startswith(b"-----BEGIN PRIVATE KEY-----")
    public = push.public_key()
    point = _unb64(public)
    assert len(point) == 65 and point[0] == 4  # an uncompressed P-256 point, as PushManager wants it
    call_command("push_keys")
    assert path.read_bytes() == first and push.public_key() == public
    assert public in capsys.readouterr().out


def test_the_key_file_is_in_the_data_directory_that_git_ignores(settings):
    import subprocess

    settings.GOCUA_VAPID_KEY_FILE = ""  # the default
    assert push.key_path() == settings.DATA_DIR / "vapid_private.pem"
    ignored = subprocess.run(["git", "check-ignore", "-q", "var/vapid_private.pem"], cwd=settings.BASE_DIR)
    assert ignored.returncode == 0  # never committed


# --- the subscription API --------------------------------------------------------------------------------


def _subscribe(client, endpoint="https://fcm.googleapis.com/fcm/send/abc123", phone=None, **extra):
    return client.post("/field/push/subscriptions", {"endpoint": endpoint, "keys": (phone or Phone()).keys(), **extra})


def test_a_member_turns_reminders_on_for_their_phone(world, keys):
    issued = issue(world.users["team_member"])
    client = DeviceClient(issued.secret)
    assert client.get("/field/push/key").json()["public_key"] == push.public_key()
    response = _subscribe(client, expirationTime=None)
    assert response.status_code == 201, response.content
    subscription = PushSubscription.objects.get(pk=response.json()["id"])
    assert (subscription.user_id, subscription.device_id) == (world.users["team_member"].pk, issued.token.pk)
    assert AuditEvent.objects.filter(action="push.subscribe", object_id=str(subscription.pk)).exists()
    again = _subscribe(client)  # the same endpoint again (new keys): one row, updated
    assert again.status_code == 201 and again.json() == {"id": subscription.pk, "created": False}
    assert PushSubscription.objects.count() == 1


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"endpoint": "http://push.example.com/x"}, 400, "push_endpoint_invalid"),
    ({"endpoint": "javascript:alert(1)"}, 400, "push_endpoint_invalid"),
    ({"endpoint": "https://["}, 400, "push_endpoint_invalid"),
    ({"endpoint": "https://push.example.com/a\x00b"}, 400, "push_endpoint_invalid"),
    ({"endpoint": "https://push.example.com/thôn tháp"}, 400, "push_endpoint_invalid"),
    ({"endpoint": "https://push.example.com/" + "a" * 1000}, 400, "push_endpoint_invalid"),
    ({"keys": {"p256dh": "không-phải-khoá", "auth": _b64(b"0123456789abcdef")}}, 400, "push_key_invalid"),
    ({"keys": {"p256dh": _b64(b"\x04" + b"\x01" * 64), "auth": _b64(b"0123456789abcdef")}}, 400, "push_key_invalid"),
    ({"keys": {"p256dh": Phone().p256dh, "auth": _b64(b"short")}}, 400, "push_auth_invalid"),
    ({"keys": {"p256dh": Phone().p256dh}}, 422, None),
    ({"colour": "red"}, 422, None),
])
def test_a_bad_subscription_is_refused_with_a_clear_code_and_nothing_is_stored(world, keys, body, status, code):
    client = DeviceClient(issue(world.users["team_member"]).secret)
    data = {"endpoint": "https://fcm.googleapis.com/fcm/send/abc", "keys": Phone().keys(), **body}
    response = client.post("/field/push/subscriptions", data)
    assert response.status_code == status, response.content
    if code:
        assert response.json()["code"] == code
    assert not PushSubscription.objects.exists()


def test_only_team_members_subscribe_and_nobody_without_a_token(world, keys):
    officer = DeviceClient(issue(world.users["commune_officer"]).secret)
    refused = _subscribe(officer)
    assert refused.status_code == 403 and refused.json()["code"] == "push_not_member"
    assert _subscribe(DeviceClient(None)).status_code == 401
    assert not PushSubscription.objects.exists()


def test_a_member_removes_their_own_subscription_but_not_someone_elses(world, keys):
    member = DeviceClient(issue(world.users["team_member"]).secret)
    leader = DeviceClient(issue(world.users["team_leader"]).secret)
    mine = _subscribe(member).json()["id"]
    assert leader.send("delete", f"/field/push/subscriptions/{mine}").status_code == 404
    assert PushSubscription.objects.filter(pk=mine).exists()
    assert member.send("delete", f"/field/push/subscriptions/{mine}").status_code == 200
    assert not PushSubscription.objects.exists()
    assert member.send("delete", f"/field/push/subscriptions/{mine}").status_code == 404


def test_without_keys_the_server_says_reminders_are_not_set_up(world, tmp_path, settings):
    settings.GOCUA_VAPID_KEY_FILE = str(tmp_path / "missing.pem")
    response = DeviceClient(issue(world.users["team_member"]).secret).get("/field/push/key")
    assert response.status_code == 400 and response.json()["code"] == "push_not_configured"


# --- what is sent, and how ----------------------------------------------------------------------------------


def _subscription_to(world, service, phone, *, user="team_member"):
    return PushSubscription.objects.create(user=world.users[user], endpoint=f"{service.origin}/push/{user}",
                                           p256dh=phone.p256dh, auth=phone.auth)


def test_the_push_service_receives_an_encrypted_signed_digest_that_only_the_phone_can_read(overdue, keys):
    phone = Phone()
    with PushService() as service:
        _subscription_to(overdue, service, phone)
        assert push.digest_push_all() == 1
    [message] = service.received
    headers = {k.lower(): v for k, v in message["headers"].items()}
    assert headers["content-encoding"] == "aes128gcm" and int(headers["ttl"]) == push.TTL_SECONDS
    assert b"TT-001" not in message["body"]  # encrypted on the wire
    note = phone.decrypt(message["body"])
    assert note["title"] == "GõCửa" and note["url"] == "/field/" and "TT-001" in note["body"]
    # The VAPID header is a JWT signed with the server's key, for this push service's origin.
    scheme, _, params = headers["authorization"].partition(" ")
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert scheme == "vapid" and fields["k"] == push.public_key()
    head, claims, signature = fields["t"].split(".")
    claims = json.loads(_unb64(claims))
    assert claims["aud"] == service.origin and claims["sub"] == "mailto:tocnscd@danphuong.example"
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    raw = _unb64(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64(fields["k"]))
    public.verify(der, f"{head}.{fields['t'].split('.')[1]}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged


@pytest.mark.vietnamese
def test_the_notification_carries_no_name_phone_or_citizen_id(overdue, keys):
    phone = Phone()
    with PushService() as service:
        _subscription_to(overdue, service, phone)
        push.digest_push_all()
    text = json.dumps(phone.decrypt(service.received[0]["body"]), ensure_ascii=False)
    assert "quá hạn" in text and "TT-001" in text  # the Vietnamese digest line, households by key
    for secret in ("Nguyễn Văn Trường", "0912345678", "912 345 678", "345678", "001080012345"):
        assert secret not in text


def test_each_phone_gets_the_digest_once_a_day_and_nothing_when_nothing_is_due(overdue, keys):
    member_phone, leader_phone = Phone(), Phone()
    with PushService() as service:
        _subscription_to(overdue, service, member_phone)
        _subscription_to(overdue, service, leader_phone, user="team_leader")  # the leader has nothing due
        assert push.digest_push_all() == 1
        assert push.digest_push_all() == 0  # a second run the same day (another worker, the command) sends nothing
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        assert push.digest_push_all(today=tomorrow) == 1
    assert [m["path"] for m in service.received] == ["/push/team_member", "/push/team_member"]


def test_a_subscription_the_push_service_says_is_gone_is_deleted(overdue, keys):
    with PushService(status=410) as service:
        _subscription_to(overdue, service, Phone())
        push.digest_push_all()
    assert len(service.received) == 1 and not PushSubscription.objects.exists()


def test_a_logged_out_phone_gets_no_more_reminders(overdue, keys):
    from gocua.field import tokens

    issued = issue(overdue.users["team_member"])
    with PushService() as service:
        subscription = _subscription_to(overdue, service, Phone())
        PushSubscription.objects.filter(pk=subscription.pk).update(device=issued.token)
        tokens.token_revoke(actor=overdue.users["team_member"], token=issued.token)
        push.digest_push_all()
    assert service.received == [] and not PushSubscription.objects.exists()


def test_push_is_a_reminder_channel_like_the_logging_one(overdue, keys, settings):
    from gocua.outreach import reminders

    settings.GOCUA_REMINDER_CHANNEL = "gocua.field.push.PushChannel"
    phone = Phone()
    with PushService() as service:
        _subscription_to(overdue, service, phone)
        assert reminders.reminders_send(members=[overdue.users["team_member"].member]) == 1
    assert "TT-001" in phone.decrypt(service.received[0]["body"])["body"]


# --- the daily task -------------------------------------------------------------------------------------------


def test_the_daily_task_sends_and_waits_for_the_next_morning_exactly_once(overdue, keys):
    from django_tasks_db.models import DBTaskResult

    from gocua.field.tasks import push_digest_task

    call_command("push_digest", "--schedule")
    call_command("push_digest", "--schedule")  # set-up runs it at every start: still one task waiting
    [waiting] = DBTaskResult.objects.all()
    run = timezone.localtime(waiting.run_after)
    assert (run.hour, run.minute) == (push.DIGEST_HOUR, 0) and waiting.run_after > timezone.now()
    with PushService() as service:
        _subscription_to(overdue, service, Phone())
        DBTaskResult.objects.all().delete()  # as the worker would: it takes the task off the queue
        assert push_digest_task.call() == 1
    assert len(service.received) == 1
    assert DBTaskResult.objects.filter(task_path="gocua.field.tasks.push_digest_task").count() == 1


def test_the_next_morning_is_today_before_seven_and_tomorrow_after():
    tz = timezone.get_current_timezone()
    early = dt.datetime(2026, 12, 7, 6, 30, tzinfo=tz)
    late = dt.datetime(2026, 12, 7, 7, 0, tzinfo=tz)
    assert push.digest_next_run(early) == dt.datetime(2026, 12, 7, 7, 0, tzinfo=tz)
    assert push.digest_next_run(late) == dt.datetime(2026, 12, 8, 7, 0, tzinfo=tz)
