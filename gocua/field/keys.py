"""Permanent household keys for households registered offline under a temporary key."""

import re
from collections import Counter

from gocua.errors import DomainError
from gocua.households import services as household_services
from gocua.households.models import Household

_NUMBERED = re.compile(r"^(.*?)(\d+)$")
ATTEMPTS = 5


def next_household_key(village) -> str:
    """Return the next free number in the village, in the style most of its keys use (TT-101 after TT-100)."""
    prefixes: Counter = Counter()
    highest: dict[str, tuple[int, int]] = {}
    for key in Household.objects.filter(village=village).values_list("household_key", flat=True):
        match = _NUMBERED.match(key)
        if match:
            prefix, digits = match.groups()
            prefixes[prefix] += 1
            highest[prefix] = max(highest.get(prefix, (0, 0)), (int(digits), len(digits)))
    if not prefixes:
        return "001"
    prefix = prefixes.most_common(1)[0][0]
    number, width = highest[prefix]
    return f"{prefix}{number + 1:0{width}d}"


def household_create_numbered(*, actor, village, address_line: str) -> Household:
    """Register a household under the village's next free key, trying again when another upload took it."""
    for _attempt in range(ATTEMPTS):
        try:
            return household_services.household_create(
                actor=actor, village=village, household_key=next_household_key(village), address_line=address_line
            )
        except DomainError as exc:
            if exc.code != "household_key_taken":
                raise
            last = exc
    raise last
