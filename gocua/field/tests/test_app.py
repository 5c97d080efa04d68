"""The app's shell, manifest and service worker are served right (the browser test drives them)."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.test import Client


def test_the_shell_is_public_small_and_carries_its_words(db):
    response = Client().get("/field/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'rel="manifest" href="/field/manifest.webmanifest"' in html and "/static/field/app.js" in html
    assert '"record_visit": "Record a visit"' in html  # the app's words, translated on the server
    assert len(response.content) < 20_000


@pytest.mark.vietnamese
def test_the_shell_is_vietnamese_whatever_the_phone_says(db):
    html = Client(HTTP_ACCEPT_LANGUAGE="en-US").get("/field/").content.decode()
    assert '<html lang="vi">' in html and '"lang": "vi"' in html


def test_the_first_load_stays_far_under_300_kb(db):
    names = ["field/app.js", "field/app.css", "field/icon-192.png"]
    static_bytes = sum(len(open(finders.find(name), "rb").read()) for name in names)
    shell = len(Client().get("/field/").content) + len(Client().get("/field/manifest.webmanifest").content)
    assert shell + static_bytes < 100_000


def test_the_service_worker_controls_the_app_and_caches_its_files(db):
    response = Client().get("/field/sw.js")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/field/" and "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    for url in ("/field/", "/static/field/app.js", "/static/field/app.css", "/field/manifest.webmanifest"):
        assert f'"{url}"' in body


def test_the_service_worker_version_follows_the_files(db, monkeypatch):
    from gocua.field import views

    before = Client().get("/field/sw.js").content
    monkeypatch.setattr(views, "STATIC_FILES", [*views.STATIC_FILES[:-1]])
    assert Client().get("/field/sw.js").content != before


def test_the_manifest_makes_the_app_installable(db):
    manifest = json.loads(Client().get("/field/manifest.webmanifest").content)
    assert manifest["start_url"] == manifest["scope"] == "/field/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/"))


def test_the_sync_endpoints_are_in_the_openapi_schema(db):
    schema = json.loads(Client().get("/api/v1/openapi.json").content)
    upload = schema["paths"]["/api/v1/sync"]["post"]
    body = upload["requestBody"]["content"]["application/json"]["schema"]
    kinds = {variant["properties"]["type"]["const"] for variant in body["properties"]["records"]["items"]["oneOf"]}
    assert kinds == {"household", "resident", "visit", "session", "household_edit", "resident_edit", "indicators",
                     "help_claim", "help_call", "help_link", "help_close", "assessment"}
    assert "413" in upload["responses"]
    for path in ("/api/v1/auth/token", "/api/v1/auth/tokens", "/api/v1/sync/conflicts"):
        assert path in schema["paths"]
    assert schema["components"]["securitySchemes"]["DeviceTokenAuth"]["scheme"] == "bearer"
