"""The public pages through the Django test client: the form, the poster, the status page and a real burst."""

import re

import pytest
from django.test import Client

from gocua.helprequests.models import HelpRequest
from gocua.helprequests.tests.conftest import form
from gocua.teams.models import Member

pytestmark = [pytest.mark.django_db, pytest.mark.vietnamese]
TOO_MANY_VI = "Có quá nhiều yêu cầu được gửi từ đây"


def _client(address="203.0.113.7") -> Client:
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="vi", raise_request_exception=False)


def _post(client, village, **overrides):
    return client.post(f"/h/{village.code}/", form(**overrides))


def test_the_help_page_offers_the_catalogue_in_plain_words_and_the_consent(world):
    response = _client().get(f"/h/{world.village.code}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tài khoản định danh VNeID" in page and "🪪" in page and 'value="other"' in page
    assert "đồng ý" in page and 'name="website"' in page and 'name="t"' in page


def test_the_poster_names_the_team_and_masks_the_leaders_phone(world):
    Member.objects.filter(team=world.team, role="leader").update(phone="0988123456")
    response = _client().get(f"/h/{world.village.code}/poster/?size=a5")
    page = response.content.decode()
    assert response.status_code == 200 and "<svg" in page and world.team.name in page
    assert "098****456" in page and "0988123456" not in page and "poster-a5" in page
    assert f"/h/{world.village.code}/" in page


def test_a_resident_files_and_the_status_page_shows_only_their_request(world):
    client = _client()
    response = _post(client, world.village)
    assert response.status_code == 302
    code = HelpRequest.objects.get().code
    assert response["Location"] == f"/h/s/{code}/?new=1"
    page = client.get(response["Location"]).content.decode()
    assert code in page and "Nguyễn Thị Hồng" not in page and "0912345678" not in page
    assert 'data-status="new"' in page and "Đã nhận: tổ công nghệ số của thôn sẽ gọi lại cho bạn." in page
    assert client.get("/h/s/NOPE1234/").status_code == 404
    assert client.get(f"/h/s/?code={code.lower()}").status_code == 302


def test_the_answer_is_the_same_for_a_known_and_an_unknown_phone(world):
    world.resident.phone = "0912345678"
    world.resident.save(update_fields=["phone"])
    submit_first = _post(_client("198.51.100.3"), world.village, phone="0912345678")  # known, and will fold
    assert submit_first.status_code == 302
    pages = []
    for address, phone in (("198.51.100.1", "0912345678"), ("198.51.100.2", "0987000111")):
        response = _post(_client(address), world.village, phone=phone)
        assert response.status_code == 302
        code = response["Location"].split("/")[3]
        page = _client().get(response["Location"]).content.decode().replace(code, "CODE")
        pages.append(re.sub(r"\d\d/\d\d/\d{4} \d\d:\d\d", "DATE", page))
    assert pages[0] == pages[1]  # folded into a known phone's entry or not: the resident cannot tell
    assert "TT-001" not in pages[0] and "Nguyễn Văn Trường" not in pages[0]


@pytest.mark.parametrize("overrides", [
    {"name": ""}, {"phone": "abc"}, {"other_text": "https://lừa-đảo.vn"}, {"website": "x"}, {"t": ""},
    {"service": "x" * 5000}, {"name": "x" * 5000}, {"preferred_time": "\x00"},
])
def test_bad_input_is_answered_with_400_in_vietnamese_never_500(world, overrides):
    response = _post(_client(), world.village, **overrides)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_an_unknown_village_is_404(world):
    assert _client().get("/h/99999-999/").status_code == 404
    assert _client().post("/h/99999-999/", form()).status_code == 404
    assert _client().get("/h/09784/").status_code == 404  # a commune has no help page


def test_a_burst_of_200_from_one_address_is_limited_and_a_real_request_still_lands(world, settings):
    settings.GOCUA_HELP_PER_ADDRESS_PER_HOUR = 20
    flood, statuses = _client("203.0.113.66"), []
    for i in range(200):
        statuses.append(_post(flood, world.village, phone=f"09{i:08d}", name=f"Bot {i}").status_code)
        if i == 100:  # a neighbour sends a real request in the middle of the burst
            real = _post(_client("198.51.100.9"), world.village, phone="0987654321", name="Lê Văn Tám")
            assert real.status_code == 302
    assert statuses[:20] == [302] * 20 and set(statuses[20:]) == {429}
    limited = _post(flood, world.village, phone="0977000000")
    assert limited.status_code == 429 and TOO_MANY_VI in limited.content.decode()
    assert limited["Retry-After"] == "3600"
    assert HelpRequest.objects.count() == 21
    leader = Client()
    leader.force_login(world.users["team_leader"])
    queue = leader.get("/help/").content.decode()
    assert "Lê Văn Tám" in queue and "0987654321" in queue


def test_a_burst_of_50_from_one_phone_is_limited_and_folds_into_one_entry(world, settings):
    settings.GOCUA_HELP_PER_PHONE_PER_HOUR = 5
    statuses = []
    for i in range(50):  # from many addresses, as a botnet would
        statuses.append(_post(_client(f"10.1.{i // 250}.{i % 250}"), world.village, phone="0911 222 333").status_code)
        if i == 25:
            real = _post(_client("198.51.100.10"), world.village, phone="0987654321", name="Lê Văn Tám")
            assert real.status_code == 302
    assert statuses[:5] == [302] * 5 and set(statuses[5:]) == {429}
    assert HelpRequest.objects.filter(phone="0911222333").count() == 5
    leader = Client()
    leader.force_login(world.users["team_leader"])
    rows = leader.get("/help/").content.decode().count('class="help-entry"')
    assert rows == 2  # the flood folds into one entry; the real one is its own
    assert "Lê Văn Tám" in leader.get("/help/").content.decode()


def test_the_help_page_shares_as_a_card_with_a_generated_preview(world, tmp_path, settings):
    import io

    from PIL import Image

    settings.DATA_DIR = tmp_path  # the cards are cached under DATA_DIR/og/
    page = _client().get(f"/h/{world.village.code}/").content.decode()
    tags = dict(re.findall(r'<meta property="(og:[a-z:]+)" content="([^"]*)"', page))
    assert world.village.name in tags["og:title"]
    assert tags["og:url"].endswith(f"/h/{world.village.code}/")
    assert f"/h/{world.village.code}/card.png?v=" in tags["og:image"]
    assert 'data-share-url="' in page and "share.js" in page
    card = _client().get(tags["og:image"].split("testserver", 1)[-1])
    assert card.status_code == 200 and card["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(b"".join(card.streaming_content)))
    assert image.format == "PNG" and image.size == (1200, 630)
    # Nothing personal on a public card: the leader's phone is not in the tags.
    Member.objects.filter(team=world.team, role="leader").update(phone="0988123456")
    again = _client().get(f"/h/{world.village.code}/").content.decode()
    assert "0988123456" not in " ".join(re.findall(r'<meta [^>]*>', again))


def test_the_card_of_an_unknown_village_is_404(world):
    assert _client().get("/h/99999-999/card.png").status_code == 404
