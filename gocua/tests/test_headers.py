"""Every answer carries the Content-Security-Policy and privacy headers; personal data is never cached.

The real browser test (gocua/field/tests/test_browser.py) checks that pages and the field app run
under this policy without a single violation; here the headers themselves and the templates.
"""

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from gocua.community.tests.helpers import make_project
from gocua.field.tests.conftest import issue
from gocua.tests.test_settings import PROD, manage

pytestmark = pytest.mark.django_db

TEMPLATES = sorted(Path(__file__).resolve().parents[1].glob("**/templates/**/*.html"))


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("url", ["/login/", "/field/", "/api/v1/openapi.json", "/community/p/09784/"])
def test_every_answer_has_a_policy_without_inline_scripts(world, url):
    response = _client().get(url)
    assert response.status_code == 200, url
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)


@pytest.mark.parametrize("url", ["/units/09784/", "/dashboards/09784/", "/field/", "/imports/", "/outreach/left-behind/"])
def test_pages_for_a_logged_in_user_are_never_stored(world, url):
    response = _client(world.users["commune_officer"]).get(url)
    assert response.status_code == 200, url
    assert "no-store" in response["Cache-Control"]


def test_the_resident_page_with_a_citizen_id_is_never_stored(world):
    response = _client(world.users["commune_officer"]).get(f"/residents/{world.resident.pk}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/households", "/me", "/teams"])
def test_api_answers_are_never_stored_whoever_asks(world, path):
    token = issue(world.users["team_member"]).secret
    response = Client().get("/api/v1" + path, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    anonymous = Client().get("/api/v1" + path)
    assert anonymous.status_code == 401 and "no-store" in anonymous["Cache-Control"]


def test_public_pages_may_still_be_cached(world):
    make_project(world.users["commune_officer"], world.village)
    response = _client().get(f"/community/p/{world.village.code}/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]


def test_referrer_and_permissions_policies_are_sent(world):
    for response in (_client().get("/login/"), _client(world.users["team_member"]).get("/field/")):
        assert response["Referrer-Policy"] == "same-origin"
        features = dict(item.strip().split("=") for item in response["Permissions-Policy"].split(","))
        assert features["camera"] == "()" and features["geolocation"] == "()" and features["microphone"] == "()"
        assert response["X-Content-Type-Options"] == "nosniff"


# --- the templates obey the policy ---------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def test_templates_hold_no_inline_script_handler_style_or_javascript_url():
    assert len(TEMPLATES) > 30
    offenders = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for name, pattern in (("inline <script>", INLINE_SCRIPT), ("on…= handler", HANDLER),
                              ("style attribute", STYLE_ATTRIBUTE), ("<style> block", re.compile("<style"))):
            if pattern.search(text):
                offenders.append(f"{path.name}: {name}")
        if "javascript:" in text.lower():
            offenders.append(f"{path.name}: javascript: URL")
    assert offenders == []


def test_the_scan_would_catch_what_it_looks_for():
    assert INLINE_SCRIPT.search('<script>alert(1)</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/x.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script id="field-config" type="application/json">{}</script>')
    assert HANDLER.search('<button class="x" onclick="window.print()">')
    assert STYLE_ATTRIBUTE.search('<span style="width:5%">')


# --- production settings ---------------------------------------------------------------------------


def test_production_settings_pass_check_deploy_and_send_the_policy(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PROD, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    code = ("from django.conf import settings; import json; print(json.dumps([settings.MIDDLEWARE, "
            "settings.CONTENT_SECURITY_POLICY, settings.SECURE_REFERRER_POLICY, settings.DEBUG]))")
    shown = manage("shell", "-c", code, env=PROD, tmp_path=tmp_path)
    assert shown.returncode == 0, shown.stderr
    middleware, policy, referrer, debug = json.loads(shown.stdout.strip().splitlines()[-1])
    assert "csp.middleware.CSPMiddleware" in middleware
    assert "gocua.web.middleware.SecurityHeadersMiddleware" in middleware
    assert policy["DIRECTIVES"]["script-src"] == ["'self'"] and referrer == "same-origin" and debug is False
