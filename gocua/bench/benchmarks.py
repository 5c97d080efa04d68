"""Named benchmarks over the data in the database (usually made by `gocua generate`).

Each benchmark returns one dict: name, dataset (row counts), requests, p50_ms, p95_ms, max_ms,
queries_per_request and peak_memory_mb (the Python heap peak of one request, by tracemalloc,
measured outside the timed loop so tracing does not slow the timings), or skipped + reason.
"""

import math
import resource
import time
import tracemalloc
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from gocua.accounts.models import Role, User
from gocua.accounts.scope import scoped
from gocua.bench.models import GeneratedVillage
from gocua.households.digital import ESSENTIALS, Tri
from gocua.households.models import Household, Resident
from gocua.places.models import Level, Unit
from gocua.teams.models import Member, Team


class NoData(Exception):
    """There is nothing to measure: the registry is empty."""


@dataclass
class Options:
    """Run-wide choices the command sets before running benchmarks (read by those that use them)."""

    smoke: bool = False  # small, quick versions for CI (e.g. load: 5 clients for 5 s)


options = Options()


@dataclass(frozen=True)
class Benchmark:
    name: str
    description: str
    run: Callable[[int], dict]


REGISTRY: dict[str, Benchmark] = {}


def benchmark(name: str, description: str):
    """Register the decorated function `(iterations) -> dict` under `name`."""

    def register(func):
        REGISTRY[name] = Benchmark(name, description, func)
        return func

    return register


def dataset_counts() -> dict[str, int]:
    return {
        "provinces": Household.objects.values("province_code").distinct().count(),
        "villages": Unit.objects.filter(level=Level.VILLAGE, valid_to__isnull=True).count(),
        "generated_villages": GeneratedVillage.objects.count(),
        "teams": Team.objects.count(),
        "members": Member.objects.count(),
        "households": Household.objects.count(),
        "residents": Resident.objects.count(),
    }


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile (share 0.5 → median) of non-empty `values`."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(name: str, timings_ms: list[float], queries: list[int], peak_bytes: int) -> dict:
    return {
        "name": name,
        "dataset": dataset_counts(),
        "requests": len(timings_ms),
        "p50_ms": round(percentile(timings_ms, 0.5), 2),
        "p95_ms": round(percentile(timings_ms, 0.95), 2),
        "max_ms": round(max(timings_ms), 2),
        "queries_per_request": round(sum(queries) / len(queries), 2),
        "peak_memory_mb": round(peak_bytes / 2**20, 2),
        "process_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def skipped(name: str, reason: str) -> dict:
    return {"name": name, "skipped": True, "reason": reason, "dataset": dataset_counts()}


def server_unreachable_reason() -> str:
    """Return why a server process (gunicorn) could not see this database's rows, "" when it can.

    Benchmarks that serve the app from another process skip with this reason under the test
    runner, whose database is in memory (SQLite) or inside an open transaction.
    """
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name):
        return "the database lives in this process's memory (a test run): a server cannot open it"
    if connection.in_atomic_block:
        return "the data is inside an open transaction (a test run): a server cannot see it"
    return ""


def busiest_village() -> Unit:
    """Return the generated village with the most households (any village if none was generated)."""
    households = Household.objects.values("village_id")
    generated = GeneratedVillage.objects.values("village_id")
    if generated.exists():
        households = households.filter(village_id__in=generated)
    top = households.annotate(n=Count("id")).order_by("-n", "village_id").first()
    if top is None:
        raise NoData
    return Unit.objects.select_related("parent").get(pk=top["village_id"])


def measured(call: Callable[[], None]) -> tuple[int, int]:
    """Run `call` once; return (queries, peak Python heap bytes)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        with CaptureQueriesContext(connection) as ctx:
            call()
        return len(ctx.captured_queries), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _client() -> Client:
    host = "testserver" if "testserver" in settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS else None
    host = host or next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h), "localhost")
    return Client(HTTP_HOST=host, raise_request_exception=False)


class PageError(Exception):
    pass


def _get(client: Client, url: str) -> None:
    response = client.get(url, secure=getattr(settings, "SECURE_SSL_REDIRECT", False))
    if response.status_code != 200:
        raise PageError(f"GET {url} answered {response.status_code}")


def _bench_user(role: str, scope: Unit, member: Member | None = None, *, prefix: str = "bench") -> User:
    """Create a throw-away user who cannot log in with a password; link `member` to it."""
    user = User(username=f"{prefix}-{uuid.uuid4().hex[:12]}", role=role, scope_unit=scope)
    user.set_unusable_password()
    user.save()
    if member is not None:
        Member.objects.filter(pk=member.pk).update(user=user)
    return user


def _logged_in_run(name: str, role: str, scope: Unit, urls: dict[str, list[str]], iterations: int) -> dict:
    """Time GET requests to `urls` (per kind, cycled) as a throw-away account with `role` at `scope`."""
    return _logged_in_runs(name, [(role, scope, None, urls)], iterations)


def _logged_in_runs(name: str, logins: list[tuple], iterations: int) -> dict:
    """Time GET requests per (role, scope, member or None, urls) login; one summary over all of them."""
    # Everything the requests write (the accounts, their sessions, audit rows) is rolled back.
    with transaction.atomic():
        clients = {}
        for role, scope, member, urls in logins:
            client = _client()
            client.force_login(_bench_user(role, scope, member))
            for kind in urls:
                clients[kind] = client
        all_urls = {kind: kind_urls for *_rest, urls in logins for kind, kind_urls in urls.items()}
        try:
            result = _time_pages(name, clients, all_urls, iterations)
        except PageError as exc:
            result = {"name": name, "error": str(exc), "dataset": dataset_counts()}
        transaction.set_rollback(True)
    return result


def _time_pages(name: str, clients, urls: dict[str, list[str]], iterations: int) -> dict:
    if isinstance(clients, Client):
        clients = dict.fromkeys(urls, clients)
    for kind, kind_urls in urls.items():
        _get(clients[kind], kind_urls[0])  # warm-up: templates compiled, caches filled
    queries, peak, detail = [], 0, {}
    for kind, kind_urls in urls.items():
        client = clients[kind]
        count, heap = measured(lambda url=kind_urls[0], client=client: _get(client, url))
        queries.append(count)
        peak = max(peak, heap)
        detail[kind] = {"url": kind_urls[0], "queries": count, "peak_memory_mb": round(heap / 2**20, 2)}
    timings: dict[str, list[float]] = {kind: [] for kind in urls}
    for i in range(iterations):
        for kind, kind_urls in urls.items():
            started = time.perf_counter()
            _get(clients[kind], kind_urls[i % len(kind_urls)])
            timings[kind].append((time.perf_counter() - started) * 1000)
    for kind, values in timings.items():
        detail[kind]["p50_ms"] = round(percentile(values, 0.5), 2)
        detail[kind]["p95_ms"] = round(percentile(values, 0.95), 2)
    result = summary(name, [t for values in timings.values() for t in values], queries, peak)
    result["pages"] = detail
    return result


def _working_member(village: Unit) -> Member | None:
    """Return the current member with the most households assigned in the village, else in its commune."""
    members = Member.objects.filter(left_on__isnull=True).annotate(n=Count("assignments")).order_by("-n", "pk")
    return members.filter(team__unit=village).first() or members.filter(team__commune_code=village.commune_code).first()


@benchmark(
    "pages",
    "Village page, household pages and the commune's left-behind list (commune officer); a member's work list.",
)
def pages(iterations: int) -> dict:
    village = busiest_village()
    keys = Household.objects.filter(village=village).order_by("pk").values_list("pk", flat=True)[:iterations]
    try:
        urls = {
            "unit": [reverse("web:unit", args=[village.code])],
            "household": [reverse("web:household", args=[pk]) for pk in keys],
        }
        outreach = {"left_behind": [reverse("outreach:left_behind")]}
        work = {"work": [reverse("outreach:work")]}
    except NoReverseMatch as exc:
        return skipped("pages", f"the web pages are not there yet: {exc}")
    logins = [(Role.COMMUNE_OFFICER, village.parent, None, {**urls, **outreach})]
    member = _working_member(village)
    if member is not None:
        logins.append((Role.TEAM_MEMBER, member.team.unit, member, work))
    result = _logged_in_runs("pages", logins, iterations)
    result["households_in_village"] = Household.objects.filter(village=village).count()
    result["target_p95_ms"] = 100
    return result


@benchmark("overview", "Province and commune pages (roll-ups), logged in as a province officer.")
def overview(iterations: int) -> dict:
    commune = busiest_village().parent
    try:
        urls = {
            "province": [reverse("web:unit", args=[commune.province_code])],
            "commune": [reverse("web:unit", args=[commune.code])],
        }
    except NoReverseMatch as exc:
        return skipped("overview", f"the web pages are not there yet: {exc}")
    province = Unit.objects.get(code=commune.province_code, valid_to__isnull=True)
    return _logged_in_run("overview", Role.PROVINCE_OFFICER, province, urls, iterations)


def _registry_queries(officer: User, village: Unit) -> list[Callable[[], object]]:
    residents = scoped(officer, Resident.objects.all())
    yes = {f"{name}_yes": Count("id", filter=Q(**{name: Tri.YES})) for name in ESSENTIALS}
    sample = (
        residents.filter(village_code=village.code).values_list("name_folded", flat=True).first() or "nguyen"
    )
    prefix = " ".join(sample.split()[:2])
    return [
        lambda: list(
            scoped(officer, Household.objects.filter(village=village))
            .select_related("head")
            .order_by("household_key")[:50]
        ),
        lambda: list(residents.filter(name_folded__startswith=prefix).order_by("name_folded", "pk")[:50]),
        lambda: list(
            residents.values("village_code").annotate(total=Count("id"), **yes).order_by("village_code")
        ),
    ]


@benchmark("registry", "Scoped reads behind the pages: household list, name search, commune roll-up.")
def registry(iterations: int) -> dict:
    village = busiest_village()
    officer = User(username="bench", role=Role.COMMUNE_OFFICER, scope_unit=village.parent, is_active=True)
    calls = _registry_queries(officer, village)
    queries, peak = [], 0
    for call in calls:
        count, heap = measured(call)
        queries.append(count)
        peak = max(peak, heap)
    timings = []
    for _ in range(iterations):
        for call in calls:
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
    return summary("registry", timings, queries, peak)


def run(name: str, iterations: int) -> dict:
    """Run one registered benchmark; raise KeyError for an unknown name, NoData on an empty registry."""
    return REGISTRY[name].run(iterations)


# Registered by their own modules under gocua/bench/ (imported last: they use the helpers above).
from gocua.bench import concurrent as _concurrent  # noqa: E402, F401
from gocua.bench import dashboards as _dashboards  # noqa: E402, F401
from gocua.bench import figures as _figures  # noqa: E402, F401
from gocua.bench import imports as _imports  # noqa: E402, F401
from gocua.bench import load as _load  # noqa: E402, F401
from gocua.bench import searching as _search  # noqa: E402, F401
from gocua.bench import sync as _sync  # noqa: E402, F401
