"""Helpers shared by the outreach pages."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.dateparse import parse_date

from gocua.accounts.scope import scoped
from gocua.errors import Forbidden
from gocua.outreach.rules import actor_member, is_officer
from gocua.teams.models import Member, Team

MAX_MEMBER_CHOICES = 300


def parse_day(value):
    """Return the date in an <input type=date> value, or None when empty or invalid."""
    try:
        return parse_date((value or "").strip())
    except ValueError:
        return None


def int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def forbid_if(exc) -> None:
    """Turn a service's Forbidden into the 403 page; other domain errors are shown on the form."""
    if isinstance(exc, Forbidden):
        raise PermissionDenied(str(exc.message))


def paginate(request, queryset: QuerySet, per_page: int | None = None, *, count: int | None = None):
    """Return the requested page; `count`: the number of rows when already known (saves a COUNT)."""
    paginator = Paginator(queryset, per_page or settings.GOCUA_PAGE_SIZE)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not computed
    return paginator.get_page(request.GET.get("page"))


def member_choices(user) -> list[Member]:
    """Return the members a user may name on a visit: their team's, or (officers) teams' in scope."""
    me = actor_member(user)
    members = Member.objects.filter(left_on__isnull=True).select_related("team").order_by("team_id", "full_name")
    if me is not None:
        return list(members.filter(team_id=me.team_id))
    if is_officer(user):
        teams = scoped(user, Team.objects.filter(is_active=True))
        return list(members.filter(team__in=teams)[:MAX_MEMBER_CHOICES])
    return []


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
