"""The rolled-up metrics: one column each on UnitStat, defined once here.

Personal indicators count counted adults (15+ in the reference year); household metrics count
households. "Unknown" is never stored: it is the denominator minus yes minus no.
"""

from gocua.households.indicators import HOUSEHOLD_INDICATORS, INDICATOR_NAMES

PERSONAL = [name for name in INDICATOR_NAMES if name not in HOUSEHOLD_INDICATORS]

HOUSEHOLD_METRICS = [
    "households",
    "households_covered",  # at least one visit that was not deleted
    "households_target",  # ≥ 1 counted resident proficient in all five basic skills (2024 target)
    "households_internet_yes",
    "households_internet_no",
    "households_left_behind",
]
RESIDENT_METRICS = [
    "residents",  # living here or away for work
    "residents_checked",  # checked in at least one visit that was not deleted
    "adults",
    "adults_proficient",  # all five basic skills
    "residents_left_behind",
    *[f"{name}_yes" for name in PERSONAL],
    *[f"{name}_no" for name in PERSONAL],
]
METRICS = HOUSEHOLD_METRICS + RESIDENT_METRICS

# ADULT_AGE and the left-behind window are defined once, in gocua.outreach.need.
