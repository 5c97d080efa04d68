"""Problem codes of an import and their messages (rendered in the reader's language)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from gocua.households.services import CITIZEN_ID_MESSAGES, MIN_BIRTH_YEAR

MESSAGES = {
    # reading the cells
    "birth_invalid": _("The date or year of birth cannot be read: write a year (1980) or a date (03/05/1980)."),
    "gender_unknown": _("Write the gender as Nam or Nữ."),
    "relation_unknown": _("Unknown relation to the head of household: \"%(value)s\"."),
    "relation_ambiguous": _("Write \"bà\" (grandmother) or \"ba\" (father) with diacritics."),
    "status_unknown": _("Unknown status \"%(value)s\": write Đang ở, Đi làm ăn xa, Đã chuyển đi or Đã mất."),
    "mark_unknown": _("Unknown mark \"%(value)s\": write x for yes, không for no, or leave the cell empty."),
    "household_key_missing": _("The household key is empty."),
    "too_long": _("This value is too long (at most %(max)s characters)."),
    # the services' own rules
    "name_required": _("Enter the full name."),
    "birth_year_required": _("Enter the year of birth."),
    "birth_year_impossible": _("The year of birth must be between %(low)s and %(high)s."),
    "birth_date_mismatch": _("The date of birth does not match the year of birth."),
    "gender_required": _("Choose male or female."),
    "relation_required": _("Choose the relation to the head of household."),
    "status_invalid": _("Choose a valid status."),
    "phone_invalid": _("This is not a valid Vietnamese phone number."),
    "indicator_value": _("Indicators are yes, no or unknown."),
    **CITIZEN_ID_MESSAGES,
    "citizen_id_taken": _("This citizen ID is already registered."),
    "citizen_id_stored_mismatch": _(
        "The citizen ID on record no longer matches this gender and year of birth; give the right citizen ID."
    ),
    # duplicates within the file
    "citizen_id_repeated": _("This citizen ID is also on row %(row)s of this file."),
    "person_repeated": _("The same person (name and year of birth) is also on row %(row)s in this household."),
    # addresses and villages
    "address_missing": _("The address is empty."),
    "address_unknown": _(
        "The commune in this address cannot be found: write the village, commune (xã/phường) and province."
    ),
    "address_outside": _("This address is in %(commune)s, not in %(target)s."),
    "address_ambiguous": _("%(legacy)s was split in 2025: choose its new commune above."),
    "no_village": _("The address does not name a village (thôn, xóm, tổ dân phố…) before the commune."),
    "village_skipped": _("You chose not to import the village \"%(name)s\"."),
    # households
    "household_no_head": _("Nobody in household %(key)s is the head of household (Chủ hộ)."),
    "household_second_head": _("Household %(key)s already has a head of household on row %(row)s."),
    "household_has_head": _("Household %(key)s already has a different head of household."),
    # households formed from the sheet (no key column)
    "household_starts_without_head": _(
        "These rows (%(rows)s) come before any head of household (Chủ hộ): put the head first in each household."
    ),
}
# Problems that say nothing wrong with the row itself: it waits for a choice on the preview page.
WAITING_CODES = {"address_ambiguous"}


@dataclass
class Problem:
    row: int
    field: str
    code: str
    params: dict = field(default_factory=dict)
    text: str = ""  # a message already rendered (codes this module does not know)

    def as_dict(self) -> dict:
        data = {"row": self.row, "field": self.field, "code": self.code}
        if self.params:
            data["params"] = self.params
        if self.text:
            data["text"] = self.text
        return data


def message(problem: dict) -> str:
    """Return the message of a stored problem in the active language."""
    template = MESSAGES.get(problem["code"])
    if template is None:
        return problem.get("text") or problem["code"]
    params = problem.get("params") or {}
    return str(template) % params if params else str(template)


def from_domain_error(row: int, exc, default_field: str) -> Problem:
    """Return a Problem for a DomainError raised by a households service."""
    params = {}
    if exc.code == "birth_year_impossible":
        from django.utils import timezone

        params = {"low": MIN_BIRTH_YEAR, "high": timezone.localdate().year}
    text = "" if exc.code in MESSAGES else str(exc.message)
    return Problem(row, exc.field or default_field, exc.code, params, text)
