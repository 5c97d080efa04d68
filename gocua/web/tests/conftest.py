"""Fixtures for the page tests: a logged-in client per role of the `world` fixture."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@pytest.fixture
def login(world):
    """Return a function giving a client logged in as a `world` role name (or as a given user)."""

    def make(who) -> Client:
        user = world.users[who] if isinstance(who, str) else who
        client = Client()
        client.force_login(user)
        # Assertions read the English msgids; Vietnamese is the default once the catalogue exists.
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


@pytest.fixture
def count_queries():
    """Return a function that GETs a page and returns (response, number of queries)."""

    def run(client: Client, url: str):
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response, len(context)

    return run
