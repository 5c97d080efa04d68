"""The client address behind a proxy (gocua/accounts/client_ip.py), used by the limiter and the audit log."""

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from gocua.accounts.client_ip import client_ip
from gocua.accounts.models import AuditEvent


def _request(peer, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says(settings):
    settings.GOCUA_TRUSTED_PROXIES = []
    assert client_ip(_request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_a_spoofed_header_from_an_untrusted_peer_does_not_change_the_address(settings):
    settings.GOCUA_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(_request("198.51.100.7", "203.0.113.1, 10.0.0.1")) == "198.51.100.7"


def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client(settings):
    settings.GOCUA_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    # The client wrote "1.2.3.4" itself; nginx appended the address it saw, then an inner proxy its own.
    assert client_ip(_request("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.1.2.3")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("127.0.0.1", "", "127.0.0.1"),  # the proxy sent no header: the proxy is all we know
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("127.0.0.1", "198.51.100.7:51234", "198.51.100.7"),
        ("::1", "2001:db8::5", "2001:db8::5"),
        ("::ffff:127.0.0.1", "198.51.100.8", "198.51.100.8"),
    ],
)
def test_odd_headers_and_address_forms(settings, peer, forwarded, expected):
    settings.GOCUA_TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    assert client_ip(_request(peer, forwarded)) == expected


def _fail_login(forwarded, peer="127.0.0.1"):
    Client(REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded).post(
        reverse("web:login"), {"username": "khong-ai", "password": "doan"}
    )


def test_the_limiter_and_the_audit_log_key_on_the_real_client_behind_the_proxy(db, settings):
    settings.GOCUA_TRUSTED_PROXIES = ["127.0.0.1"]
    _fail_login("198.51.100.7")
    _fail_login("198.51.100.8")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7", "198.51.100.8"}
    assert set(AuditEvent.objects.values_list("ip", flat=True)) == {"198.51.100.7", "198.51.100.8"}


def test_a_client_cannot_pick_its_limiter_key_by_spoofing_the_header(db, settings):
    settings.GOCUA_TRUSTED_PROXIES = ["127.0.0.1"]
    _fail_login("1.1.1.1", peer="198.51.100.9")
    _fail_login("2.2.2.2", peer="198.51.100.9")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True).distinct()) == ["198.51.100.9"]
    assert AccessAttempt.objects.get().failures_since_start == 2
