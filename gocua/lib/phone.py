"""Vietnamese phone numbers, parsed with Google's libphonenumber."""

import phonenumbers


class PhoneError(ValueError):
    """The text is not a valid Vietnamese phone number."""


def normalise(text: str) -> str:
    """Return the number in national form (0912345678) or raise PhoneError."""
    text = (text or "").strip()
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
