"""Project pages shared on Zalo or Facebook: Open Graph tags and a generated preview card."""

import io
import re

from PIL import Image

from gocua.community.tests.helpers import D, G, english_client, give, make_project


def _meta(html: str, prop: str) -> str:
    match = re.search(rf'<meta property="{prop}" content="([^"]*)"', html)
    return match.group(1) if match else ""


def test_the_village_page_carries_a_card_with_the_money_given(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    leader = world.users["team_leader"]
    project = make_project(leader, world.village)
    give(leader, project, giver=G.HOUSEHOLD, household=world.household, display=D.HOUSEHOLD_KEY, money_vnd=2_500_000)
    client = english_client()
    html = client.get(f"/community/p/{world.village.code}/").content.decode()
    assert _meta(html, "og:url") == f"http://testserver/community/p/{world.village.code}/"
    assert project.title in _meta(html, "og:title") and world.village.name in _meta(html, "og:title")
    assert "2.500.000 ₫" in _meta(html, "og:description")
    assert 'data-share-url="http://testserver/community/p/' in html and "<script>" not in html
    image_url = _meta(html, "og:image")
    assert image_url.startswith(f"http://testserver/community/p/{world.village.code}/card.png?v=")
    response = client.get(image_url.removeprefix("http://testserver"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.format == "PNG" and image.size == (1200, 630)


def test_a_new_contribution_changes_the_card_address(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    leader = world.users["team_leader"]
    project = make_project(leader, world.village)
    client = english_client()
    before = _meta(client.get(f"/community/p/{world.village.code}/").content.decode(), "og:image")
    give(leader, project, giver=G.HOUSEHOLD, household=world.household, display=D.HOUSEHOLD_KEY, money_vnd=100_000)
    after = _meta(client.get(f"/community/p/{world.village.code}/").content.decode(), "og:image")
    assert before != after  # scrapers that cached the old card fetch the new one


def test_the_commune_page_has_a_card_too(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    html = english_client().get("/community/p/09784/").content.decode()
    assert _meta(html, "og:image").startswith("http://testserver/community/p/09784/card.png?v=")
