"""Text helpers that need no Django: Vietnamese diacritic folding for search."""

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
_D = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str | None) -> str:
    """Return `text` lower-cased, without diacritics (đ → d) and with single spaces.

    "Nguyễn Văn Trường" → "nguyen van truong"; used for every searchable column
    so that a query typed on a phone without Vietnamese input still matches.
    """
    if not text:
        return ""
    # Word by word, each distinct word folded once: names and addresses are made of a few thousand
    # words (an import folds every row's name). The same result as folding the whole text:
    # decomposition, marks and case never cross whitespace.
    return " ".join(folded for word in text.split() if (folded := _fold_word(word)))


@lru_cache(maxsize=65_536)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.translate(_D))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(stripped.lower().split())


def clean_name(text: str | None) -> str:
    """Return a person or place name in NFC with single spaces (Vietnamese input methods mix NFC/NFD)."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def short_name(text: str | None) -> str:
    """Return a person's name with the given name (the last word) cut to its initial: "Trần Văn A."."""
    words = clean_name(text).split(" ")
    if len(words) < 2:
        return f"{words[0][:1]}." if words[0] else ""
    return " ".join([*words[:-1], f"{words[-1][:1]}."])
