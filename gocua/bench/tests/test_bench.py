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
    assert result["requests"] == 4
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]
    assert result["queries_per_request"] >= 1 and result["peak_memory_mb"] > 0
    assert result["pages"]["unit"]["url"].startswith("/units/")


def test_the_throw_away_bench_login_leaves_no_trace(tiny):
    from gocua.accounts.models import User

    run("bench", "pages", "--json", "--iterations", "1")
    assert not User.objects.filter(username__startswith="bench-").exists()


def test_all_benchmarks_run_by_default_and_print_a_table(tiny):
    output = run("bench", "--iterations", "1")
    for name in benchmarks.REGISTRY:
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
    monkeypatch.setattr(benchmarks, "reverse", lambda name, args=None: f"/no-such-page/{args[0]}/")
    with pytest.raises(CommandError, match="failed: pages"):
        run("bench", "pages", "--json", "--iterations", "1")
