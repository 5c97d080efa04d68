"""Resolve roster addresses to today's commune and a village, offline.

Addresses come in the legacy three-level form ("Thôn Tháp Thượng, Xã Song Phượng, Huyện Đan
Phượng, Hà Nội") or the 2025 two-level form ("Thôn Tháp Thượng, Xã Đan Phượng, Hà Nội"), with or
without diacritics. The `vietnamadminunits` parsers (pure text matching) find the units; the
legacy → 2025 step is read from the wheel's `converter_2025.json` here instead of calling
`convert_address`, which geocodes online whenever a legacy commune was split and any text
stands before it. A split commune gives its candidates (the library's default first) for the
officer to choose from.
"""

import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from gocua.lib.text import fold
from gocua.places.models import Kind

FOUND, VILLAGE_ONLY, UNKNOWN = "found", "village_only", "unknown"

# Folded prefixes naming a village part, longest first; None = by the commune's kind.
VILLAGE_PREFIXES: list[tuple[str, str | None]] = [
    ("to dan pho", Kind.TO_DAN_PHO), ("khu dan cu", Kind.TO_DAN_PHO), ("khu pho", Kind.TO_DAN_PHO),
    ("tdp", Kind.TO_DAN_PHO), ("kdc", Kind.TO_DAN_PHO), ("kp", Kind.TO_DAN_PHO), ("khom", Kind.TO_DAN_PHO),
    ("to", Kind.TO_DAN_PHO), ("thon", Kind.THON), ("xom", Kind.THON), ("lang", Kind.THON), ("doi", Kind.THON),
    ("buon", Kind.THON), ("plei", Kind.THON), ("soc", Kind.THON), ("ap", Kind.AP), ("ban", Kind.BAN),
    ("khu", None),
]
_VILLAGE_RE = re.compile(r"^(" + "|".join(re.escape(p) for p, _k in VILLAGE_PREFIXES) + r")(?=\s|\d|$)")
# A part that names a commune, district or province, not a village or a house.
_ADMIN_RE = re.compile(r"^(xa|phuong|thi tran|tt|huyen|quan|thi xa|tx|thanh pho|tp|tinh|p|q|h|x)(?=\s|\d|$)")
_WARD_RE = re.compile(r"^(xa|phuong|thi tran|tt|p|x)(?=\s|\d|$)")
_ADMIN_WORD_RE = re.compile(r"\b(xa|phuong|thi tran|huyen|quan|thi xa|thanh pho|tinh)\b")


@dataclass(frozen=True)
class Resolution:
    """Where an address lands: today's commune (or a split commune's candidates) and the village part."""

    kind: str
    targets: tuple[str, ...] = ()  # one commune, or a split legacy commune's candidates (default first)
    legacy_code: str = ""  # the legacy commune's code (what a choice is keyed by)
    legacy_label: str = ""  # "Xã Tân Thạnh, Huyện Thới Lai, Thành phố Cần Thơ"
    village_text: str = ""  # the village part as written
    address_line: str = ""  # the parts before the village (house number, lane)

    def as_list(self) -> list:
        return [self.kind, list(self.targets), self.legacy_code, self.legacy_label, self.village_text,
                self.address_line]

    @classmethod
    def from_list(cls, data: list) -> "Resolution":
        kind, targets, *rest = data
        return cls(kind, tuple(targets), *rest)


# --- the wheel's tables ------------------------------------------------------------------------


def _data_dir() -> Path:
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).parent / "data"


@cache
def _tables() -> tuple[dict, dict]:
    """Return (legacy commune key → new commune code, split legacy commune key → candidate codes)."""
    with open(_data_dir() / "converter_2025.json", encoding="utf-8") as fh:
        data = json.load(fh)
    connection = sqlite3.connect(f"file:{_data_dir() / 'dataset.db'}?mode=ro", uri=True)
    try:
        codes = {
            (p, w): code
            for p, w, code in connection.execute("SELECT provinceKey, wardKey, wardCode FROM admin_units")
        }
    finally:
        connection.close()
    merged = {
        old_key: codes[(province, ward)]
        for province, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items()
        for ward, old_keys in wards.items()
        for old_key in old_keys
    }
    divided = {
        old_key: tuple(
            codes[(province, c["newWardKey"])]
            for c in sorted(candidates, key=lambda c: not c["isDefaultNewWard"])
        )
        for province, olds in data["DICT_PROVINCE_WARD_DIVIDED"].items()
        for old_key, candidates in olds.items()
    }
    return merged, divided


@cache
def _parsers():
    from vietnamadminunits.parser.parser_from_2025 import parse_address_from_2025
    from vietnamadminunits.parser.parser_legacy import parse_address_legacy
    from vietnamadminunits.parser.utils import key_normalize

    return parse_address_legacy, parse_address_from_2025, key_normalize


# --- resolution --------------------------------------------------------------------------------


def clean_address(text) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text or "")).split())


def _folded_part(part: str) -> str:
    return " ".join(fold(part).replace(".", " ").split())


def _district_is_real(parts: list[str], unit, key_normalize) -> bool:
    """Return whether the legacy district was named by its own part, not inside a commune's name.

    "Xã Đan Phượng, Hà Nội" (2025 form) contains "Đan Phượng", the name of a legacy district; the
    legacy parser then finds that district, which the address never named.
    """
    district = key_normalize(unit.short_district or "")
    if not district:
        return False
    holders = [p for p in parts if district in key_normalize(p)]
    return any(not _WARD_RE.match(_folded_part(p)) for p in holders)


def _legacy_targets(unit) -> tuple[str, ...]:
    merged, divided = _tables()
    old_key = f"{unit.province_key}_{unit.district_key}_{unit.ward_key}"
    if old_key in merged:
        return (merged[old_key],)
    return divided.get(old_key, ())


def _street_parts(text: str, parts: list[str], street: str | None) -> list[str]:
    if not street:
        return []
    count = street.count(",") + 1
    if count < len(parts):
        return parts[:count]
    # No commas between the village and the commune: keep the village's own spelling.
    return [text[: len(street)].strip()] if fold(text).startswith(fold(street)) else [street]


def _village_of(street_parts: list[str]) -> tuple[str, str]:
    """Return (village part, address line) from the parts before the commune."""
    index = next(
        (i for i in range(len(street_parts) - 1, -1, -1) if _VILLAGE_RE.match(_folded_part(street_parts[i]))),
        len(street_parts) - 1,
    )
    return street_parts[index], ", ".join(street_parts[:index])


def resolve(text) -> Resolution:
    """Resolve one address (never touches the network)."""
    text = clean_address(text)
    if not text:
        return Resolution(UNKNOWN)
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) == 1 and not _ADMIN_WORD_RE.search(_folded_part(text)):
        # A "Thôn/xóm" column: the village alone, in the commune being imported into.
        return Resolution(VILLAGE_ONLY, village_text=parts[0])
    parse_legacy, parse_new, key_normalize = _parsers()
    legacy = parse_legacy(text, keep_street=True, level=3)
    new = None
    if not (legacy.ward_key and _district_is_real(parts, legacy, key_normalize)):
        new = parse_new(text, keep_street=True, level=2)
    legacy_code = legacy_label = ""
    if new is not None and new.ward_key:
        targets, street = (new.ward_code,), new.street
    elif legacy.ward_key:
        targets, street = _legacy_targets(legacy), legacy.street
        legacy_code = legacy.ward_code or ""
        legacy_label = ", ".join(filter(None, [legacy.ward, legacy.district, legacy.province]))
    elif not any(_ADMIN_RE.match(_folded_part(p)) for p in parts[1:]):
        village, line = _village_of(parts)
        return Resolution(VILLAGE_ONLY, village_text=village, address_line=line)
    else:
        return Resolution(UNKNOWN)
    if not targets:
        return Resolution(UNKNOWN)
    street_parts = _street_parts(text, parts, street)
    village, line = _village_of(street_parts) if street_parts else ("", "")
    return Resolution(FOUND, targets, legacy_code, legacy_label, village, line)


class Resolver:
    """Resolve addresses for one import, each distinct text once (the cache travels with the batch)."""

    def __init__(self, known: dict[str, list] | None = None):
        self.cache: dict[str, Resolution] = {k: Resolution.from_list(v) for k, v in (known or {}).items()}

    def __call__(self, text) -> Resolution:
        key = clean_address(text)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = resolve(key)
        return found

    def dump(self) -> dict[str, list]:
        return {k: v.as_list() for k, v in self.cache.items()}


# --- villages ----------------------------------------------------------------------------------


def village_key(name: str) -> str:
    """Return a village name without its kind word and diacritics ("Tổ dân phố số 5" → "5")."""
    text = _folded_part(name)
    match = _VILLAGE_RE.match(text)
    if match:
        text = text[match.end():].strip()
        text = text[3:] if text.startswith("so ") else text
    return text or _folded_part(name)


def village_kind(name: str, commune_kind: str) -> str:
    """Return the kind of village a name says (thôn, ấp, bản, tổ dân phố), else the commune's usual one."""
    match = _VILLAGE_RE.match(_folded_part(name))
    kind = dict(VILLAGE_PREFIXES).get(match.group(1)) if match else None
    return kind or (Kind.TO_DAN_PHO if commune_kind == Kind.PHUONG else Kind.THON)


def display_name(variants: list[str]) -> str:
    """Return the best spelling of a village among those seen: most diacritics, capitalised."""
    best = max(variants, key=lambda v: (sum(1 for ch in v if ord(ch) > 127), v))
    if best == best.lower():
        best = " ".join(word[:1].upper() + word[1:] for word in best.split())
    return best[:120]
