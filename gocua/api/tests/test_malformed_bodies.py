"""Every malformed request body is a 400 (or another 4xx) with {"code", "message"}, never a 500.

Sent to every write operation of the OpenAPI schema, with a device token of a national admin (who
may call them all), and to the pages that take a form, through the real WSGI handler.
"""

import json
import re

import pytest
from django.test import Client

from gocua.field.tests.conftest import issue

pytestmark = pytest.mark.django_db

HUGE = 3 * 2**20  # over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
BODIES = {
    "multipart without boundary": ("multipart/form-data", b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1"),
    "multipart with an empty boundary": ("multipart/form-data; boundary=", b"--\r\n"),
    "truncated multipart": ("multipart/form-data; boundary=XyZ",
                            b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nab'),
    "bad boundary characters": ("multipart/form-data; boundary=\"\x00\x01\"", b"--\x00\x01\r\n"),
    "broken JSON": ("application/json", b'{"village": '),
    "JSON that is not UTF-8": ("application/json", b"\xff\xfe\xfa"),
    "wrong content type": ("text/plain", b"village=1"),
    "urlencoded garbage": ("application/x-www-form-urlencoded", b"%%%&&==\xff"),
    "huge JSON": ("application/json", b'{"a": "' + b"x" * HUGE + b'"}'),
}
PATH_VALUES = {"uuid": "6f1c1c4e-8f57-4f0e-9a43-9d3f4c1b2a10", "code": "09784"}


def _write_operations():
    from gocua.api.api import api

    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method in methods:
            if method in ("post", "put", "patch", "delete"):
                url = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), "1"), path)
                yield method.upper(), url


# Logging out (DELETE /auth/token) revokes the caller's token: sent last, so the others see a live one.
OPERATIONS = sorted(set(_write_operations()), key=lambda op: (op == ("DELETE", "/api/v1/auth/token"), op))


def assert_error_shape(response, label):
    assert response.status_code < 500, (label, response.status_code, response.content[:300])
    if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
        body = json.loads(response.content)
        assert body["code"] and body["message"], label


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("auth", ["token", "session"])
@pytest.mark.parametrize("kind", sorted(BODIES))
def test_every_write_operation_answers_a_malformed_body_with_a_4xx_error(world, settings, kind, auth, debug):
    # In DEBUG, django-ninja turns an exception it has no handler for into a 500 with a traceback.
    settings.DEBUG = debug
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    headers = {}
    if auth == "token":
        headers["HTTP_AUTHORIZATION"] = "Bearer " + issue(world.users["national_admin"]).secret
    else:
        client.force_login(world.users["national_admin"])
    content_type, body = BODIES[kind]
    assert len(OPERATIONS) > 20 and all(url.startswith("/api/v1/") for _m, url in OPERATIONS)
    for method, url in OPERATIONS:
        response = client.generic(method, url, body, content_type=content_type, **headers)
        assert_error_shape(response, (method, url))
        assert response.status_code != 404 or b"not_found" in response.content, (method, url)  # routed
        if response.status_code != 204:
            assert response["Content-Type"].startswith("application/json"), (method, url, response.status_code, response.content[:400])


def test_a_multipart_request_without_a_boundary_is_a_400_with_the_error_shape(world):
    token = issue(world.users["commune_officer"]).secret
    response = Client(raise_request_exception=False).post(
        "/api/v1/imports", b"abc", content_type="multipart/form-data", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


@pytest.mark.parametrize("kind", sorted(BODIES))
@pytest.mark.parametrize("url", ["/login/", "/imports/", "/community/new/?unit=09784", "/accounts/password/"])
def test_pages_answer_a_malformed_body_with_a_4xx_page(world, url, kind):
    client = Client(raise_request_exception=False)
    if url != "/login/":
        client.force_login(world.users["commune_officer"])
    content_type, body = BODIES[kind]
    response = client.generic("POST", url, body, content_type=content_type)
    assert response.status_code < 500, (url, response.status_code)


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_body_over_the_size_limit_is_a_400_that_says_so(world, settings, debug):
    settings.DEBUG = debug
    token = issue(world.users["commune_officer"]).secret
    content_type, body = BODIES["huge JSON"]
    response = Client(raise_request_exception=False).post(
        "/api/v1/households", body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400
    assert response.json()["code"] == "body_too_large"


@pytest.mark.parametrize("kind", ["multipart without boundary", "multipart with an empty boundary", "huge form"])
def test_the_login_page_answers_an_unreadable_body_with_its_400_page(db, kind):
    bodies = {**BODIES, "huge form": ("application/x-www-form-urlencoded", b"username=" + b"x" * HUGE)}
    content_type, body = bodies[kind]
    response = Client(raise_request_exception=False).generic("POST", "/login/", body, content_type=content_type)
    assert response.status_code == 400
    assert b"<html" in response.content and b"Traceback" not in response.content
