"""The team's pages, end to end with the test client: the "done when" flow, scope, bad input, exports."""

import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from gocua.accounts.models import AuditEvent
from gocua.community import services
from gocua.community.models import LedgerEntry, Project
from gocua.community.selectors import project_totals, unit_contributions
from gocua.community.tests.helpers import (
    D,
    G,
    english_client,
    give,
    jpeg_with_exif,
    make_project,
    snapshot,
    spend,
    upload,
    yesterday,
)

client_of = english_client


def amount(text: str) -> int:
    return int(re.sub(r"\D", "", text) or 0)


def test_a_leader_runs_a_project_and_the_public_page_shows_the_right_balance(world, leader):
    web = client_of(leader)
    assert "New project" in web.get("/community/").content.decode()
    assert web.get("/community/new/").status_code == 200
    response = web.post("/community/new/", {
        "title": "Camera an ninh đầu ngõ", "kind": "camera", "goal_vnd": "20.000.000", "goal_labour_days": "",
        "description": "6 camera", "team": world.team.pk, "responsible_name": "Bùi Văn Trường",
    })
    project = Project.objects.get(title="Camera an ninh đầu ngõ")
    assert response.status_code == 302 and response["Location"] == f"/community/projects/{project.pk}/"
    assert (project.village_code, project.goal_vnd, project.team, project.created_by) == (
        world.village.code, 20_000_000, world.team, leader)
    web.post(f"/community/projects/{project.pk}/status/", {"status": "collecting"})
    day = yesterday().isoformat()
    web.post(f"/community/projects/{project.pk}/contributions/new/", {
        "entry_on": day, "giver": "household", "household_key": "TT-001", "display": "household_key",
        "money_vnd": "1.500.000", "labour_days": "1,5"})
    web.post(f"/community/projects/{project.pk}/contributions/new/", {
        "entry_on": day, "giver": "person", "giver_name": "Lê Văn Nhầm", "display": "name", "money_vnd": "15.000.000"})
    mistake = LedgerEntry.objects.get(giver_name="Lê Văn Nhầm")
    reverse_url = f"/community/projects/{project.pk}/entries/{mistake.pk}/reverse/"
    assert "15,000,000 ₫" in web.get(reverse_url).content.decode()
    assert web.post(reverse_url, {"reason": "Thừa một số 0"}).status_code == 302
    response = web.post(f"/community/projects/{project.pk}/expenses/new/", {
        "entry_on": day, "description": "Mua 2 camera", "money_vnd": "1000000",
        "receipt": upload(jpeg_with_exif(), "hoa-don.jpg")})
    assert response.status_code == 302
    detail = web.get(f"/community/projects/{project.pk}/").content.decode()
    assert "Correction of no. 2" in detail and "Thừa một số 0" in detail and "receipt" in detail
    assert list(AuditEvent.objects.filter(object_type="community.ledgerentry").values_list("action", flat=True)
                .order_by("id")) == ["ledger_entry", "ledger_entry", "ledger_reversal", "ledger_entry"]

    public = english_client().get(f"/community/p/{world.village.code}/").content.decode()
    assert "500,000 ₫" in public  # balance: 1.5 M collected − 1 M spent; the 15 M mistake nets out
    assert "1,500,000 ₫" in public and "Household TT-001" in public
    assert "Lê Văn Nhầm" not in public and "15,000,000" not in public


def test_totals_match_on_the_page_the_statement_the_xlsx_and_the_dashboard(world, leader, project):
    give(leader, project, giver=G.HOUSEHOLD, household=world.household, display=D.HOUSEHOLD_KEY,
         money_vnd=2_500_000, labour_days=3)
    wrong = give(leader, project, money_vnd=9_000_000)
    services.entry_reverse(actor=leader, project=project, entry=wrong, reason="Nhầm")
    give(leader, project, giver=G.ORGANISATION, display=D.NAME, giver_name="=HYPERLINK(\"x\")", money_vnd=700_000)
    spend(leader, project, money_vnd=1_100_000)
    web = client_of(leader)
    statement = web.get(f"/community/projects/{project.pk}/statement/").content.decode()
    page_in = amount(re.search(r'id="total-in">([^<]*)<', statement).group(1))
    page_out = amount(re.search(r'id="total-out">([^<]*)<', statement).group(1))
    page_balance = amount(re.search(r'id="balance">([^<]*)<', statement).group(1))

    response = web.get(f"/community/projects/{project.pk}/ledger.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    total = next(r for r in rows if r[3] == "Total")
    balance = next(r for r in rows if r[3] == "Balance")
    entry_rows = [r for r in rows if isinstance(r[0], int)]
    assert len(entry_rows) == 5 and sum(r[4] for r in entry_rows) == total[4]
    assert any(r[3] == '=HYPERLINK("x")' for r in entry_rows)  # kept as text, not run as a formula
    assert sheet.cell(row=5 + 4, column=4).data_type == "s"

    totals = project_totals([project.pk])[project.pk]
    dashboard = unit_contributions([world.village.code])[world.village.code]
    assert page_in == total[4] == totals.collected_vnd == dashboard["money_vnd"] == 3_200_000
    assert page_out == total[5] == totals.spent_vnd == 1_100_000
    assert page_balance == balance[4] == totals.balance_vnd == 2_100_000
    assert total[6] == float(dashboard["labour_days"]) == 3
    assert AuditEvent.objects.filter(action="export", object_id=str(project.pk)).count() == 1


@pytest.mark.parametrize(("money", "message"), [
    ("-50000", "cannot be negative"), ("12,5", "whole đồng"), ("20.000.000.000", "over the limit"),
])
def test_bad_amounts_on_the_form_show_a_message_and_write_nothing(world, leader, project, money, message):
    before = snapshot()
    response = client_of(leader).post(f"/community/projects/{project.pk}/contributions/new/", {
        "entry_on": yesterday().isoformat(), "giver": "anonymous", "display": "anonymous", "money_vnd": money})
    assert response.status_code == 400 and message in response.content.decode()
    assert snapshot() == before


def test_an_unknown_household_key_is_shown_on_its_field(world, leader, project):
    response = client_of(leader).post(f"/community/projects/{project.pk}/contributions/new/", {
        "entry_on": yesterday().isoformat(), "giver": "household", "household_key": "KHÔNG-CÓ",
        "display": "household_key", "money_vnd": "1000"})
    assert response.status_code == 400 and "No household with this key" in response.content.decode()
    assert not LedgerEntry.objects.exists()


def test_reversing_an_entry_of_another_project_is_refused_with_a_message(world, leader, project):
    other = make_project(leader, world.village, title="Wi-Fi")
    foreign = give(leader, other)
    response = client_of(leader).post(
        f"/community/projects/{project.pk}/entries/{foreign.pk}/reverse/", {"reason": "Nhầm"})
    assert response.status_code == 400 and "belongs to another project" in response.content.decode()
    assert LedgerEntry.objects.count() == 1


def test_a_non_image_receipt_is_refused_on_the_form(world, leader, project):
    response = client_of(leader).post(f"/community/projects/{project.pk}/expenses/new/", {
        "entry_on": yesterday().isoformat(), "description": "Dây điện", "money_vnd": "100000",
        "receipt": upload(b"<html>not a photo</html>", "hoa-don.jpg")})
    assert response.status_code == 400 and "not a photo" in response.content.decode()
    assert not LedgerEntry.objects.exists()


def test_a_photo_uploads_through_the_page_and_html_in_the_description_is_text(world, leader, project):
    web = client_of(leader)
    response = web.post(f"/community/projects/{project.pk}/photos/new/", {
        "image": upload(jpeg_with_exif()), "caption": "<i>Cột 1</i>"})
    assert response.status_code == 302 and project.photos.count() == 1
    web.post(f"/community/projects/{project.pk}/edit/", {
        "title": project.title, "kind": project.kind, "goal_vnd": "20000000",
        "description": "<script>alert(1)</script>"})
    html = web.get(f"/community/projects/{project.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<i>Cột 1</i>" not in html


# --- scope ----------------------------------------------------------------------------------------


def test_members_see_projects_but_cannot_change_them(world, project):
    web = client_of(world.users["team_member"])
    assert web.get(f"/community/projects/{project.pk}/").status_code == 200
    assert "Record a contribution" not in web.get(f"/community/projects/{project.pk}/").content.decode()
    for url in ("contributions/new/", "expenses/new/", "photos/new/", "edit/"):
        assert web.get(f"/community/projects/{project.pk}/{url}").status_code == 403, url
    assert web.post(f"/community/projects/{project.pk}/status/", {"status": "done"}).status_code == 403
    assert web.get("/community/new/").status_code == 403
    project.refresh_from_db()
    assert project.status == Project.Status.COLLECTING


def test_outsiders_get_404_and_the_list_holds_only_projects_in_scope(world, leader, project):
    hue = make_project(world.users["national_admin"], world.other_province_village, title="Wi-Fi An Lưu")
    outsider = client_of(world.users["other_commune_officer"])
    for url in ("", "contributions/new/", "statement/", "ledger.xlsx"):
        assert outsider.get(f"/community/projects/{project.pk}/{url}").status_code == 404, url
    assert outsider.get(f"/community/projects/{hue.pk}/").status_code == 200
    listing = client_of(leader).get("/community/").content.decode()
    assert project.title in listing and "Wi-Fi An Lưu" not in listing
    assert client_of(leader).get(f"/community/projects/{hue.pk}/").status_code == 404
    assert client_of(leader).get(f"/community/new/?unit={world.village2.code}").status_code == 404


def test_logged_out_visitors_are_sent_to_log_in_for_team_pages(world, project):
    assert Client().get(f"/community/projects/{project.pk}/").status_code == 302
    assert Client().get("/community/").status_code == 302


def test_an_officer_chooses_the_village_of_a_new_project(world):
    web = client_of(world.users["commune_officer"])
    assert "Village or commune code" in web.get("/community/new/").content.decode()
    assert web.get(f"/community/new/?unit={world.village2.code}").status_code == 200
    assert web.get(f"/community/new/?unit={world.other_province_village.code}").status_code == 404


def test_the_project_list_takes_the_same_queries_for_5_and_25_projects(world, leader, django_assert_max_num_queries):
    web = client_of(leader)
    for n in range(5):
        give(leader, make_project(leader, world.village, title=f"P{n}"))
    web.get("/community/")
    with django_assert_max_num_queries(12) as few:
        web.get("/community/")
    for n in range(20):
        give(leader, make_project(leader, world.village, title=f"Q{n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert web.get("/community/").status_code == 200
