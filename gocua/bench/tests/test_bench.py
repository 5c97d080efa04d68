import json

import pytest
from django.core.management import CommandError
from django.urls import NoReverseMatch

from gocua.bench import benchmarks
from gocua.bench.tests.helpers import run

pytestmark = pytest.mark.django_db
KEYS = {"name", "dataset", "requests", "p50_ms", "p95_ms", "max_ms", "queries_per_request", "peak_memory_mb"}


@pytest.fixture
def tiny():
    run("generate", "--provinces", "1", "--residents", "120", "--seed", "5")


@pytest.fixture
def small():
    run("generate", "--provinces", "1", "--residents", "600", "--seed", "2")


def test_pages_prints_one_json_object_with_the_measurements(tiny):
    lines = run("bench", "pages", "--json", "--iterations", "2").splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert result["name"] == "pages"
    assert result["dataset"]["residents"] == 120 and result["dataset"]["households"] > 20
    if result.get("skipped"):  # the web pages are built elsewhere and may not exist yet
        assert "web" in result["reason"]
        return
    assert KEYS <= set(result)
    assert set(result["pages"]) == {"unit", "household", "left_behind", "work"}
    assert result["requests"] == 2 * len(result["pages"])
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]
    assert result["queries_per_request"] >= 1 and result["peak_memory_mb"] > 0
    assert result["pages"]["unit"]["url"].startswith("/units/")
    assert result["pages"]["work"]["url"] == "/outreach/work/" and result["pages"]["work"]["queries"] >= 1


def test_search_prints_its_timings_per_scope_and_kind(small):
    result = json.loads(run("bench", "search", "--json", "--smoke"))
    assert KEYS <= set(result)
    assert result["queries"] == 50 and result["requests"] == 100  # each query in a commune and a province
    assert set(result["scopes"]) == {"commune", "province"}
    for scope in result["scopes"].values():
        assert set(scope["by_kind_p95_ms"]) == {"full_name", "full_name_folded", "family_given", "given"}
        assert 0 < scope["p50_ms"] <= scope["p95_ms"] <= scope["max_ms"]
    assert result["found_share"] > 0.9  # the names are drawn from the data
    assert 1 <= result["queries_per_request"] <= 6


def test_search_queries_come_from_the_names_in_four_kinds(small):
    from gocua.bench.searching import sample_queries

    queries = sample_queries(8)
    assert [kind for kind, _query in queries[:4]] == ["full_name", "full_name_folded", "family_given", "given"]
    full, folded, family_given, given = (q for _kind, q in queries[:4])
    assert folded == folded.lower() and folded.isascii()
    assert len(family_given.split()) == 2 and len(given.split()) == 1
    assert sample_queries(8) == queries  # the same for a database


def test_load_reports_the_error_rate_and_percentiles():
    from gocua.bench import load

    results = [("village", 10.0, 200), ("work", 30.0, 200), ("sync", 20.0, 500), ("search", 5.0, "ConnectionError")]
    report = load._report(results, seconds=2.0, clients=2, workers=3, synced=True)
    assert report["requests"] == 4 and report["errors"] == 2 and report["error_rate"] == 0.5
    assert report["throughput_rps"] == 2.0 and report["p50_ms"] == 10.0 and report["max_ms"] == 30.0
    assert set(report["kinds"]) == {"village", "work", "sync", "search"}
    assert report["first_errors"] == ["sync: 500", "search: ConnectionError"]


def test_bench_refuses_production_settings(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        run("bench", "search", "--json")


def test_the_throw_away_bench_login_leaves_no_trace(tiny):
    from gocua.accounts.models import User

    run("bench", "pages", "--json", "--iterations", "1")
    assert not User.objects.filter(username__startswith="bench-").exists()


OWN = ("pages", "overview", "registry", "search", "load")


def test_all_benchmarks_run_by_default_and_print_a_table(tiny, monkeypatch):
    # The other apps' benchmarks (dashboards, sync, import) serve the app with gunicorn from a copy of
    # the database; they have their own tests. Here: this app's, run by default.
    own = {name: bench for name, bench in benchmarks.REGISTRY.items() if name in OWN}
    monkeypatch.setattr(benchmarks, "REGISTRY", own)
    monkeypatch.setattr("gocua.bench.management.commands.bench.REGISTRY", own)
    output = run("bench", "--iterations", "1")
    assert "load" in output and "skipped" in output  # no server can see the test database
    for name in own:
        assert output.count(f"{name}  (120 residents") == 1
    assert "p50 ms" in output


def test_registry_reports_one_query_per_read(tiny):
    result = json.loads(run("bench", "registry", "--json", "--iterations", "2"))
    assert KEYS <= set(result)
    assert result["requests"] == 6 and result["queries_per_request"] == 1


def test_an_unknown_benchmark_lists_the_known_ones():
    with pytest.raises(CommandError, match="Known: pages, overview, registry"):
        run("bench", "nope")


def test_without_data_it_suggests_generating_some():
    with pytest.raises(CommandError, match="gocua generate"):
        run("bench", "pages", "--json")


def test_it_rejects_zero_iterations():
    with pytest.raises(CommandError, match="iterations"):
        run("bench", "--iterations", "0")


def test_percentile_uses_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert benchmarks.percentile(values, 0.5) == 50
    assert benchmarks.percentile(values, 0.95) == 95
    assert benchmarks.percentile([3.0], 0.95) == 3


def test_pages_is_skipped_with_a_reason_when_the_web_pages_are_missing(tiny, monkeypatch):
    def missing(name, args=None):
        raise NoReverseMatch(f"Reverse for '{name}' not found.")

    monkeypatch.setattr(benchmarks, "reverse", missing)
    result = json.loads(run("bench", "pages", "--json", "--iterations", "2"))
    assert result["skipped"] is True and "web:unit" in result["reason"]
    assert "p50_ms" not in result


def test_a_page_that_does_not_answer_200_fails_the_run(tiny, monkeypatch):
    monkeypatch.setattr(benchmarks, "reverse", lambda name, args=None: f"/no-such-page/{name}/{args}/")
    with pytest.raises(CommandError, match="failed: pages"):
        run("bench", "pages", "--json", "--iterations", "1")


def test_every_benchmark_lives_under_gocua_bench():
    homes = {name: bench.run.__module__ for name, bench in benchmarks.REGISTRY.items()}
    assert {"dashboards", "sync", "load", "search", "registry", "import", "concurrent"} <= set(homes)
    assert all(module.startswith("gocua.bench.") for module in homes.values()), homes


def test_a_bench_device_logs_a_member_in_with_a_token_of_their_own(world):
    from gocua import testing as f
    from gocua.bench.sync import bench_device

    member = f.make_member(world.team, full_name="Lê Văn Bền")
    user, issued = bench_device(member, world.village, "bench-load")
    member.refresh_from_db()
    assert member.user == user and user.username.startswith("bench-sync-")
    assert list(user.device_tokens.values_list("name", flat=True)) == ["bench-load"]
    response = f.ApiClient(token=issued.secret).get("/me")
    assert response.status_code == 200 and response.json()["username"] == user.username


def test_the_load_report_gives_the_mix_as_a_share_of_the_trivial_view():
    from gocua.bench import load

    mix = [("household", 40.0, 200)] * 9 + [("sync", 120.0, 200)]
    trivial = load._trivial([([("trivial", 2.0, 200)] * 300, 2.0), ([("trivial", 3.0, 200)] * 200, 2.0)])
    assert trivial["throughput_rps"] == 125.0 and trivial["throughput_rps_each"] == [150.0, 100.0]
    report = load.with_trivial(load._report(mix, seconds=1.0, clients=2, workers=3, synced=True), trivial)
    assert report["ratio_to_trivial"] == 0.08 and report["meets"] == {
        "throughput_rps": False, "p95_ms": True, "errors": True, "ratio_to_trivial": False}
    assert not report["meets_targets"]
    lines = load._lines(report)
    assert "ratio to the trivial view: 8.0% (goal 12%)" in lines
    assert lines[-1] == "targets: throughput_rps NOT met, p95_ms met, errors met, ratio_to_trivial NOT met"
