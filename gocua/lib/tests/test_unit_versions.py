"""Unit versions in the cache: new after every bump, never an old value again, harmless when the cache fails."""

import pytest
from django.core.cache import cache
from django.db import transaction

from gocua.lib import unit_versions


@pytest.fixture(autouse=True)
def _fragments_on(settings):
    """Cache the figures whatever the environment's default (on in GOCUA_ENV=test, off with locmem elsewhere)."""
    settings.GOCUA_FIGURES_CACHE = True


def test_a_bump_renews_the_unit_its_ancestors_given_and_the_nation_and_nothing_else():
    before = {code: unit_versions.current(code) for code in ("09784-001", "09784", "01", "VN", "19774")}
    unit_versions.bump(["09784-001", "09784", "01", ""])
    after = {code: unit_versions.current(code) for code in before}
    assert all(after[code][1] != before[code][1] for code in ("09784-001", "09784", "01", "VN"))
    assert after["19774"] == before["19774"]
    assert len({versions[0] for versions in [*before.values(), *after.values()]}) == 1  # the global one stays


def test_bump_all_renews_the_global_version_that_every_key_holds():
    before = unit_versions.current("19774")
    unit_versions.bump_all()
    after = unit_versions.current("19774")
    assert after[0] != before[0] and after[1] == before[1]


@pytest.mark.django_db
def test_a_bump_in_a_transaction_renews_the_version_again_after_commit(django_capture_on_commit_callbacks):
    seen = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        unit_versions.bump(["09784"])
        seen.append(unit_versions.current("09784")[1])  # at once: the writer's own reads see it
    assert len(callbacks) == 1
    assert unit_versions.current("09784")[1] != seen[0]  # and once more after commit


def test_a_version_lost_from_the_cache_comes_back_as_a_new_value():
    first = unit_versions.current("09784")
    cache.delete("unitv:09784")
    assert unit_versions.current("09784")[1] != first[1]
    assert unit_versions.current("09784") == unit_versions.current("09784")


def test_nothing_is_bumped_when_fragment_caching_is_off(settings):
    before = unit_versions.current("09784")
    settings.GOCUA_FIGURES_CACHE = False
    unit_versions.bump(["09784"])
    settings.GOCUA_FIGURES_CACHE = True
    assert unit_versions.current("09784") == before


def test_a_cache_outage_neither_fails_the_write_nor_serves_a_version(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "set_many", down)
    monkeypatch.setattr(cache, "get_many", down)
    unit_versions.bump(["09784"])  # logged, not raised
    assert unit_versions.current("09784") is None
