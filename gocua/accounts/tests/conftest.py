"""Fixtures for the account pages: clients logged in as a world user, from a known address."""

import pytest
from django.test import Client
from django.urls import reverse

from gocua.testing import PASSWORD

IP = "203.0.113.7"  # TEST-NET-3: an address that cannot be anyone's


@pytest.fixture
def client_as():
    """Return a function giving a client logged in (without the log-in page) as a user."""

    def make(user) -> Client:
        client = Client(REMOTE_ADDR=IP)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def login_as():
    """Return a function that logs a user in through the log-in page, as a person would."""

    def log_in(user, password: str = PASSWORD) -> Client:
        client = Client(REMOTE_ADDR=IP)
        response = client.post(reverse("web:login"), {"username": user.username, "password": password})
        assert response.status_code == 302, "the log-in should succeed"
        return client

    return log_in
