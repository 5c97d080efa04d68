"""Reads of teams and members, always through the scope rule."""

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When

from gocua.accounts.scope import scoped
from gocua.places.models import Unit
from gocua.places.selectors import not_found, visible_unit, within
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


# --- the teams API's reads (gocua/teams/api.py) ----------------------------------------------


def teams(user, *, unit_code: str | None = None) -> QuerySet:
    current = Q(members__left_on__isnull=True)
    qs = scoped(
        user, Team.objects.select_related("unit").annotate(member_count=Count("members", filter=current))
    )
    if unit_code:
        qs = qs.filter(within(visible_unit(user, unit_code, field="unit")))
    return qs


TEAM_ORDER = ("province_code", "commune_code", "village_code", "name")


def team_detail(user, team_id: int) -> Team:
    members = Member.objects.filter(left_on__isnull=True).order_by(
        Case(
            When(role=Member.Role.LEADER, then=Value(0)),
            When(role=Member.Role.DEPUTY, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        "full_name",
        "id",
    )
    qs = teams(user).prefetch_related(Prefetch("members", queryset=members, to_attr="current_members"))
    team = qs.filter(pk=team_id).first()
    if team is None:
        raise not_found()
    return team
