"""Fixtures for the page tests: a logged-in client per role of the `world` fixture."""

import pytest
from django.test import Client

from gocua import testing as f


@pytest.fixture
def login(world):
    """Return a function giving a client logged in as a `world` role name (or as a given user)."""

    def make(who) -> Client:
        return f.logged_in(world.users[who] if isinstance(who, str) else who)

    return make


@pytest.fixture
def count_queries():
    """Return a function that GETs a page and returns (response, number of queries)."""

    return f.get_counting
