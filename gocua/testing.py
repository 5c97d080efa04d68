"""The test kit: factories that build data through the real services, clients, a query counter.

Every app's tests use these (`from gocua import testing as f`) instead of their own copies.
"""

import contextlib
import datetime as dt
import itertools
import json
import os
import subprocess
import sys
import uuid

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gocua.accounts.models import Role, User
from gocua.households import services as household_services
from gocua.places import services as place_services
from gocua.places.models import Kind, Unit
from gocua.teams import services as team_services

_seq = itertools.count(1)
PASSWORD = "gocua-test-pass-42"


def today() -> dt.date:
    """Today in the project's time zone (Asia/Ho_Chi_Minh), asked when the test runs.

    Tests call this instead of keeping a module constant or `dt.date.today()`: the machine's clock
    is in UTC, seven hours behind Vietnam, so from 17:00 UTC `date.today()` is yesterday there;
    and a constant read when the module is imported is yesterday for every test that runs after a
    run crosses Vietnamese midnight. Either way the services, which ask the clock, then refuse a
    visit dated before the household the test has just created.
    """
    return timezone.localdate()


def this_month():
    """This month's reporting period, asked when the test runs (see `today`)."""
    from gocua.indicators.periods import period_of

    return period_of("month", today())


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code, valid_to__isnull=True)


def make_user(role: str, scope: Unit | str, *, username: str | None = None, **extra) -> User:
    """Create an active user with `role` and scope (a Unit or a unit code); no password change due."""
    scope_unit = unit(scope) if isinstance(scope, str) else scope
    user = User(
        username=username or f"{role}-{next(_seq)}",
        role=role,
        scope_unit=scope_unit,
        is_staff=role == Role.NATIONAL_ADMIN,
        is_superuser=role == Role.NATIONAL_ADMIN,
        **extra,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def admin() -> User:
    return User.objects.filter(role=Role.NATIONAL_ADMIN, username="factory-admin").first() or make_user(
        Role.NATIONAL_ADMIN, "VN", username="factory-admin"
    )


def make_village(commune: str = "09784", name: str | None = None, kind: str = Kind.THON) -> Unit:
    return place_services.village_create(actor=admin(), commune=unit(commune), name=name or f"Thôn {next(_seq)}", kind=kind)


def make_household(village: Unit, key: str | None = None, **extra):
    return household_services.household_create(
        actor=admin(), village=village, household_key=key or f"H{next(_seq):04d}", **extra
    )


def make_resident(household, *, full_name: str = "Nguyễn Văn An", birth_year: int = 1980, gender: str = "male",
                  relation: str = "head", citizen_id: str | None = None, indicators=None, **extra):
    data = {"full_name": full_name, "birth_year": birth_year, "gender": gender, "relation": relation, **extra}
    return household_services.resident_create(
        actor=admin(), household=household, data=data, citizen_id_number=citizen_id, indicators=indicators
    )


def make_team(unit_: Unit, name: str | None = None):
    return team_services.team_create(
        actor=admin(), unit=unit_, name=name or f"Tổ CNSCĐ {unit_.name}", founded_on=dt.date(2023, 3, 1)
    )


def make_member(team, *, full_name: str = "Bùi Văn Trường", role: str = "member", user=None, **extra):
    data = {"full_name": full_name, "role": role, "joined_on": dt.date(2023, 3, 1), "strengths": [], **extra}
    member = team_services.member_create(actor=admin(), team=team, data=data)
    if user is not None:
        member.user = user
        member.save(update_fields=["user"])
    return member


# Which villages of the `world` fixture (conftest.py) each of its roles may see: the scope rule's
# expected answer, which every scope test checks against.
WORLD_SEES = {
    "national_admin": {"village", "village2", "other_commune_village", "other_province_village"},
    "province_officer": {"village", "village2", "other_commune_village"},
    "commune_officer": {"village", "village2"},
    "team_leader": {"village"},
    "team_member": {"village"},
    "other_commune_officer": {"other_province_village"},
}


# --- clients and the query counter -----------------------------------------------------------------


def make_target(area: Unit | str, indicator: str, value, *, year: int | None = None, starts_on=None, ends_on=None,
                kind: str = "percent", number: str = "01/KH-TEST", actor=None):
    """Set a target through the real service (the national admin by default) for a year or a date range."""
    from gocua.indicators.services import target_set

    area = unit(area) if isinstance(area, str) else area
    if year is not None:
        starts_on, ends_on = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return target_set(
        actor=actor or admin(), area=area, indicator=indicator, kind=kind, value=value, starts_on=starts_on,
        ends_on=ends_on, document_number=number, document_date=dt.date(2022, 3, 31), document_issuer="Thủ tướng Chính phủ",
    )


def national_targets_in(year: int) -> None:
    """Set the seeded national targets (2025 values) again for `year`, so tests dated "today" have targets."""
    from gocua.indicators.models import Target

    if year <= 2025:
        return
    for row in Target.objects.filter(area_code="VN", ends_on__year=2025, is_active=True):
        make_target("VN", row.indicator, row.value, year=year, number=row.document_number or "HD-2024")


def logged_in(user=None, *, language: str = "en") -> Client:
    """Return a test client logged in as `user` (or nobody) reading pages and the API in `language`.

    Pages follow the language cookie and the API the Accept-Language header, so both are set;
    assertions read the English msgids unless a test asks for "vi".
    """
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


class ApiClient:
    """A Django test client that speaks JSON to /api/v1/ as one user, one device token, or nobody."""

    def __init__(self, user=None, *, token: str | None = None, language: str = "en",
                 enforce_csrf: bool = False, prefix: str = "/api/v1"):
        headers = {"HTTP_ACCEPT_LANGUAGE": language}
        if token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        self.client = Client(enforce_csrf_checks=enforce_csrf, **headers)
        self.prefix = prefix
        if user is not None:
            self.client.force_login(user)

    def get(self, path: str, **params):
        return self.client.get(f"{self.prefix}{path}", params)

    def send(self, method: str, path: str, data=None, **params):
        """Send `data` as JSON with `method`; keyword arguments become the query string."""
        query = "&".join(f"{k}={v}" for k, v in params.items())
        url = f"{self.prefix}{path}" + (f"?{query}" if query else "")
        body = data if isinstance(data, (bytes, str)) else "" if data is None else json.dumps(data, default=str)
        return getattr(self.client, method)(url, body, content_type="application/json")

    def post(self, path: str, data, **extra):
        return self._json("post", path, data, **extra)

    def patch(self, path: str, data, **extra):
        return self._json("patch", path, data, **extra)

    def put(self, path: str, data, **extra):
        return self._json("put", path, data, **extra)

    def delete(self, path: str, **extra):
        return self.client.delete(f"{self.prefix}{path}", **extra)

    def _json(self, method: str, path: str, data, **extra):
        body = data if isinstance(data, (bytes, str)) else json.dumps(data, default=str)
        return getattr(self.client, method)(f"{self.prefix}{path}", body, content_type="application/json", **extra)


def get_counting(client, url: str, **params) -> tuple:
    """GET `url` with `client`; assert it answered 200; return (response, number of queries it ran)."""
    with CaptureQueriesContext(connection) as context:
        # ApiClient.get takes the query as keywords; Django's Client.get takes it as a dict.
        response = client.get(url, **params) if isinstance(client, ApiClient) else client.get(url, params)
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return response, len(context.captured_queries)


# --- the app as a separate process, on a database of its own ----------------------------------------


def process_env(data_dir, database_url: str | None = None) -> dict:
    """Return an environment for running `gocua` in a child process: none of this process's
    GOCUA_/DATABASE_URL/DJANGO_ settings, its data folder `data_dir`, and `database_url` if given
    (else the default SQLite file in that folder)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOCUA_", "DATABASE_URL", "DJANGO_"))}
    env["GOCUA_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run_gocua(env: dict, *args: str, input_text: str | None = None) -> subprocess.CompletedProcess:
    """Run `gocua ARGS` in a child process; return the finished process (output as text)."""
    return subprocess.run(
        [sys.executable, "-m", "gocua.manage", *args], env=env, capture_output=True, text=True, timeout=600,
        input=input_text,
    )


@contextlib.contextmanager
def throwaway_postgresql(prefix: str = "gocua_tmp", *, template: str | None = None):
    """Create an empty PostgreSQL database (or a copy of the database `template` names) on the
    server the suite uses; yield its URL; drop it."""
    import psycopg
    from django.db import connection

    settings_dict = connection.settings_dict
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    host, port, user = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432, settings_dict["USER"]
    dsn = f"host={host} port={port} user={user} dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield f"postgres://{user}@{host}:{port}/{name}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
