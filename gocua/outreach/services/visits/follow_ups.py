"""Follow-ups of a visit: when the household is due to be seen again."""

import datetime as dt

from gocua.outreach.models import Outcome


def earliest_follow_up(entries, visited_on: dt.date) -> dt.date | None:
    """Return the earliest follow-up date; "needs follow-up" without a date is due at once."""
    dates = [
        o["follow_up_on"] or visited_on
        for e in entries
        for o in e["outcomes"]
        if o["follow_up_on"] or o["outcome"] == Outcome.FOLLOW_UP
    ]
    return min(dates, default=None)
