"""Alert pages: officers publish in their area (403 outside, 400 on bad input), teams see banners and tick
households on the visit form, dashboards and the indicators API count them, residents read the public page."""

import datetime as dt
import io
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from gocua import testing as f
from gocua.alerts.models import Alert, HouseholdWarned
from gocua.alerts.tests.factories import LOOKS_LIKE, publish
from gocua.outreach.tests.factories import checked, record

NEW = reverse("alerts:new")


def _form(area, **extra):
    return {"title": "Tin nhắn giả mạo ngân hàng", "looks_like": LOOKS_LIKE, "what_to_do": "Không bấm vào link.",
            "severity": "warning", "area": area,
            "expires_on": (timezone.localdate() + dt.timedelta(days=14)).isoformat(), **extra}


def _png(color="red") -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), color).save(out, format="PNG")
    out.seek(0)
    out.name = "anh-chup-man-hinh.png"
    return out


def test_a_commune_officer_publishes_for_their_commune_with_an_image(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client = f.logged_in(world.users["commune_officer"])
    response = client.post(NEW, {**_form("09784"), "image": _png()})
    alert = Alert.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("alerts:detail", args=[alert.pk])
    assert alert.image.name.endswith(".jpg") and alert.thumb
    image = f.logged_in().get(reverse("alerts:image", args=[alert.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize("area", ["00004", "01", "VN"])
def test_a_commune_officer_posting_another_area_gets_403(world, area):
    response = f.logged_in(world.users["commune_officer"]).post(NEW, _form(area))
    assert response.status_code == 403
    assert not Alert.objects.exists()


@pytest.mark.parametrize(("changes", "message"), [
    ({"title": ""}, "This field is required."),
    ({"expires_on": "2020-01-01"}, "The last day of the alert cannot be in the past."),
    ({"area": "99999"}, "Choose the area from the list."),
    ({"severity": "x"}, "Select a valid choice."),
])
def test_bad_input_answers_400_with_the_message(world, changes, message):
    response = f.logged_in(world.users["province_officer"]).post(NEW, {**_form("01"), **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Alert.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    fake = io.BytesIO(b"MZ\x90\x00 not an image")
    fake.name = "anh.jpg"
    response = f.logged_in(world.users["province_officer"]).post(NEW, {**_form("01"), "image": fake})
    assert response.status_code == 400 and not Alert.objects.exists()


@pytest.mark.parametrize("role", ["team_leader", "team_member"])
def test_teams_cannot_open_the_officer_pages(world, role):
    client = f.logged_in(world.users[role])
    assert client.get(NEW).status_code == 403
    assert client.get(reverse("alerts:list")).status_code == 403


def test_an_officer_sees_only_the_alerts_of_their_area(world):
    mine = publish(world.users["commune_officer"], "09784", title="Cảnh báo của xã Đan Phượng")
    publish(world.users["other_commune_officer"], "19774", title="Cảnh báo của Huế")
    page = f.logged_in(world.users["commune_officer"]).get(reverse("alerts:list")).content.decode()
    assert "Cảnh báo của xã Đan Phượng" in page and "Cảnh báo của Huế" not in page
    other = f.logged_in(world.users["other_commune_officer"])
    assert other.get(reverse("alerts:detail", args=[mine.pk])).status_code == 404
    assert other.post(reverse("alerts:withdraw", args=[mine.pk])).status_code == 404


def test_edit_and_withdraw_from_the_pages(world):
    officer = world.users["province_officer"]
    alert = publish(officer, "01")
    client = f.logged_in(officer)
    response = client.post(reverse("alerts:edit", args=[alert.pk]), _form("09784", title="Lừa đảo qua Zalo"))
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.title == "Lừa đảo qua Zalo" and alert.commune_code == "09784"
    assert client.post(reverse("alerts:withdraw", args=[alert.pk])).status_code == 302
    alert.refresh_from_db()
    assert alert.withdrawn_at is not None


def test_the_work_list_shows_the_banner(world):
    publish(world.users["province_officer"], "01", title="Giả danh điện lực đòi tiền")
    publish(world.users["other_commune_officer"], "19774", title="Cảnh báo của Huế")
    page = f.logged_in(world.users["team_member"]).get(reverse("outreach:work")).content.decode()
    assert "Giả danh điện lực đòi tiền" in page and "alert-banner" in page
    assert "Cảnh báo của Huế" not in page


def test_the_web_visit_form_offers_and_records_the_tick(world):
    alert = publish(world.users["province_officer"], "01")
    member = world.users["team_member"]
    client = f.logged_in(member)
    carried = {"uuid": str(uuid.uuid4()), "household": world.household.pk,
               "visited_on": timezone.localdate().isoformat(), "members": [member.member.pk],
               "residents": [world.resident.pk]}
    step3 = client.post(reverse("outreach:visit_new"), {**carried, "step": "2"}).content.decode()
    assert f'name="extra-warned_alerts" value="{alert.pk}"' in step3
    response = client.post(reverse("outreach:visit_new"), {**carried, "step": "3", "extra-warned_alerts": [alert.pk]})
    assert response.status_code == 302
    assert HouseholdWarned.objects.get().household == world.household
    again = client.post(reverse("outreach:visit_new"), {**carried, "uuid": str(uuid.uuid4()), "step": "2"})
    assert "checked disabled" in again.content.decode()  # already warned: shown ticked, not counted twice


def _warned_cell(html: str, alert) -> str:
    match = re.search(rf'data-alert="{alert.pk}">.*?<td class="num warned">([^<]*)</td>', html, re.S)
    return match.group(1).strip() if match else ""


def test_dashboards_and_the_api_count_the_household_right_after_the_visit(world):
    alert = publish(world.users["province_officer"], "01")
    record(world.users["team_member"], world.household, [checked(world.resident)],
           extras={"warned_alerts": [alert.pk]})
    admin = world.users["national_admin"]
    client, api = f.logged_in(admin), f.ApiClient(admin)
    for code in (world.village.code, "09784", "01", "VN"):
        html = client.get(reverse("indicators:unit", args=[code])).content.decode()
        assert _warned_cell(html, alert) == "1", code
        [row] = [a for a in api.get(f"/units/{code}/indicators").json()["alerts"] if a["id"] == alert.pk]
        assert row["households_warned"] == 1 and row["active"] is True, code
    assert api.get(f"/units/{world.village2.code}/indicators").json()["alerts"][0]["households_warned"] == 0


# --- the public page --------------------------------------------------------------------------------


def _meta(html: str, prop: str) -> str:
    match = re.search(rf'<meta property="{prop}" content="([^"]*)"', html)
    return match.group(1) if match else ""


def test_the_public_province_page_lists_alerts_in_force_without_an_account(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    province = publish(world.users["province_officer"], "01", title="Giả danh công an Hà Nội")
    publish(world.users["national_admin"], "VN", title="Cảnh báo toàn quốc: app giả VNeID")
    publish(world.users["commune_officer"], "09784", title="Lừa đảo bán nông sản ở Đan Phượng")
    publish(world.users["other_commune_officer"], "19774", title="Cảnh báo của Huế")
    gone = publish(world.users["province_officer"], "01", title="Cảnh báo đã hết hạn")
    Alert.objects.filter(pk=gone.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    response = f.logged_in().get(reverse("alerts:public", args=["01"]))
    html = response.content.decode()
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    for title in ("Giả danh công an Hà Nội", "Cảnh báo toàn quốc: app giả VNeID", "Lừa đảo bán nông sản ở Đan Phượng"):
        assert title in html
    assert "Cảnh báo của Huế" not in html and "Cảnh báo đã hết hạn" not in html
    assert "<script>" not in html and 'data-share-url="http://testserver/alerts/p/01/"' in html
    assert _meta(html, "og:url") == "http://testserver/alerts/p/01/"
    assert "Hà Nội" in _meta(html, "og:title")
    assert province.title in html
    image_url = _meta(html, "og:image")
    assert image_url.startswith("http://testserver/alerts/p/01/card.png?v=")
    card = f.logged_in().get(image_url.removeprefix("http://testserver"))
    assert card.status_code == 200 and card["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(b"".join(card.streaming_content)))
    assert image.format == "PNG" and image.size == (1200, 630)


@pytest.mark.parametrize("code", ["99", "09784", "nope"])
def test_the_public_page_is_per_province_only(world, code):
    assert f.logged_in().get(reverse("alerts:public", args=[code])).status_code == 404


def test_a_withdrawn_alerts_image_is_no_longer_public(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    officer = world.users["province_officer"]
    alert = publish(officer, "01", image=_png())
    from gocua.alerts.services import alert_withdraw

    alert_withdraw(actor=officer, alert=alert)
    assert f.logged_in().get(reverse("alerts:image", args=[alert.pk])).status_code == 404
