import io
import json

import pytest
from django.core.management import CommandError, call_command

from gocua.learning.models import Framework, SkillGroup
from gocua.learning.services import framework_load
from gocua.learning.tests.helpers import SHIPPED, as_bytes, revision, shipped

pytestmark = pytest.mark.django_db


def _load(path) -> str:
    out = io.StringIO()
    call_command("load_skills_framework", str(path), stdout=out)
    return out.getvalue()


def test_the_shipped_framework_loads_with_its_groups_and_sources():
    assert "2025.1" in _load(SHIPPED)
    framework = Framework.objects.get()
    groups = list(framework.groups.all())
    assert [g.code for g in groups] == ["0", "1", "2", "3", "4", "5"]
    assert groups[0].title == "Sử dụng thiết bị và phần mềm trên thiết bị"
    assert groups[1].title.startswith("Kỹ năng tìm kiếm, khai thác thông tin")
    # What the official text gives is not provisional; what GõCửa wrote is, and every item says its source.
    assert not groups[0].provisional and not groups[1].provisional
    assert all(g.provisional for g in groups[2:])
    assert all(q["provisional"] and q["source"] for g in groups for q in g.questions)
    assert framework.pass_rule["provisional"] is True
    assert framework.document["number"] == "757/QĐ-BKHCN"
    assert [g.pass_min for g in groups] == [1] * 6  # half of two questions


def test_loading_the_same_file_twice_changes_nothing():
    _load(SHIPPED)
    assert "nothing changed" in _load(SHIPPED)
    assert Framework.objects.count() == 1 and SkillGroup.objects.count() == 6


def test_a_revision_is_added_beside_the_old_version(tmp_path):
    _load(SHIPPED)
    path = tmp_path / "khung-2026.json"
    path.write_bytes(as_bytes(revision()))
    _load(path)
    versions = {fw.version: fw.groups.count() for fw in Framework.objects.all()}
    assert versions == {"2025.1": 6, "2026.1": 7}


def test_the_same_version_with_other_content_is_refused_and_nothing_changes(tmp_path):
    _load(SHIPPED)
    changed = shipped()
    changed["groups"][0]["title"] = "Đã sửa"
    path = tmp_path / "sua.json"
    path.write_bytes(as_bytes(changed))
    with pytest.raises(CommandError, match="2025.1"):
        _load(path)
    assert Framework.objects.get().groups.get(code="0").title == "Sử dụng thiết bị và phần mềm trên thiết bị"


def _broken(mutate):
    content = shipped()
    mutate(content)
    return as_bytes(content)


@pytest.mark.parametrize("data, words", [
    (b"{not json", "JSON"),
    ("khung".encode("utf-16"), "UTF-8"),
    (b"[]", "one object"),
    (_broken(lambda c: c.pop("pass_rule")), "pass_rule"),
    (_broken(lambda c: c["pass_rule"].update(group_pass_share=1.5)), "group_pass_share"),
    (_broken(lambda c: c["groups"][2].pop("provisional")), "provisional"),
    (_broken(lambda c: c["groups"][0]["questions"][0].update(source="")), "source"),
    (_broken(lambda c: c["groups"][1].update(code="0")), "twice"),
    (_broken(lambda c: c["groups"][3].update(questions=[])), "questions"),
    (_broken(lambda c: c["pass_rule"].update(required_groups=["9"])), "required_groups"),
    (_broken(lambda c: c["document"].update(date="29/4/2025")), "YYYY-MM-DD"),
])
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_loaded(tmp_path, data, words):
    path = tmp_path / "bad.json"
    path.write_bytes(data)
    with pytest.raises(CommandError) as caught:
        _load(path)
    assert "Nothing loaded" in str(caught.value)
    assert Framework.objects.count() == 0 and SkillGroup.objects.count() == 0
    with _english():
        with pytest.raises(Exception) as again:
            framework_load(actor=None, data=data)
    assert words in str(again.value.message)


def _english():
    from django.utils import translation

    return translation.override("en")


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _load(tmp_path / "khong-co.json")


def test_only_a_national_administrator_loads_a_framework(world):
    from gocua.errors import Forbidden

    with pytest.raises(Forbidden):
        framework_load(actor=world.users["province_officer"], data=SHIPPED.read_bytes())
    assert json.loads(SHIPPED.read_text())["version"] == "2025.1"
    framework, created = framework_load(actor=world.users["national_admin"], data=SHIPPED.read_bytes())
    assert created and framework.loaded_by == world.users["national_admin"]
