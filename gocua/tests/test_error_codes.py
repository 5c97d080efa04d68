"""Every error code the code base answers with is declared once, in an app's registry, with both messages.

The codes are read from the source (not from the registries): the first argument of every
DomainError (or subclass) call, `code=` keywords, the `{"code": …}` answers and the API's own
handlers. A code built at run time is only allowed at the sites listed in DYNAMIC, which say
which codes they can produce.
"""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

from gocua import errors

ROOT = Path(errors.__file__).parent
CATALOGUE = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def _field_upload_codes() -> set[str]:
    from gocua.field import upload

    return set(upload._messages())


def _citizen_id_codes() -> set[str]:
    from gocua.households.services import CITIZEN_ID_MESSAGES

    return set(CITIZEN_ID_MESSAGES)


# (file, function) of each place that builds a code at run time → the codes it can produce.
DYNAMIC = {
    ("community/services/_common.py", "clean_line"): lambda: {"title_required", "description_required",
                                                                "reason_required"},
    ("field/download.py", "_bad"): lambda: {"cursor_invalid", "since_invalid"},
    ("field/upload.py", "parse_record"): _field_upload_codes,
    ("households/services.py", "resident_apply_citizen_id"): _citizen_id_codes,
    ("api/api.py", "http_error"): lambda: {"bad_request", "forbidden", "not_found", "method_not_allowed", "error"},
    # A hostile workbook's refusal: built by the limits, passed on unchanged by the reader.
    ("imports/limits.py", "_refuse"): lambda: set(LIMIT_CODES),
    ("imports/reader.py", "detect_format"): lambda: set(LIMIT_CODES),
    # A background task records the refusal it met (any declared code) or "task_failed".
    ("imports/tasks.py", "_fail"): lambda: {"task_failed"},
}
LIMIT_CODES = ("file_too_many_cells", "file_too_many_columns", "file_too_many_strings", "file_unpacks_too_large",
               "file_xml_entities")


def _name(node) -> str | None:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative or relative == "testing.py":
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"))


def _error_classes(trees) -> set[str]:
    names = {"DomainError"}
    while True:
        found = {
            node.name for _, tree in trees for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef) and any(_name(b) in names for b in node.bases)
        }
        if found <= names:
            return names
        names |= found


def _functions(tree):
    """Yield (function name, node) for every node, with the innermost enclosing function's name."""
    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef) else function
            yield inner, child
            yield from visit(child, inner)

    yield from visit(tree, None)


def _code_arg(node: ast.AST, members: dict) -> str | None:
    """Return the code an argument names, a literal or a registry member; None when built at run time."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute) and node.attr in members:
        return members[node.attr]
    return None


def scan() -> tuple[dict[str, set[str]], set[tuple[str, str | None]]]:
    """Return {code: files using it} and the (file, function) sites that build a code at run time."""
    trees = list(_sources())
    classes = _error_classes(trees)
    members = {m.name: m.value for registry in errors.registries() for m in registry}
    used: dict[str, set[str]] = {}
    dynamic: set[tuple[str, str | None]] = set()

    def use(code, where):
        used.setdefault(code, set()).add(where)

    for relative, tree in trees:
        for function, node in _functions(tree):
            if isinstance(node, ast.Call):
                callee = _name(node.func)
                if callee in classes or (callee == "__init__" and function == "__init__"):
                    args = [k.value for k in node.keywords if k.arg == "code"] or node.args[:1]
                    if callee == "__init__" and not args:
                        continue
                    code = _code_arg(args[0], members) if args else None
                    if code is not None:
                        use(code, relative)
                    elif not (callee == "__init__" or _defines_own_code(trees, callee)):
                        dynamic.add((relative, function))
                elif callee in ("_error", "_failed"):
                    position = 2 if len(node.args) >= 3 else 1 if callee == "_failed" else 0
                    argument = node.args[position] if len(node.args) > position else None
                    if isinstance(argument, ast.Attribute) and argument.attr == "code":
                        continue  # passes on a DomainError's code, declared where it is raised
                    code = _code_arg(argument, members) if argument is not None else None
                    if code is not None and SNAKE.match(code):
                        use(code, relative)
                    else:
                        dynamic.add((relative, function))
            elif isinstance(node, ast.Dict):
                keys = {k.value: v for k, v in zip(node.keys, node.values, strict=True) if isinstance(k, ast.Constant)}
                code = keys.get("code")
                if ({"message", "status"} & set(keys) and isinstance(code, ast.Constant)
                        and isinstance(code.value, str) and SNAKE.match(code.value)):
                    use(code.value, relative)
            elif isinstance(node, ast.Tuple) and relative == "api/api.py" and len(node.elts) == 2:
                code, message = node.elts
                if isinstance(code, ast.Constant) and isinstance(message, ast.Call) and _name(message.func) == "_":
                    use(code.value, relative)
    return used, dynamic


def _defines_own_code(trees, class_name) -> bool:
    """Return whether an error class's own __init__ passes a literal code to DomainError."""
    for _, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name == class_name:
                return any(
                    isinstance(call, ast.Call) and _name(call.func) == "__init__" and call.args
                    and isinstance(call.args[0], ast.Constant)
                    for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"
                    for call in ast.walk(f)
                )
    return False


@pytest.fixture(scope="module")
def scanned():
    return scan()


def test_the_scan_finds_the_codes_of_every_kind_of_site(scanned):
    used, _ = scanned
    assert {"village_exists", "not_found", "forbidden", "method_not_allowed", "throttled", "too_many_attempts",
            "uuid_reused", "field_conflict", "server_error", "token_invalid"} <= set(used)
    assert len(used) > 150


def test_every_code_used_in_the_code_base_is_declared(scanned):
    used, _ = scanned
    undeclared = {code: sorted(where) for code, where in used.items() if code not in errors.declared()}
    assert not undeclared, f"declare these codes in their app's errors.py: {undeclared}"


def test_codes_are_built_at_run_time_only_at_the_known_sites(scanned):
    _, dynamic = scanned
    assert dynamic == set(DYNAMIC), "a new site builds a code at run time: list it and its codes in DYNAMIC"
    for site, codes in DYNAMIC.items():
        missing = codes() - set(errors.declared())
        assert not missing, (site, missing)


def test_every_code_is_declared_once():
    seen: dict[str, str] = {}
    for registry in errors.registries():
        for member in registry:
            assert member.value not in seen, f"{member.value} is declared in {seen[member.value]} and {registry}"
            seen[member.value] = registry.__name__
    assert len(seen) == len(errors.declared())


def test_every_app_registry_is_listed():
    on_disk = {f"gocua.{p.parent.name}.errors" for p in ROOT.glob("*/errors.py")}
    assert on_disk | {"gocua.errors"} == set(errors.REGISTRY_MODULES)


def test_every_declared_code_has_an_english_and_a_vietnamese_message():
    catalogue = {e.msgid: e for e in polib.pofile(str(CATALOGUE))}
    for code, member in errors.declared().items():
        assert SNAKE.match(code), code
        with translation.override("en"):
            english = str(member.message)
        assert english.strip(), code
        entry = catalogue.get(english)
        assert entry is not None and entry.msgstr.strip() and "fuzzy" not in entry.flags, (
            f"{code}: no Vietnamese for {english!r}"
        )


def test_a_registry_member_is_its_code_string_and_brings_its_message():
    from gocua.places.errors import PlaceErrorCode

    error = errors.DomainError(PlaceErrorCode.VILLAGE_EXISTS, field="name")
    assert error.code == "village_exists" and {"village_exists": 1}[error.code] == 1
    with translation.override("vi"):
        assert str(error.message) == "Xã này đã có thôn mang tên này."


def test_the_api_error_schema_lists_every_code(db):
    from gocua.testing import ApiClient

    spec = ApiClient().get("/openapi.json").json()
    code = spec["components"]["schemas"]["ErrorOut"]["properties"]["code"]
    assert code["enum"] == sorted(errors.declared())
