import json

import pytest

from gocua.accounts.models import User
from gocua.bench.tests.helpers import run

pytestmark = pytest.mark.django_db


def test_figures_times_each_dashboard_built_and_from_the_cache_and_leaves_no_trace():
    run("generate", "--provinces", "1", "--residents", "120", "--seed", "5")
    users = User.objects.count()
    result = json.loads(run("bench", "figures", "--json", "--iterations", "2"))
    assert result["name"] == "figures" and result["requests"] == 2 * 4
    assert set(result["pages"]) == {"nation", "province", "commune", "village"}
    for page in result["pages"].values():
        assert page["url"].startswith("/dashboards/")
        assert page["queries_cached"] < page["queries_built"]
        assert page["p50_ms_built"] > 0 and page["p50_ms_cached"] > 0
    assert User.objects.count() == users  # the throw-away officers were rolled back
