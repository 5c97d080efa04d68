"""What follows a unit to its successor when the map changes (used inside `reorg._apply`).

Households, residents (and their indicator history's partition code), open follow-up visits,
teams with their members, users scoped to the unit and community projects move (the
append-only ledger keeps its entries' codes); the rollups are adjusted by `track` over the
moved households, in the same transaction.
"""

import datetime as dt
from collections import Counter

from gocua.places.models import Unit


def codes_of(unit: Unit) -> dict[str, str]:
    """Return the three scope codes a row in `unit` carries."""
    return {"province_code": unit.province_code, "commune_code": unit.commune_code, "village_code": unit.village_code}


class Mover:
    """Move the rows of old units to their successors and count what moved."""

    def __init__(self, *, on: dt.date):
        self.on = on
        self.counts: Counter = Counter()
        self.opened: list[str] = []
        self.renamed: list[str] = []
        self.closed: list[str] = []
        self.rekeyed: list[dict] = []
        self._projects_moved = False

    def village(self, old: Unit, new: Unit, *, household_ids: list[int] | None = None,
                with_unit_rows: bool = True) -> None:
        """Move households of `old` (all, or `household_ids`) to `new`; with them teams, users, projects."""
        from gocua.households.models import Household
        from gocua.indicators.rollups import track

        households = Household.objects.filter(village=old)
        if household_ids is not None:
            households = households.filter(pk__in=household_ids)
        ids = list(households.values_list("pk", flat=True))
        with track(ids):
            self._rekey_collisions(old, new, ids)
            self._move_households(new, ids)
        self.closed.append(old.code)
        if with_unit_rows:
            self._move_unit_rows(old, new)

    def commune(self, old: Unit, new: Unit) -> None:
        """Move the commune-wide rows (teams, users, projects) of `old` to `new`."""
        self._move_unit_rows(old, new)
        self.closed.append(old.code)

    def finish(self) -> None:
        """Rebuild what cannot be adjusted row by row (community contributions follow project units)."""
        if self._projects_moved:
            from gocua.community import rollups as community_rollups

            community_rollups.rebuild()

    def result(self) -> dict:
        return {
            "moved": dict(sorted(self.counts.items())), "opened": self.opened,
            "closed": list(dict.fromkeys(self.closed)),  # a split village is left once per part
            "renamed": self.renamed, "rekeyed": self.rekeyed,
        }

    # --- the rows ---------------------------------------------------------------------------------

    def _rekey_collisions(self, old: Unit, new: Unit, ids: list[int]) -> None:
        """Give a moved household whose key the successor already uses the key `<key>-<old village number>`."""
        from gocua.households.models import Household
        from gocua.households.services import household_search_text

        moving = Household.objects.filter(pk__in=ids).select_related("head")
        taken = set(Household.objects.filter(village=new).values_list("household_key", flat=True))
        suffix = old.code.rsplit("-", 1)[-1]
        for household in moving:
            if household.household_key not in taken:
                continue
            key = f"{household.household_key}-{suffix}"[:32]
            self.rekeyed.append({"from": household.household_key, "to": key, "village": old.code})
            household.household_key = key
            household.search_folded = household_search_text(household, household.head.full_name if household.head else "")
            household.save(update_fields=["household_key", "search_folded"])

    def _move_households(self, new: Unit, ids: list[int]) -> None:
        from gocua.households.models import Household, IndicatorChange, Resident
        from gocua.outreach.models import Visit, VisitOutcome, VisitResident

        codes = codes_of(new)
        self.counts["households"] += Household.objects.filter(pk__in=ids).update(village=new, **codes)
        self.counts["residents"] += Resident.objects.filter(household_id__in=ids).update(**codes)
        IndicatorChange.objects.filter(resident__household_id__in=ids).update(province_code=new.province_code)
        # An open follow-up is work still to do: the successor's team must see it. Done visits stay
        # where they happened, so the old unit's activity for the period before remains its own.
        open_visits = Visit.objects.filter(household_id__in=ids, deleted_at__isnull=True, follow_up_on__gte=self.on)
        self.counts["follow_ups"] += open_visits.update(**codes)
        # The rows under a visit carry its province (docs/SCALING.md): they follow it.
        moved = {"province_code": new.province_code}
        VisitResident.objects.filter(visit__in=open_visits).exclude(**moved).update(**moved)
        VisitOutcome.objects.filter(visit_resident__visit__in=open_visits).exclude(**moved).update(**moved)

    def _move_unit_rows(self, old: Unit, new: Unit) -> None:
        from gocua.accounts.models import User
        from gocua.community.models import Project
        from gocua.teams.models import Member, Team

        codes = codes_of(new)
        team_ids = list(Team.objects.filter(unit=old).values_list("pk", flat=True))
        self.counts["teams"] += Team.objects.filter(pk__in=team_ids).update(unit=new, **codes)
        self.counts["members"] += Member.objects.filter(team_id__in=team_ids, left_on__isnull=True).count()
        self.counts["users"] += User.objects.filter(scope_unit=old).update(scope_unit=new)
        from gocua.helprequests.models import HelpRequest

        self.counts["help_requests"] += HelpRequest.objects.filter(village=old).update(village=new, **codes)
        project_ids = list(Project.objects.filter(unit=old).values_list("pk", flat=True))
        if project_ids:
            self._projects_moved = True
            # The ledger is append-only (database triggers): its entries keep the codes they were
            # recorded under, so contributions count where they were given, like visits.
            self.counts["projects"] += Project.objects.filter(pk__in=project_ids).update(unit=new, **codes)
