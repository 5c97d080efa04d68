"""Read a split sheet: two columns, household key → new village name (a header row is allowed)."""

import io

from django.utils.translation import gettext_lazy as _

from gocua.errors import DomainError
from gocua.lib.text import clean_name, fold

MAX_ROWS = 20_000  # a village has a few hundred households; more is the wrong file


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
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = book.get_sheet_by_index(0).to_python()
    except python_calamine.PasswordError:
        raise DomainError("sheet_protected", _("The sheet is protected by a password; save it without one."),
                          field="sheet") from None
    except (python_calamine.CalamineError, ValueError, OSError, IndexError):
        raise DomainError("sheet_unreadable", _("This file cannot be read as a spreadsheet (.xlsx, .xls or .ods)."),
                          field="sheet") from None
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
