"""Read and check a skills-framework file (JSON); no database."""

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gocua.errors import DomainError
from gocua.learning.errors import LearningErrorCode

FORMAT = 1
MAX_BYTES = 1024 * 1024
MAX_GROUPS = 30
MAX_QUESTIONS = 20


def _invalid(problem: str) -> DomainError:
    """Return the error for a file that cannot be loaded; `problem` says where."""
    return DomainError(LearningErrorCode.FRAMEWORK_FILE_INVALID,
                       LearningErrorCode.FRAMEWORK_FILE_INVALID.message % {"problem": problem}, field="file")


@dataclass
class Parsed:
    content: dict
    digest: str


def _text(obj: dict, key: str, where: str, *, required: bool = True, limit: int = 300) -> str:
    value = obj.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise _invalid(_("%(where)s needs the text “%(key)s”.") % {"where": where, "key": key})
    if len(value) > limit:
        raise _invalid(_("%(where)s: “%(key)s” is longer than %(limit)s characters.")
                                 % {"where": where, "key": key, "limit": limit})
    return value.strip()


def _provisional(obj: dict, where: str) -> bool:
    value = obj.get("provisional", None)
    if not isinstance(value, bool):
        raise _invalid(_("%(where)s must say “provisional”: true or false.") % {"where": where})
    if not isinstance(obj.get("source"), str) or not obj["source"].strip():
        raise _invalid(_("%(where)s must say where it comes from (“source”).") % {"where": where})
    return value


def _items(obj: dict, key: str, where: str, *, limit: int) -> list:
    items = obj.get(key)
    if not isinstance(items, list) or not items:
        raise _invalid(_("%(where)s needs a non-empty list “%(key)s”.") % {"where": where, "key": key})
    if len(items) > limit:
        raise _invalid(_("%(where)s has more than %(limit)s “%(key)s”.")
                                 % {"where": where, "key": key, "limit": limit})
    if not all(isinstance(item, dict) for item in items):
        raise _invalid(_("%(where)s: every item of “%(key)s” must be an object.") % {"where": where, "key": key})
    return items


def parse(data: bytes) -> Parsed:
    """Return the checked content of a framework file, or raise the DomainError naming the first problem."""
    if len(data) > MAX_BYTES:
        raise _invalid(_("the file is larger than 1 MB."))
    try:
        content = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _invalid(_("the file is not UTF-8 text.")) from None
    except json.JSONDecodeError as exc:
        raise _invalid(_("it is not JSON (line %(line)s, column %(col)s).")
                                 % {"line": exc.lineno, "col": exc.colno}) from None
    if not isinstance(content, dict):
        raise _invalid(_("the file must hold one object."))
    if content.get("format") != FORMAT:
        raise _invalid(_("“format” must be %(format)s.") % {"format": FORMAT})
    where = _("The framework")
    _text(content, "code", where, limit=60)
    _text(content, "version", where, limit=30)
    _text(content, "title", where)
    document = content.get("document", {})
    if not isinstance(document, dict):
        raise _invalid(_("“document” must be an object (number, date, issuer)."))
    if document.get("date"):
        try:
            dt.date.fromisoformat(str(document["date"]))
        except ValueError:
            raise _invalid(_("the document date must be written YYYY-MM-DD.")) from None
    rule = content.get("pass_rule")
    if not isinstance(rule, dict):
        raise _invalid(_("“pass_rule” is missing."))
    share = rule.get("group_pass_share")
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
        raise _invalid(_("“group_pass_share” must be a number above 0 and at most 1."))
    _provisional(rule, _("The pass rule"))
    groups = _items(content, "groups", where, limit=MAX_GROUPS)
    group_codes: list[str] = []
    question_codes: set[str] = set()
    for position, group in enumerate(groups, start=1):
        here = _("Group %(n)s") % {"n": position}
        code = _text(group, "code", here, limit=20)
        if code in group_codes:
            raise _invalid(_("group code %(code)s appears twice.") % {"code": code})
        group_codes.append(code)
        here = _("Group %(code)s") % {"code": code}
        _text(group, "title", here)
        _provisional(group, here)
        for skill in _items(group, "skills", here, limit=MAX_QUESTIONS):
            _text(skill, "code", here, limit=20)
            _text(skill, "title", here)
            _provisional(skill, _("Skill %(code)s") % {"code": skill["code"]})
        for question in _items(group, "questions", here, limit=MAX_QUESTIONS):
            qcode = _text(question, "code", here, limit=20)
            if qcode in question_codes:
                raise _invalid(_("question code %(code)s appears twice.") % {"code": qcode})
            question_codes.add(qcode)
            _text(question, "text", _("Question %(code)s") % {"code": qcode})
            _provisional(question, _("Question %(code)s") % {"code": qcode})
    required = rule.get("required_groups", "all")
    if required != "all" and (not isinstance(required, list) or not set(required) <= set(group_codes) or not required):
        raise _invalid(_("“required_groups” must be \"all\" or a list of the groups' codes."))
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Parsed(content=content, digest=hashlib.sha256(canonical.encode()).hexdigest())


def pass_min(share: float, asked: int) -> int:
    """Return how many of `asked` questions a resident must show to pass a group."""
    return max(1, math.ceil(share * asked - 1e-9))
