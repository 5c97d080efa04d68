"""Visit every URL pattern as every role and as an anonymous visitor: never a 5xx.

Each pattern is requested with real ids inside and outside the caller's scope (and a missing id),
by GET and, outside the read-only admin, by an empty POST. The test fails if a pattern of the
URLconf was not visited, so a new view cannot escape it.
"""

import re
import uuid

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from gocua import testing as f
from gocua.accounts.models import User
from gocua.outreach.models import CommunitySession, ServiceItem
from gocua.outreach.services.sessions import session_record
from gocua.outreach.services.visits import visit_record
from gocua.teams.models import Member

MISSING = 987654321


def walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def all_routes() -> list[str]:
    return sorted(set(walk(get_resolver().url_patterns)))


@pytest.fixture
def ids(world):
    """Return, per URL parameter kind, an id inside Tháp Thượng, one in Huế and a missing one."""
    leader = world.users["team_leader"]
    item = ServiceItem.objects.filter(is_active=True).first()
    f.make_resident(world.household, full_name="Trần Thị Lan", gender="female", relation="wife")
    from gocua.households.models import Household

    Household.objects.filter(pk=world.household.pk).update(created_at=timezone.now() - timezone.timedelta(days=30))
    world.household.refresh_from_db()
    visit = visit_record(
        actor=leader, uuid=uuid.uuid4(), household=world.household, visited_on=timezone.localdate(),
        member_ids=[leader.member.pk],
        residents=[{"resident_id": world.resident.pk, "present": True, "note": "",
                    "outcomes": [{"item_id": item.pk, "outcome": "done"}]}],
    )
    session = session_record(
        actor=leader, uuid=uuid.uuid4(), team=world.team, held_on=timezone.localdate(), place="Nhà văn hoá",
        topic_ids=[item.pk], member_ids=[leader.member.pk], unregistered_count=5,
    )
    other_team = f.make_team(world.other_province_village, "Tổ An Lưu")
    other_member = f.make_member(other_team, full_name="Hồ Văn Nam")
    other_user = f.make_user("team_leader", world.other_province_village)
    other_member.user = other_user
    other_member.save(update_fields=["user"])
    other_session = session_record(
        actor=f.admin(), uuid=uuid.uuid4(), team=other_team, held_on=timezone.localdate(), place="Đình làng",
        topic_ids=[item.pk], member_ids=[other_member.pk], unregistered_count=3,
    )
    own_member = Member.objects.get(user=world.users["team_member"])
    from gocua.community import services as community

    project = community.project_create(actor=leader, unit=world.village, data={"title": "Đèn", "kind": "solar_lights"})
    entry = community.contribution_record(actor=leader, project=project, entry_on=timezone.localdate(),
                                          giver="anonymous", display="anonymous", money_vnd=100_000)
    other_project = community.project_create(actor=f.admin(), unit=world.other_province_village,
                                             data={"title": "Wi-Fi", "kind": "wifi"})
    other_entry = community.contribution_record(actor=f.admin(), project=other_project,
                                                entry_on=timezone.localdate(), giver="anonymous",
                                                display="anonymous", money_vnd=100_000)
    from gocua.field.tokens import token_issue

    own_token = token_issue(username=world.users["team_member"].username, password=f.PASSWORD, device_name="A")
    other_token = token_issue(username=other_user.username, password=f.PASSWORD, device_name="B")
    own_target = f.make_target("09784", "smartphone", 85, year=timezone.localdate().year)
    other_target = f.make_target("19774", "smartphone", 85, year=timezone.localdate().year)
    from gocua.alerts.tests.factories import publish
    from gocua.helprequests.tests.conftest import submit

    own_help = submit(world.village)
    other_help = submit(world.other_province_village, address="198.51.100.1")
    alerts = [publish(world.users["province_officer"], "01").pk,
              publish(world.users["other_commune_officer"], "19774").pk, MISSING]
    return {
        "help_requests": [own_help.pk, other_help.pk, MISSING],
        "help_tickets": [own_help.code, "NOPE2345"],
        "alerts": alerts,
        "targets": [own_target.pk, other_target.pk, MISSING],
        "tokens": [own_token.token.pk, other_token.token.pk, MISSING],
        "conflicts": [MISSING],
        "projects": [project.pk, other_project.pk, MISSING],
        "entries": [entry.pk, other_entry.pk, MISSING],
        "photos": [MISSING],  # no uploads here: they would write into the real data folder
        "code": [world.village.code, world.other_province_village.code, "99999-999"],
        "households": [world.household.pk, world.other_household.pk, MISSING],
        "residents": [world.resident.pk, world.other_resident.pk, MISSING],
        "teams": [world.team.pk, other_team.pk, MISSING],
        "members": [own_member.pk, other_member.pk, MISSING],
        "accounts": [world.users["team_member"].pk, other_user.pk, MISSING],
        "catalogue": [item.pk, MISSING],
        "visits": [visit.uuid, uuid.uuid4()],
        "sessions": [session.uuid, other_session.uuid, uuid.uuid4()],
        "_": [visit, session, CommunitySession],
    }


def values_for(route: str, name: str, ids: dict) -> list:
    """Return the values to try for parameter `name` of `route`."""
    if name == "code":
        return ids["code"]
    if name == "period":  # a report's period: this month, and one that is no period
        return [timezone.localdate().strftime("%Y-%m"), "2026-13"]
    if name == "entry_id":
        return ids["entries"]
    if name == "photo_id":
        return ids["photos"]
    if name in ("member_id",):
        return ids["members"]
    if name in ("team_id",):
        return ids["teams"]
    if name == "uuid":
        return ids["sessions"] if "sessions" in route else ids["visits"]
    if name == "token_id" or (name == "id" and ("tokens/" in route or "devices/" in route)):
        return ids["tokens"]
    if name == "pk" and "tokens/" in route:
        return ids["tokens"]
    if name in ("pk", "id") and "conflicts/" in route:
        return ids["conflicts"]
    if name == "ticket":  # a help request's public status page
        return ids["help_tickets"]
    if name == "action" and route.startswith("help/"):
        return ["claim", "close", "nonsense"]
    if name == "pk" and route.startswith("help/"):
        return ids["help_requests"]
    if name == "pk" and route.startswith("alerts/"):
        return ids["alerts"]
    if name == "id" and "push/subscriptions/" in route:  # a phone's Web Push subscription (none here)
        return ids["conflicts"]
    if name == "pk" and "/pay/" in route:  # a project's public bank-transfer page
        return ids["projects"]
    if name == "pk" and "targets/" in route:
        return ids["targets"]
    if name in ("pk", "id"):
        for key in ("households", "residents", "teams", "members", "accounts", "catalogue", "projects"):
            if f"{key}/" in route or f"{key}/<" in route:
                return ids[key]
        raise AssertionError(f"no ids for {name} in {route}")
    raise AssertionError(f"no ids for {name} in {route}")


def admin_values(route: str, name: str) -> list:
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    if name == "object_id" and match:
        model = apps.get_model(match.group(1), match.group(2))
        first = model._default_manager.order_by("pk").first()
        return [first.pk if first else MISSING, MISSING]
    if name == "content_type_id":
        return [ContentType.objects.get_for_model(User).pk]
    if name == "object_id":
        return [User.objects.order_by("pk").first().pk]
    return ["x"]


TOKEN = re.compile(r"<(?:(\w+):)?(\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(\w+)>([^)]*)\)")


def expand(route: str, ids: dict) -> list[str]:
    """Return concrete paths for a route (all combinations of its parameters' values)."""
    if route.startswith("^") or "(?P<" in route:  # the admin's app_list regex pattern
        route = REGEX_GROUP.sub(lambda m: m.group(2).split("|")[0], route).lstrip("^").rstrip("$")
    names = TOKEN.findall(route)
    if not names:
        return ["/" + route]
    paths = ["/" + route]
    for _conv, name in names:
        options = admin_values(route, name) if route.startswith("admin/") else values_for(route, name, ids)
        token = TOKEN.search(paths[0]).group(0)
        paths = [p.replace(token, str(v), 1) for p in paths for v in options]
    return paths


ROLES = [None, "national_admin", "province_officer", "commune_officer", "team_leader", "team_member"]


@pytest.mark.django_db
def test_no_url_answers_with_a_server_error(world, ids):
    routes = all_routes()
    visited, failures, seen = set(), [], {}
    for role in ROLES:
        client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="vi")
        user = world.users[role] if role else None
        for route in routes:
            for path in expand(route, ids):
                for method in ("get", "post"):
                    if method == "post" and route.startswith("admin/"):
                        continue  # the admin is read-only for everyone; GET covers its views
                    if user is not None:
                        client.force_login(user)
                    response = getattr(client, method)(path)
                    visited.add(route)
                    seen[(role, method, path)] = response.status_code
                    if response.status_code >= 500:
                        failures.append(f"{role or 'anonymous'} {method.upper()} {path} → {response.status_code}")
    assert not failures, "\n".join(failures)
    # The crawl reached real pages, not just log-in redirects: in scope 200, outside 404.
    assert seen[("commune_officer", "get", f"/households/{world.household.pk}/")] == 200
    assert seen[("commune_officer", "get", f"/households/{world.other_household.pk}/")] == 404
    assert seen[("team_member", "get", f"/api/v1/residents/{world.other_resident.pk}")] == 404
    assert seen[(None, "get", f"/households/{world.household.pk}/")] == 302
    assert set(routes) - visited == set()
    assert len(routes) > 80  # the crawl really walked the URLconf
