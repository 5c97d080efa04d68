"""Record, correct and delete visits; every indicator change goes through households.services.

A visit's content is a list of residents checked, each with the services guided and the
outcome. An outcome "done" sets the item's indicators (outreach.catalogue) to yes through
`resident_set_indicators`, which writes the indicator history with source "visit" and the
visit's UUID as reference. Other outcomes change no indicator. A correction or a deletion
first stores the previous content in a VisitRevision, then puts back the indicators that
only this visit had set (when nothing changed them since), again through the history.

The modules: `cleaning` (input rules), `record` (one visit or a batch), `edit` (correct,
delete), `outcomes` (outcomes → indicators), `content` (stored rows and revision snapshots),
`follow_ups` (when the household is due again). The public names are re-exported here.
"""

from gocua.outreach.services.visits.cleaning import MAX_MEMBERS, OUTCOMES, RESIDENT_FIELDS
from gocua.outreach.services.visits.edit import REFUSALS, visit_correct, visit_delete
from gocua.outreach.services.visits.record import (
    VisitInput,
    visit_check_start,
    visit_record,
    visit_record_many,
)

__all__ = [
    "MAX_MEMBERS",
    "OUTCOMES",
    "REFUSALS",
    "RESIDENT_FIELDS",
    "VisitInput",
    "visit_check_start",
    "visit_correct",
    "visit_delete",
    "visit_record",
    "visit_record_many",
]
