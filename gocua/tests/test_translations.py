"""The Vietnamese catalogue is complete and safe, and the language choice reaches pages and the API."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from gocua import testing as f
from gocua.accounts.models import Role

pytestmark = pytest.mark.vietnamese

PO_PATH = Path(settings.BASE_DIR) / "gocua" / "locale" / "vi" / "LC_MESSAGES" / "django.po"

# A printf-style conversion: %(name)s, %s, %d, %.1f ... ("%%" is a literal percent sign, not a placeholder).
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def placeholders(text: str) -> set[str]:
    return {p for p in PLACEHOLDER.findall(text) if p != "%%"}


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(PO_PATH))


def test_catalogue_header_is_vietnamese_with_one_plural_form(catalogue):
    assert catalogue.metadata["Language"] == "vi"
    assert "charset=UTF-8" in catalogue.metadata["Content-Type"]
    assert catalogue.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    entries = [e for e in catalogue if not e.obsolete]
    assert len(entries) > 500  # the whole UI, not a stub
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert fuzzy == []
    untranslated = [e.msgid for e in entries if not e.translated()]
    assert untranslated == []
    for entry in entries:
        if entry.msgid_plural:
            assert entry.msgstr_plural.get(0, "").strip(), entry.msgid


# The named form the code uses everywhere; checked on every entry, flagged python-format or not.
NAMED = re.compile(r"%\([^)]*\)[diouxXeEfFgGcrsa]")


def test_placeholders_survive_translation(catalogue):
    wrong = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        msgstr = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
        named = [set(NAMED.findall(entry.msgid)), set(NAMED.findall(entry.msgid_plural or entry.msgid))]
        if set(NAMED.findall(msgstr)) not in named:
            wrong.append((entry.msgid, msgstr))
        if "python-format" not in entry.flags:
            continue
        if entry.msgid_plural:
            allowed = [placeholders(entry.msgid), placeholders(entry.msgid_plural)]
            got = placeholders(entry.msgstr_plural.get(0, ""))
            if got not in allowed:
                wrong.append((entry.msgid, got))
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            wrong.append((entry.msgid, placeholders(entry.msgstr)))
    assert wrong == []


def test_edge_whitespace_is_kept(catalogue):
    for entry in catalogue:
        if entry.obsolete:
            continue
        msgstr = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
        assert entry.msgid.startswith((" ", "\n")) == msgstr.startswith((" ", "\n")), entry.msgid
        assert entry.msgid.endswith((" ", "\n")) == msgstr.endswith((" ", "\n")), entry.msgid


def test_login_page_is_vietnamese_by_default(client):
    body = client.get("/login/").content.decode()
    assert "Đăng nhập" in body
    assert "Log in" not in body
    # "Log in" is also in Django's own catalogue: this line proves the project's catalogue is loaded.
    assert "Dành cho tổ công nghệ số cộng đồng và cán bộ." in body


def test_login_page_follows_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/login/").content.decode()
    assert "Log in" in body
    assert "Đăng nhập" not in body
    assert "For community digital technology teams and officers." in body


@pytest.mark.django_db
def test_api_error_message_follows_accept_language(client):
    client.force_login(f.make_user(Role.COMMUNE_OFFICER, "09784"))
    url = "/api/v1/households/987654321"
    vi = client.get(url, headers={"Accept-Language": "vi"})
    en = client.get(url, headers={"Accept-Language": "en"})
    assert vi.status_code == en.status_code == 404
    assert vi.json()["code"] == en.json()["code"] == "not_found"
    assert en.json()["message"] == "Not found, or outside your area."
    assert vi.json()["message"] != en.json()["message"]
    assert "địa bàn" in vi.json()["message"]


def test_pages_stay_vietnamese_for_a_browser_set_to_english(client):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Đăng nhập" in page
    assert "Log in" not in page
