"""What a resident or a household still needs: the definitions behind the work lists.

One place for the rules, as SQL filters (for lists and counts) and as Python checks (for
the reasons shown on each row), so that the two never disagree:

- a resident *lacks an essential* when they are counted (living here or away for work),
  aged 15 or over, and one of indicators.ESSENTIALS is "no" (unknown is never "no");
- a household *has no one proficient in the five basic skills* when it has counted
  residents and none of them has all of indicators.BASIC_SKILLS at "yes" (the 2024 target);
- a household *lacks essentials* when either is true;
- a household is *left behind* when it lacks essentials and had no visit (not deleted) in the
  last LEFT_BEHIND_DAYS days: `recent_visit_q` (SQL) and `visited_recently` (Python) both take
  the window's first day from `first_recent_day`, the one place the boundary is written. The
  list, the rollups, their independent recompute, the field download and the API all use them.
"""

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.households.indicators import BASIC_SKILLS, ESSENTIALS, INDICATOR_LABELS, Tri
from gocua.households.models import Resident

ADULT_AGE = 15
# The left-behind window: change it here and every list, figure and download follows.
LEFT_BEHIND_DAYS = 30
FIVE_SKILLS = "five_skills"
ESSENTIAL_SHORT = {
    "smartphone": _("no smartphone"),
    "vneid_level2": _("no VNeID level 2"),
    "payment_account": _("no payment account"),
}
NO_FIVE_SKILLS = _("no one proficient in all five basic skills")
NO_FIVE_SKILLS_FILTER = _("Household: no one proficient in all five basic skills")

# Age bands of the left-behind filter: (code, label, lowest age, highest age or None).
AGE_BANDS = [
    ("15-35", _("15–35 years"), 15, 35),
    ("36-59", _("36–59 years"), 36, 59),
    ("60+", _("60 years and over"), 60, None),
]
AGE_BAND_CODES = [code for code, *_rest in AGE_BANDS]


def this_year() -> int:
    return timezone.localdate().year


def counted_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": Resident.COUNTED_STATUSES})


def adult_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}birth_year__lte": this_year() - ADULT_AGE})


def age_band_q(code: str, prefix: str = "") -> Q:
    """Return the filter for residents whose age (this year minus birth year) is in the band."""
    for band, _label, low, high in AGE_BANDS:
        if band == code:
            q = Q(**{f"{prefix}birth_year__lte": this_year() - low})
            if high is not None:
                q &= Q(**{f"{prefix}birth_year__gte": this_year() - high})
            return q
    return Q()


def lacking_q(indicator: str = "", prefix: str = "") -> Q:
    """Return the filter for counted adults lacking `indicator` (any essential when empty)."""
    names = [indicator] if indicator else ESSENTIALS
    missing = Q()
    for name in names:
        missing |= Q(**{f"{prefix}{name}": Tri.NO})
    return counted_q(prefix) & adult_q(prefix) & missing


def first_recent_day(ref: dt.date, days: int = LEFT_BEHIND_DAYS) -> dt.date:
    """Return the earliest visit date that still counts as "visited in the last `days` days" on `ref`.

    The last 30 days are today and the 29 days before it: a household visited exactly 30 days
    ago has gone 30 days without a visit, so it is left behind again on that day (a monthly round
    comes due on the day, not one day late). `days=0` means no visit counts as recent.
    """
    return ref - dt.timedelta(days=days - 1)


def recent_visit_q(ref: dt.date, days: int = LEFT_BEHIND_DAYS, prefix: str = "") -> Q:
    """Return the filter for visits that count as recent on `ref` (deletion is the caller's filter)."""
    return Q(**{f"{prefix}visited_on__gte": first_recent_day(ref, days)})


def visited_recently(visit_days, ref: dt.date, days: int = LEFT_BEHIND_DAYS) -> bool:
    """Return whether any of `visit_days` (dates of live visits) counts as recent on `ref`."""
    since = first_recent_day(ref, days)
    return any(day >= since for day in visit_days)


def proficient_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}{name}": Tri.YES for name in BASIC_SKILLS})


def household_flags(residents=None) -> dict:
    """Return Exists() annotations on households: has_people, has_proficient, lacks_essential.

    `residents` narrows which residents count for has_people and lacks_essential (an age band).
    """
    base = Resident.objects.filter(counted_q(), household=OuterRef("pk"))
    narrowed = base.filter(residents) if residents is not None else base
    return {
        "has_people": Exists(narrowed),
        "has_proficient": Exists(base.filter(proficient_q())),
        "lacks_essential": Exists(narrowed.filter(lacking_q())),
    }


def lacks_q() -> Q:
    """Return the filter on households annotated with household_flags() that lack essentials."""
    return Q(lacks_essential=True) | Q(has_people=True, has_proficient=False)


# --- the same rules in Python, for the reasons on each row --------------------------------------


def resident_is_counted(resident) -> bool:
    return resident.status in Resident.COUNTED_STATUSES


def resident_lacks(resident) -> list[str]:
    """Return the essentials this resident lacks (empty for children and people no longer here)."""
    if not resident_is_counted(resident) or resident.birth_year > this_year() - ADULT_AGE:
        return []
    return [name for name in ESSENTIALS if getattr(resident, name) == Tri.NO]


def resident_is_proficient(resident) -> bool:
    return all(getattr(resident, name) == Tri.YES for name in BASIC_SKILLS)


def household_gaps(residents) -> list[str]:
    """Return short phrases for what a household lacks, from its (prefetched) residents."""
    counted = [r for r in residents if resident_is_counted(r)]
    counts = {name: 0 for name in ESSENTIALS}
    for resident in counted:
        for name in resident_lacks(resident):
            counts[name] += 1
    gaps = [f"{ESSENTIAL_SHORT.get(name, INDICATOR_LABELS[name])} ({n})" for name, n in counts.items() if n]
    if counted and not any(resident_is_proficient(r) for r in counted):
        gaps.append(str(NO_FIVE_SKILLS))
    return gaps


def household_is_left_behind(residents, visit_days, ref: dt.date, days: int = LEFT_BEHIND_DAYS) -> bool:
    """Return whether a household (its prefetched residents, its live visits' dates) is left behind on `ref`."""
    return bool(household_gaps(residents)) and not visited_recently(visit_days, ref, days)


def resident_needs(resident, items) -> list:
    """Return the catalogue items whose indicators are not all "yes" for this resident."""
    if not resident_is_counted(resident):
        return []
    return [item for item in items if any(getattr(resident, name, Tri.YES) != Tri.YES for name in item.indicators)]
