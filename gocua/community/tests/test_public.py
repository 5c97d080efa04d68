"""The public transparency pages (no login): figures, consent, escaping, caching, query counts, poster."""

import re

import pytest
import segno

from gocua import testing as f
from gocua.community import services
from gocua.community.tests.helpers import (
    D,
    G,
    english_client,
    give,
    jpeg_with_exif,
    make_project,
    spend,
    upload,
)


@pytest.fixture
def anonymous():
    return english_client()


@pytest.fixture
def ledger(world, leader, project):
    """A project with a contribution per way of appearing, a withdrawn one, and an expense."""
    other = f.make_household(world.village, "TT-042")
    give(leader, project, giver=G.HOUSEHOLD, household=world.household, display=D.NAME,
         giver_name="Gia đình ông Phạm Công Khai", money_vnd=2_000_000)
    give(leader, project, giver=G.HOUSEHOLD, household=other, display=D.HOUSEHOLD_KEY, money_vnd=1_000_000,
         labour_days=2)
    give(leader, project, giver=G.PERSON, display=D.ANONYMOUS, giver_name="Trần Bí Mật", money_vnd=500_000)
    give(leader, project, giver=G.HOUSEHOLD, household=world.household, display=D.ANONYMOUS,
         giver_name="Hộ Kín Đáo", money_vnd=300_000)
    withdrawn = give(leader, project, giver=G.PERSON, display=D.NAME, giver_name="Đỗ Đổi Ý", money_vnd=400_000)
    services.entry_reverse(actor=leader, project=project, entry=withdrawn, reason="Người góp muốn ẩn danh")
    give(leader, project, giver=G.PERSON, display=D.ANONYMOUS, giver_name="Đỗ Đổi Ý", money_vnd=400_000)
    spend(leader, project, description="Mua 4 bộ đèn", money_vnd=1_200_000)
    return project


def test_the_village_page_shows_the_right_figures_to_a_logged_out_visitor(anonymous, world, ledger):
    page = anonymous.get(f"/community/p/{world.village.code}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Đèn năng lượng mặt trời" in html
    assert "4,200,000 ₫" in html  # collected: 2.0 + 1.0 + 0.5 + 0.3 + 0.4 million
    assert "1,200,000 ₫" in html  # spent
    assert "3,000,000 ₫" in html  # balance
    assert "Mua 4 bộ đèn" in html
    assert "1 entry was corrected" in html


def test_the_village_page_shows_givers_only_as_they_chose(anonymous, world, ledger):
    html = anonymous.get(f"/community/p/{world.village.code}/").content.decode()
    assert "Gia đình ông Phạm Công Khai" in html  # chose: by name
    assert "Household TT-042" in html  # chose: by household key
    assert html.count("Anonymous giver") == 3
    for hidden in ("Trần Bí Mật", "Hộ Kín Đáo", "Đỗ Đổi Ý", "TT-001", "Người góp muốn ẩn danh"):
        assert hidden not in html, hidden
    # Nothing from the registry: not the resident, their phone or citizen ID, not the recorder.
    for private in (world.resident.full_name, "001080012345", world.resident.citizen_id_masked,
                    world.users["team_leader"].username):
        assert private not in html, private


def test_html_in_descriptions_is_shown_as_text(anonymous, world, leader):
    project = make_project(leader, world.village, title="<b>Wi-Fi</b>", description="<script>alert('x')</script>")
    give(leader, project, giver=G.ORGANISATION, display=D.NAME, giver_name="<img src=x onerror=alert(1)>")
    html = anonymous.get(f"/community/p/{world.village.code}/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>Wi-Fi</b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_page_is_cacheable_and_answers_not_modified(anonymous, world, leader, ledger):
    url = f"/community/p/{world.village.code}/"
    page = anonymous.get(url)
    assert "public" in page["Cache-Control"] and "max-age=300" in page["Cache-Control"]
    assert page["ETag"] and page["Last-Modified"]
    assert "Set-Cookie" not in page and not page.cookies
    again = anonymous.get(url, HTTP_IF_NONE_MATCH=page["ETag"])
    assert again.status_code == 304 and not again.content
    give(leader, ledger, money_vnd=50_000)
    changed = anonymous.get(url, HTTP_IF_NONE_MATCH=page["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != page["ETag"]


def test_the_village_page_takes_the_same_few_queries_for_many_projects(anonymous, world, leader,
                                                                       django_assert_max_num_queries):
    url = f"/community/p/{world.village.code}/"
    first = make_project(leader, world.village)
    give(leader, first, giver=G.HOUSEHOLD, household=world.household, display=D.HOUSEHOLD_KEY)
    with django_assert_max_num_queries(6):
        assert anonymous.get(url).status_code == 200
    for n in range(5):
        project = make_project(leader, world.village, title=f"Dự án {n}")
        services.photo_add(actor=leader, project=project, upload=upload(jpeg_with_exif((40, 30))))
        for _ in range(4):
            give(leader, project, giver=G.HOUSEHOLD, household=world.household, display=D.HOUSEHOLD_KEY)
        spend(leader, project)
    with django_assert_max_num_queries(6):
        page = anonymous.get(url)
    assert page.content.decode().count("Household TT-001") == 21


def test_the_commune_page_lists_its_villages_projects(anonymous, world, leader, ledger,
                                                      django_assert_max_num_queries):
    officer = world.users["commune_officer"]
    make_project(officer, world.village2, title="Loa truyền thanh Tháp Hạ")
    commune_wide = make_project(officer, f.unit("09784"), title="Wi-Fi nhà văn hoá xã")
    give(officer, commune_wide, giver=G.ORGANISATION, display=D.NAME, giver_name="Hợp tác xã Đan Phượng")
    give(officer, commune_wide, giver=G.PERSON, display=D.ANONYMOUS, giver_name="Người Giấu Tên")
    make_project(world.users["national_admin"], world.other_commune_village, title="Dự án phường khác")
    with django_assert_max_num_queries(8):
        page = anonymous.get("/community/p/09784/")
    html = page.content.decode()
    assert page.status_code == 200 and "public" in page["Cache-Control"]
    for expected in ("Đèn năng lượng mặt trời", "Loa truyền thanh Tháp Hạ", "Wi-Fi nhà văn hoá xã",
                     f"/community/p/{world.village.code}/#project-{ledger.pk}", "4,200,000 ₫", "The whole commune",
                     "Hợp tác xã Đan Phượng"):
        assert expected in html, expected
    # Village entries stay on the village page; consent holds on the commune page too.
    for absent in ("Dự án phường khác", "Gia đình ông Phạm Công Khai", "Người Giấu Tên"):
        assert absent not in html, absent


@pytest.mark.parametrize("code", ["01", "VN", "99999-999", "<script>"])
def test_only_current_villages_and_communes_have_a_public_page(anonymous, world, code):
    assert anonymous.get(f"/community/p/{code}/").status_code == 404


def test_the_poster_carries_a_qr_code_of_the_absolute_public_url(anonymous, world, project):
    page = anonymous.get(f"/community/p/{world.village.code}/poster/")
    html = page.content.decode()
    url = f"http://testserver/community/p/{world.village.code}/"
    assert page.status_code == 200 and "public" in page["Cache-Control"]
    assert url in html and "data-print" in html and "gocua/page.js" in html
    expected_svg = segno.make(url, error="m", micro=False).svg_inline(scale=4, border=2, omitsize=True, title=url)
    assert expected_svg in html
    assert re.search(r"<svg[^>]*viewBox", html)


def test_public_photos_are_served_without_login_and_cached(anonymous, world, leader, project):
    photo = services.photo_add(actor=leader, project=project, upload=upload(jpeg_with_exif()))
    html = anonymous.get(f"/community/p/{world.village.code}/").content.decode()
    assert f"/community/photos/{photo.pk}/thumb/" in html
    for url in (f"/community/photos/{photo.pk}/", f"/community/photos/{photo.pk}/thumb/"):
        response = anonymous.get(url)
        body = b"".join(response.streaming_content)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert body[:2] == b"\xff\xd8" and b"GocuaTestCam" not in body
        assert "public" in response["Cache-Control"]
    assert anonymous.get("/community/photos/987654321/").status_code == 404


def test_receipts_are_not_public(anonymous, client, world, leader, project):
    entry = spend(leader, project, receipt=upload(jpeg_with_exif()))
    assert anonymous.get(f"/community/entries/{entry.pk}/receipt/").status_code == 302
    client.force_login(world.users["other_commune_officer"])
    assert client.get(f"/community/entries/{entry.pk}/receipt/").status_code == 404
    client.force_login(world.users["team_member"])
    assert client.get(f"/community/entries/{entry.pk}/receipt/").status_code == 200
