"""Vietnamese phone numbers, parsed with Google's libphonenumber.

Numbers are accepted as people write them (+84 912 345 678, 84912345678, 0912.345.678,
(0912) 345 678, 912345678 from a number cell that lost its 0) and the 11-digit mobile numbers
renumbered in 2018 are converted to today's 10-digit number (0162… → 032…).
"""

import re

import phonenumbers

# Mobile prefixes renumbered in 2018 (Ministry of Information and Communications): old → new.
RENUMBERED_2018 = {
    "0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036", "0167": "037", "0168": "038",
    "0169": "039",  # Viettel
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",  # MobiFone
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",  # VinaPhone
    "0186": "056", "0188": "058",  # Vietnamobile
    "0199": "059",  # Gmobile
}
_SEPARATORS = re.compile(r"[\s.\-()/]")


class PhoneError(ValueError):
    """The text is not a valid Vietnamese phone number."""


def national_digits(text: str) -> str:
    """Return the number as national digits (0…), renumbered if it is a pre-2018 11-digit mobile.

    Text that is not only digits and separators (after an optional +) is returned stripped, unchanged.
    """
    text = (text or "").strip()
    compact = _SEPARATORS.sub("", text)
    if compact.startswith("+"):
        if not compact[1:].isdigit():
            return text
        compact = compact[1:] if compact.startswith("+84") else compact
        if not compact.startswith("84"):
            return text  # another country: libphonenumber refuses it below
    if not compact.isdigit():
        return text
    if compact.startswith("84") and len(compact) in (11, 12):
        compact = "0" + compact[2:]
    elif compact.startswith("0084"):
        compact = "0" + compact[4:]
    elif not compact.startswith("0") and len(compact) in (9, 10):
        compact = "0" + compact  # a number cell dropped the leading zero
    if len(compact) == 11 and compact[:4] in RENUMBERED_2018:
        compact = RENUMBERED_2018[compact[:4]] + compact[4:]
    return compact


def _mobile_patterns():
    """Return libphonenumber's own patterns of a valid Vietnamese number and of a mobile one."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("VN")
    return (re.compile(metadata.general_desc.national_number_pattern),
            re.compile(metadata.mobile.national_number_pattern))


_VALID, _MOBILE = _mobile_patterns()


def normalise(text: str) -> str:
    """Return the number in national form (0912345678) or raise PhoneError."""
    text = national_digits(text)
    # Most numbers in a roster are ordinary 10-digit mobiles: matching libphonenumber's own mobile
    # pattern is what is_valid_number does for them, at a tenth of the cost of a full parse.
    if len(text) == 10 and text[0] == "0" and text.isdigit():
        national = text[1:]
        if _MOBILE.fullmatch(national) and _VALID.fullmatch(national):
            return text
    try:
        parsed = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException as exc:
        raise PhoneError(str(exc)) from None
    if parsed.country_code != 84 or not phonenumbers.is_valid_number(parsed):
        raise PhoneError("invalid")
    return "0" + str(parsed.national_number)


def mask(number: str) -> str:
    """Return the phone with the middle hidden: 091****678."""
    return f"{number[:3]}{'*' * max(len(number) - 6, 0)}{number[-3:]}" if len(number) > 6 else number
