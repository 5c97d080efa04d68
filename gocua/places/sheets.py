"""Read a split sheet: two columns, household key → new village name (a header row is allowed)."""

import io

from django.utils.translation import gettext_lazy as _

from gocua.errors import DomainError
from gocua.lib.calamine import panics_as
from gocua.lib.text import clean_name, fold

MAX_ROWS = 20_000  # a village has a few hundred households; more is the wrong file


def _unreadable() -> DomainError:
    return DomainError("sheet_unreadable", _("This file cannot be read as a spreadsheet (.xlsx, .xls or .ods)."),
                       field="sheet")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a key typed as a number comes back as 12.0
    return str(value).strip()


def split_rows(data: bytes) -> list[tuple[str, str]]:
    """Return (household key, new village name) pairs from an .xlsx/.xls/.ods sheet's first sheet."""
    import python_calamine

    try:
        with panics_as(_unreadable):
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            rows = book.get_sheet_by_index(0).to_python()
    except python_calamine.PasswordError:
        raise DomainError("sheet_protected", _("The sheet is protected by a password; save it without one."),
                          field="sheet") from None
    except (python_calamine.CalamineError, ValueError, OSError, IndexError):
        raise _unreadable() from None
    pairs = []
    for row in rows[: MAX_ROWS + 1]:
        key, name = (_cell(row[0]) if row else ""), (_cell(row[1]) if len(row) > 1 else "")
        if key or name:
            pairs.append((key, name))
    if len(pairs) > MAX_ROWS:
        raise DomainError("sheet_too_long", _("The sheet has more than %(n)s rows.") % {"n": MAX_ROWS}, field="sheet")
    return pairs


def split_parts(pairs: list[tuple[str, str]], known_keys: set[str]) -> list[dict]:
    """Group the pairs into split parts, in the order the new villages first appear.

    A first row whose key is not a household of the village is taken as the header.
    """
    if pairs and pairs[0][0] not in known_keys:
        pairs = pairs[1:]
    parts: dict[str, dict] = {}
    for number, (key, name) in enumerate(pairs, start=2):
        name = clean_name(name)
        if not key or not name:
            raise DomainError("sheet_row_incomplete",
                              _("Row %(row)s needs both a household key and a new village name.") % {"row": number},
                              field="sheet")
        part = parts.setdefault(fold(name), {"name": name, "households": []})
        part["households"].append(key)
    return list(parts.values())


def commune_split_rows(data: bytes, *, text: bool = False) -> list[tuple[str, str, str]]:
    """Return (village, new commune code, new commune name) rows from a sheet or, with `text`, from lines.

    Lines are comma-separated ("09784-001, 99901, Xã Đan Phượng Bắc"); a sheet's first three columns.
    """
    if text:
        try:
            lines = data.decode("utf-8-sig").splitlines()
        except UnicodeDecodeError:
            raise _unreadable() from None
        rows = [[cell.strip() for cell in line.split(",", 2)] for line in lines[: MAX_ROWS + 1] if line.strip()]
    else:
        import python_calamine

        try:
            with panics_as(_unreadable):
                book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
                rows = [[_cell(c) for c in row[:3]] for row in book.get_sheet_by_index(0).to_python()[: MAX_ROWS + 1]]
        except python_calamine.PasswordError:
            raise DomainError("sheet_protected", _("The sheet is protected by a password; save it without one."),
                              field="sheet") from None
        except (python_calamine.CalamineError, ValueError, OSError, IndexError):
            raise _unreadable() from None
    if len(rows) > MAX_ROWS:
        raise DomainError("sheet_too_long", _("The sheet has more than %(n)s rows.") % {"n": MAX_ROWS}, field="sheet")
    return [tuple((row + ["", "", ""])[:3]) for row in rows if any(row)]


def commune_split_parts(rows: list[tuple[str, str, str]], villages) -> list[dict]:
    """Group (village code or name, new code, new name) rows into commune split parts, in order of appearance.

    A village may be named by its code or its name; a first row naming no village is the header.
    The new commune's name may be left out after its first row.
    """
    by_key = {}
    for village in villages:
        by_key[village.code] = village.code
        by_key[fold(village.name)] = village.code
    first = 1
    if rows and by_key.get(rows[0][0]) is None and by_key.get(fold(rows[0][0])) is None:
        rows, first = rows[1:], 2
    parts: dict[str, dict] = {}
    for number, (village, code, name) in enumerate(rows, start=first):
        code, name = code.strip(), clean_name(name)
        if not village.strip() or not code or (code not in parts and not name):
            raise DomainError("split_line_invalid",
                              _("Line %(line)s needs a village code, a new commune code and its name.") % {"line": number},
                              field="parts")
        part = parts.setdefault(code, {"code": code, "name": name, "villages": []})
        part["villages"].append(by_key.get(village.strip()) or by_key.get(fold(village)) or village.strip())
    return list(parts.values())
