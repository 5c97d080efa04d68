"""Every kind of audit event reads as a sentence on the log page, not as a developer's name."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from gocua.accounts.audit_text import LINES
from gocua.accounts.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
# `action="…"` given to audit_record, and the module constants some apps keep their actions in.
LITERAL = re.compile(r"""audit_record(?:_many)?\([^)]*?action=["']([a-z_.]+)["']""", re.S)
HELPER = re.compile(r"""_audit\([^,()]+, ["']([a-z_.]+)["']""")  # places/reorg.py's own wrapper
CONSTANT = re.compile(r"""^([A-Z_, ]+) = ((?:"[a-z_.]+"(?:, )?)+)$""", re.M)


def _actions_in_source() -> set[str]:
    found = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "audit_record" not in text:
            continue
        found.update(LITERAL.findall(text))
        found.update(HELPER.findall(text))
        for names, values in CONSTANT.findall(text):  # NAME = "action", used as action=NAME
            for name, value in zip(names.split(", "), re.findall(r'"([a-z_.]+)"', values), strict=True):
                if re.search(rf"action=(?:[a-z_.]+\.)?{name.strip()}\b", text):
                    found.add(value)
    return found


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_line_renders_in_both_languages(language):
    with translation.override(language):
        for action, template in LINES.items():
            line = translation.gettext(template) % {"actor": "Trần Thu H.", "object": "TT-050"}
            assert "Trần Thu H." in line or "%(actor)s" not in template, action


def test_every_action_written_by_the_code_reads_as_words():
    written = _actions_in_source()
    assert {"alert_published", "push.subscribe", "reorg.apply", "help_claimed"} <= written  # the scan works
    # A declared action falls back to its label ("Logged in"); any other needs a line.
    missing = sorted(written - set(LINES) - set(AuditEvent.Action.values))
    assert not missing, f"give these audit actions a line in accounts/audit_text.py LINES: {missing}"
