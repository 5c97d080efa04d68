"""Reads of teams and members, always through the scope rule."""

from django.db.models import Case, F, IntegerField, Prefetch, QuerySet, Value, When

from gocua.accounts.scope import scoped
from gocua.places.models import Unit
from gocua.teams.models import Member, Team

# Leader first, then deputies, then members (the choice values sort otherwise).
ROLE_ORDER = Case(
    When(role=Member.Role.LEADER, then=Value(0)),
    When(role=Member.Role.DEPUTY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def current_members() -> QuerySet[Member]:
    return Member.objects.filter(left_on__isnull=True).order_by(ROLE_ORDER, "full_name", "pk")


def teams_of_unit(*, user, unit: Unit) -> list[Team]:
    """Return the teams attached to `unit` itself, each with `current_members` (two queries)."""
    teams = scoped(user, Team.objects.filter(unit=unit)).prefetch_related(
        Prefetch("members", queryset=current_members(), to_attr="current_members")
    )
    return list(teams.order_by("-is_active", "name", "pk"))


def teams_visible(*, user) -> QuerySet[Team]:
    """Return the teams the user may see, with the unit ancestry for breadcrumbs."""
    return scoped(user, Team.objects.all()).select_related("unit__parent__parent__parent")


def team_members(*, team: Team) -> QuerySet[Member]:
    """Return all members of a team, current ones first, leader first."""
    return Member.objects.filter(team=team).order_by(
        F("left_on").asc(nulls_first=True), ROLE_ORDER, "full_name", "pk"
    )


def members_visible(*, user) -> QuerySet[Member]:
    """Return the members the user may see, with their team and its unit."""
    return scoped(user, Member.objects.all(), via="team__").select_related(
        "team__unit__parent__parent__parent"
    )
