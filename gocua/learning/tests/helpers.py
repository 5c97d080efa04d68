"""Framework files for the learning tests: the shipped one, and a revision of it."""

import copy
import json
from pathlib import Path

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "skills_framework_v1.json"


def shipped() -> dict:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def as_bytes(content: dict) -> bytes:
    return json.dumps(content, ensure_ascii=False).encode()


def revision() -> dict:
    """Return a 2026 revision: group 5 renamed, a new group 6 on AI, one question fewer in group 0."""
    content = copy.deepcopy(shipped())
    content["version"] = "2026.1"
    content["groups"][0]["questions"] = content["groups"][0]["questions"][:1]
    content["groups"][5]["title"] = "Kinh tế số: thanh toán, mua bán trực tuyến"
    content["groups"].append({
        "code": "6", "title": "Sử dụng trí tuệ nhân tạo an toàn", "source": "test", "provisional": True,
        "skills": [{"code": "6.1", "title": "Hỏi trợ lý AI", "source": "test", "provisional": True}],
        "questions": [{"code": "6.a", "text": "Tự hỏi một trợ lý AI và kiểm tra câu trả lời", "source": "test",
                       "provisional": True}],
    })
    return content


def all_yes(framework) -> dict:
    return {q["code"]: True for g in framework.groups.all() for q in g.questions}
