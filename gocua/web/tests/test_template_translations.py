"""Every string a template translates has a Vietnamese translation (Vietnamese is the default language)."""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation.template import templatize

pytestmark = pytest.mark.vietnamese

ROOT = Path(settings.BASE_DIR) / "gocua"
PO_PATH = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
_STR = r"u(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
# What templatize() turns {% translate %} and {% blocktranslate %} into: gettext(u'…') and its kin.
CALL = re.compile(rf"\b(npgettext|ngettext|pgettext|gettext)\(\s*({_STR})(?:\s*,\s*({_STR}))?(?:\s*,\s*({_STR}))?")


def template_msgids(text: str, origin: str) -> set[tuple[str, str]]:
    """Return the (context, msgid) pairs a template asks to translate."""
    found = set()
    for name, *args in CALL.findall(templatize(text, origin=origin)):
        strings = [ast.literal_eval(a) for a in args if a]
        context = strings.pop(0) if name.startswith(("pgettext", "npgettext")) else ""
        found.add((context, strings[0]))
    return found


def templates() -> list[Path]:
    return sorted(p for p in ROOT.glob("*/templates/**/*") if p.suffix in (".html", ".txt") and p.is_file())


def test_the_template_scanner_finds_translate_and_blocktranslate():
    text = ('{% load i18n %}{% translate "Offline app" %}{% blocktranslate with n=x %}Hi {{ n }}{% endblocktranslate %}'
            '{% translate "May" context "month" %}')
    assert template_msgids(text, "t.html") == {("", "Offline app"), ("", "Hi %(n)s"), ("month", "May")}


def test_every_msgid_used_in_a_template_has_a_vietnamese_translation():
    catalogue = polib.pofile(str(PO_PATH))
    translated = {(e.msgctxt or "", e.msgid) for e in catalogue if e.translated() and "fuzzy" not in e.flags}
    missing = []
    for path in templates():
        for pair in template_msgids(path.read_text(encoding="utf-8"), str(path)):
            if pair not in translated:
                missing.append((str(path.relative_to(ROOT)), pair[1]))
    assert len(templates()) > 40  # the scan reads the real templates
    assert sorted(missing) == []
