"""Text typed in the legacy Vietnamese font encodings (TCVN3/ABC and VNI) converted to Unicode.

Old spreadsheets were typed with the .VnTime (TCVN3) or VNI-Times fonts: the cells hold Latin-1
characters that only those fonts draw as Vietnamese. "NguyÔn V¨n An" (TCVN3) and "Nguyeãn Vaên An"
(VNI) are both "Nguyễn Văn An". A text is converted only when it shows the encoding's own marks and
no real Vietnamese Unicode letter; `detect` decides for a whole sheet from a sample of its cells.
"""

import re
import unicodedata

TCVN3 = "tcvn3"
VNI = "vni"

# TCVN3 code → Unicode letter. The .VnTime font has lower-case toned letters only (capitals were
# typed in the .VnTimeH font, which draws the same codes as capitals): converted text is lower case there.
TCVN3_TABLE: dict[str, str] = dict(zip(
    "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢£¤¥¦§",
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂÊÔƠƯĐ",
    strict=True,
))
# Latin-1 letters that are also ordinary Vietnamese Unicode letters: alone they prove nothing.
_SHARED = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_TCVN3_STRONG = {ch for ch in TCVN3_TABLE if ch not in _SHARED}

_VNI_MARKS_LOWER = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_MARKS_UPPER = {"Ù": "\u0301", "Ø": "\u0300", "Û": "\u0309", "Õ": "\u0303", "Ï": "\u0323"}
# After a, e, o: circumflex (â) or, after a, breve (ê) combined with a tone.
_VNI_CIRCUMFLEX = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_VNI_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}

    def compose(text: str) -> str:
        return unicodedata.normalize("NFC", text)

    for upper in (False, True):
        marks = _VNI_MARKS_UPPER if upper else _VNI_MARKS_LOWER
        circ = {k.upper() if upper else k: v for k, v in _VNI_CIRCUMFLEX.items()}
        breve = {k.upper() if upper else k: v for k, v in _VNI_BREVE.items()}
        case = str.upper if upper else str.lower
        for vowel in "aeouy":
            for code, mark in marks.items():
                table[case(vowel) + code] = compose(case(vowel) + mark)
        for vowel in "aeo":
            for code, mark in circ.items():
                table[case(vowel) + code] = compose(case(vowel) + "\u0302" + mark)
        for code, mark in breve.items():
            table[case("a") + code] = compose(case("a") + "\u0306" + mark)
        horn_o, horn_u = ("Ô", "Ö") if upper else ("ô", "ö")
        table[horn_o] = compose(case("o") + "\u031b")
        table[horn_u] = compose(case("u") + "\u031b")
        for code, mark in marks.items():
            table[horn_o + code] = compose(case("o") + "\u031b" + mark)
            table[horn_u + code] = compose(case("u") + "\u031b" + mark)
        table[case("æ")] = compose(case("i") + "\u0309")
        table[case("ó")] = compose(case("i") + "\u0303")
        table[case("ò")] = compose(case("i") + "\u0323")
        table[case("î")] = compose(case("y") + "\u0323")
        table[case("ñ")] = case("đ")
    return table


VNI_TABLE = _vni_table()
_VNI_RE = re.compile("|".join(re.escape(k) for k in sorted(VNI_TABLE, key=len, reverse=True)))
# A vowel followed by a VNI mark, or đ: never seen in Unicode Vietnamese.
_VNI_EVIDENCE = re.compile("[aeouyAEOUYôöÔÖ][ùøûõïâáàåãäêéèúüëÙØÛÕÏÂÁÀÅÃÄÊÉÈÚÜË]|ñ|Ñ")


def _has_unicode_vietnamese(text: str) -> bool:
    return any(ord(ch) > 0xFF for ch in text)


def looks_tcvn3(text: str) -> bool:
    """Return whether `text` shows TCVN3 marks and no Unicode Vietnamese letter."""
    return not _has_unicode_vietnamese(text) and any(ch in _TCVN3_STRONG for ch in text)


def looks_vni(text: str) -> bool:
    """Return whether `text` shows VNI mark sequences and no Unicode Vietnamese letter."""
    return not _has_unicode_vietnamese(text) and bool(_VNI_EVIDENCE.search(text))


def from_tcvn3(text: str) -> str:
    """Return TCVN3 text in Unicode (NFC)."""
    return "".join(TCVN3_TABLE.get(ch, ch) for ch in text)


def from_vni(text: str) -> str:
    """Return VNI text in Unicode (NFC)."""
    return _VNI_RE.sub(lambda m: VNI_TABLE[m.group(0)], text)


def detect(texts) -> str | None:
    """Return TCVN3, VNI or None (Unicode) for a sample of a sheet's texts."""
    tcvn3 = vni = unicode = 0
    for text in texts:
        if text.isascii():
            continue
        if _has_unicode_vietnamese(text):
            unicode += 1
        elif _VNI_EVIDENCE.search(text):
            vni += 1
        elif any(ch in _TCVN3_STRONG for ch in text):
            tcvn3 += 1
    if max(tcvn3, vni) <= unicode:
        return None
    return VNI if vni > tcvn3 else TCVN3


def converter(encoding: str | None):
    """Return a function converting one cell's text from `encoding` (None: Unicode, unchanged but NFC)."""
    if encoding is None:
        return None
    convert = from_vni if encoding == VNI else from_tcvn3

    def cell(text: str) -> str:
        if text.isascii() or _has_unicode_vietnamese(text):
            return text
        return unicodedata.normalize("NFC", convert(text))

    return cell
