"""Fixtures for community tests: media in a temporary folder, the village leader, a collecting project."""

import pytest

from gocua.community.tests.helpers import make_project


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Keep uploaded photos of tests out of the real data folder."""
    settings.DATA_DIR = tmp_path
    return tmp_path / "media"


@pytest.fixture
def leader(world):
    return world.users["team_leader"]


@pytest.fixture
def project(world, leader):
    return make_project(leader, world.village)
