"""Demo data for outreach: the `gocua demo` command calls this after creating a team and households."""

import uuid

from django.utils import timezone

from gocua.households.models import Resident
from gocua.outreach.models import Outcome, ServiceItem
from gocua.outreach.rules import team_area_q
from gocua.outreach.selectors import team_households
from gocua.outreach.services.assignments import assignment_bulk
from gocua.outreach.services.visits import visit_record

# uuid5 namespace so that running the demo twice records each demo visit once.
DEMO_NAMESPACE = uuid.UUID("6d1f3a52-6b0e-4c53-9a3c-2f1b7c0d9e11")


def demo_outreach(*, leader_user, team, visit_share: int = 3) -> dict:
    """Assign the team's households round robin to its current members and record a visit in every `visit_share`-th.

    Idempotent: assignments and visits (fixed UUIDs) are not duplicated on a second run.
    """
    members = list(team.members.filter(left_on__isnull=True).order_by("pk"))
    households = list(team_households(team).order_by("pk"))
    if not members or not households:
        return {"assigned": 0, "visits": 0}
    assigned = 0
    for index, member in enumerate(members):
        mine = households[index :: len(members)]
        if mine:
            assigned += assignment_bulk(actor=leader_user, team=team, households=mine, member=member)
    items = {i.code: i for i in ServiceItem.objects.filter(is_active=True)}
    visits = 0
    for index, household in enumerate(households[::visit_share]):
        member = members[index % len(members)]
        residents = list(Resident.objects.filter(team_area_q(team), household=household,
                                                 status__in=Resident.COUNTED_STATUSES)[:2])
        if not residents or member.user is None:
            continue
        entries = [{"resident_id": residents[0].pk, "outcomes": [
            {"item_id": items["smartphone"].pk, "outcome": Outcome.DONE},
            {"item_id": items["vneid"].pk, "outcome": Outcome.FOLLOW_UP},
        ]}] + [{"resident_id": r.pk, "outcomes": [{"item_id": items["scams"].pk, "outcome": Outcome.DONE}]}
               for r in residents[1:]]
        visit = visit_record(
            actor=member.user, uuid=uuid.uuid5(DEMO_NAMESPACE, f"{team.pk}-{household.pk}"), household=household,
            visited_on=timezone.localdate(), member_ids=[member.pk], residents=entries,
        )
        visits += int(visit.created)
    return {"assigned": assigned, "visits": visits}
