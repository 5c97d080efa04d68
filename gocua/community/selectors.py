"""Reads of community projects: scoped lists, ledger totals, public pages and dashboard figures."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gocua.accounts.scope import scoped
from gocua.community.errors import CommunityErrorCode
from gocua.community.models import LedgerEntry, Project, ProjectPhoto, UnitContribution
from gocua.errors import DomainError
from gocua.households.models import Household
from gocua.places.models import Level, Unit

CONTRIBUTION, EXPENSE = LedgerEntry.Kind.CONTRIBUTION, LedgerEntry.Kind.EXPENSE
# Live projects first on every list: what people can still give to matters most.
STATUS_ORDER = Case(
    When(status=Project.Status.COLLECTING, then=Value(0)),
    When(status=Project.Status.IN_PROGRESS, then=Value(1)),
    When(status=Project.Status.PROPOSED, then=Value(2)),
    When(status=Project.Status.DONE, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)


@dataclass
class Totals:
    collected_vnd: int = 0
    spent_vnd: int = 0
    labour_days: Decimal = Decimal(0)
    corrections: int = 0

    @property
    def balance_vnd(self) -> int:
        return self.collected_vnd - self.spent_vnd


def projects_visible(user) -> QuerySet[Project]:
    """Return the projects the user may see, live ones first."""
    return scoped(user, Project.objects.select_related("unit", "team")).order_by(STATUS_ORDER, "-created_at", "-id")


def project_totals(project_ids) -> dict[int, Totals]:
    """Return the ledger totals of each project (one GROUP BY query; reversals net out)."""
    rows = (
        LedgerEntry.objects.filter(project_id__in=list(project_ids))
        .values("project_id")
        .annotate(
            collected=Sum("money_vnd", filter=Q(kind=CONTRIBUTION)),
            spent=Sum("money_vnd", filter=Q(kind=EXPENSE)),
            labour=Sum("labour_days", filter=Q(kind=CONTRIBUTION)),
            corrections=Count("id", filter=Q(reverses__isnull=False)),
        )
        .order_by()
    )
    totals = {pid: Totals() for pid in project_ids}
    for row in rows:
        totals[row["project_id"]] = Totals(
            row["collected"] or 0, row["spent"] or 0, Decimal(row["labour"] or 0).quantize(Decimal("0.1")),
            row["corrections"],
        )
    return totals


def with_totals(projects) -> list[Project]:
    """Return `projects` as a list, each with `.totals` and `.progress` (percent of the money goal)."""
    projects = list(projects)
    totals = project_totals([p.pk for p in projects])
    for project in projects:
        project.totals = totals[project.pk]
        project.progress = progress_percent(project.totals.collected_vnd, project.goal_vnd)
    return projects


def progress_percent(collected: int, goal: int) -> int | None:
    if not goal:
        return None
    return max(0, min(100, int(collected * 100 // goal)))


def project_entries(project: Project) -> list[LedgerEntry]:
    """Return every ledger entry of a project in order, numbered 1…n, with its reversal if any."""
    entries = list(
        LedgerEntry.objects.filter(project=project)
        .select_related("household", "recorded_by", "reversal")
        .order_by("id")
    )
    number_of = {}
    for number, entry in enumerate(entries, start=1):
        entry.number = number
        number_of[entry.pk] = number
    for entry in entries:
        entry.reverses_number = number_of.get(entry.reverses_id)
        entry.is_reversed = hasattr(entry, "reversal")
        entry.public_label = public_label(entry)
    return entries


def public_label(entry: LedgerEntry) -> str:
    """Return how an entry's giver appears publicly: only what the giver chose, nothing else."""
    if entry.kind == EXPENSE:
        return entry.description
    if entry.is_reversal:
        return ""
    if entry.display == LedgerEntry.Display.NAME and entry.giver_name:
        return entry.giver_name
    if entry.display == LedgerEntry.Display.HOUSEHOLD_KEY and entry.household_id:
        return _("Household %(key)s") % {"key": entry.household.household_key}
    return _("Anonymous giver")


def household_for_key(user, project: Project, text: str) -> Household:
    """Return the household a contribution form names: "key" in the project's village, or "code/key"."""
    text = (text or "").strip()
    households = scoped(user, Household.objects.filter(commune_code=project.commune_code))
    if "/" in text:
        code, key = (part.strip() for part in text.split("/", 1))
        households = households.filter(village_code=code, household_key=key)
    elif project.village_code:
        households = households.filter(village_code=project.village_code, household_key=text)
    else:
        households = households.filter(household_key=text)
    found = list(households[:2]) if text else []
    if not found:
        raise DomainError(CommunityErrorCode.HOUSEHOLD_NOT_FOUND, gettext_lazy("No household with this key in your area."),
                          field="household")
    if len(found) > 1:
        raise DomainError(
            CommunityErrorCode.HOUSEHOLD_AMBIGUOUS,
            gettext_lazy("Several villages have a household with this key; write village code/key."),
            field="household",
        )
    return found[0]


# --- public pages (no login) -----------------------------------------------------------------


def public_unit(code: str) -> Unit | None:
    """Return the current village or commune with this code (and its parent), or None."""
    return (
        Unit.objects.select_related("parent")
        .filter(code=code, valid_to__isnull=True, level__in=(Level.VILLAGE, Level.COMMUNE))
        .first()
    )


def public_projects(unit: Unit) -> QuerySet[Project]:
    """Return the projects a unit's public page shows (the public selector of one project too)."""
    return _public_projects(unit)


def _public_projects(unit: Unit) -> QuerySet[Project]:
    """Return the projects a unit's public page shows: the village's, or all in the commune."""
    if unit.level == Level.VILLAGE:
        return Project.objects.filter(unit=unit)
    return Project.objects.filter(commune_code=unit.code)


def public_version(unit: Unit) -> tuple[int, object]:
    """Return (number of projects, latest change) of what a unit's public page shows (one query)."""
    row = _public_projects(unit).aggregate(n=Count("id"), latest=Max("updated_at"))
    return row["n"], row["latest"]


@dataclass
class PublicProject:
    project: Project
    totals: Totals
    progress: int | None
    photos: list = field(default_factory=list)
    contributions: list = field(default_factory=list)
    expenses: list = field(default_factory=list)


def _public_details(projects: list[Project]) -> list[PublicProject]:
    """Return projects with totals, photos and standing entries (three queries)."""
    totals = project_totals([p.pk for p in projects])
    out = {
        p.pk: PublicProject(p, totals[p.pk], progress_percent(totals[p.pk].collected_vnd, p.goal_vnd))
        for p in projects
    }
    for photo in ProjectPhoto.objects.filter(project_id__in=list(out)).order_by("uploaded_at", "id"):
        out[photo.project_id].photos.append(photo)
    # Standing entries only: a reversed entry and its reversal cancel out, and withdrawing
    # consent (reverse, then record again anonymously) must take the name off the page.
    standing = (
        LedgerEntry.objects.filter(project_id__in=list(out), reverses__isnull=True, reversal__isnull=True)
        .select_related("household")
        .order_by("entry_on", "id")
    )
    for entry in standing:
        entry.public_label = public_label(entry)
        target = out[entry.project_id]
        (target.contributions if entry.kind == CONTRIBUTION else target.expenses).append(entry)
    return list(out.values())


def public_village(unit: Unit) -> list[PublicProject]:
    """Return a village's projects with totals, photos and standing entries (four queries)."""
    return _public_details(list(
        Project.objects.filter(unit=unit).select_related("team").order_by(STATUS_ORDER, "-created_at", "-id")
    ))


def public_commune(unit: Unit) -> tuple[list[PublicProject], list[tuple[Unit, list[Project]]]]:
    """Return the commune-wide projects in full, and (village, its projects with totals) per village.

    Village projects are summed up only (their entries are on the village pages): five queries.
    """
    projects = with_totals(
        Project.objects.filter(commune_code=unit.code, village_code__gt="")
        .select_related("unit")
        .order_by("village_code", STATUS_ORDER, "-created_at", "-id")
    )
    groups: dict[str, tuple[Unit, list[Project]]] = {}
    for project in projects:
        groups.setdefault(project.village_code, (project.unit, []))[1].append(project)
    commune_wide = _public_details(list(
        Project.objects.filter(unit=unit).select_related("team").order_by(STATUS_ORDER, "-created_at", "-id")
    ))
    return commune_wide, [groups[code] for code in sorted(groups)]


# --- dashboards -------------------------------------------------------------------------------


def unit_contributions(unit_codes: list[str]) -> dict[str, dict]:
    """Return, per unit code, money (VND), labour days, contributing households and projects done.

    Codes with nothing recorded answer zeros. Use "VN" for the nation. One query.
    """
    figures = {
        code: {"money_vnd": 0, "labour_days": Decimal(0), "contributing_households": 0, "projects_done": 0}
        for code in unit_codes
    }
    for row in UnitContribution.objects.filter(unit_code__in=list(unit_codes)):
        figures[row.unit_code] = {
            "money_vnd": row.money_vnd,
            "labour_days": Decimal(row.labour_days).quantize(Decimal("0.1")),
            "contributing_households": row.contributing_households,
            "projects_done": row.projects_done,
        }
    return figures
