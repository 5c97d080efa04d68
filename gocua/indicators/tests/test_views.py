import datetime as dt
import re

import pytest

from gocua import testing as f
from gocua.accounts.models import Role
from gocua.households.digital import Tri
from gocua.indicators.services import rollups_rebuild
from gocua.indicators.tests.conftest import client_for
from gocua.places.models import Level, Unit

pytestmark = pytest.mark.django_db


def cards(html: str) -> dict[str, dict[str, str]]:
    """Return the data-* attributes of every indicator card, by key."""
    found = {}
    for match in re.finditer(r'<div class="ind" ([^>]*)>', html):
        attrs = dict(re.findall(r'data-([\w-]+)="([^"]*)"', match.group(1)))
        found[attrs["key"]] = attrs
    return found


def test_the_commune_dashboard_shows_cards_against_targets_with_unknown_share(data, officer):
    response = officer.get("/dashboards/09784/")
    html = response.content.decode()
    assert response.status_code == 200
    smartphone = cards(html)["smartphone"]
    # Commune: Bình and Em yes, Dũng no, An unknown → 2 of 4 adults, 25% unknown.
    assert (smartphone["yes"], smartphone["denominator"], smartphone["percent"]) == ("2", "4", "50.0")
    assert smartphone["unknown-percent"] == "25.0"
    assert "unknown 25.0%" in html
    assert "target 80%" in html and "target 70%" in html and "target 100%" in html
    assert "Against the targets in force" in html and "411/QĐ-TTg" in html


def test_the_children_table_links_down_weakest_coverage_first(data, officer):
    html = officer.get("/dashboards/09784/").content.decode()
    codes = re.findall(r'<tr data-code="([^"]+)">', html)
    assert codes == [data.world.village2.code, data.world.village.code]
    assert f'href="/dashboards/{data.world.village2.code}/"' in html


def test_the_teams_are_ranked_and_the_trend_explains_itself_without_snapshots(data, officer):
    html = officer.get("/dashboards/09784/").content.decode()
    assert "Tổ CNSCĐ thôn Tháp Thượng" in html and "50.0%" in html
    assert "The trend appears once a weekly record has been taken" in html


def test_the_trend_chart_is_inline_svg_once_there_are_snapshots(data, officer):
    rollups_rebuild(reference=f.today() - dt.timedelta(days=7))
    rollups_rebuild(reference=f.today())
    html = officer.get("/dashboards/09784/").content.decode()
    assert '<svg class="chart"' in html and "<polyline" in html
    # The chart is drawn by the server: no inline script, and nothing loaded from another site.
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert all('src="/static/' in tag for tag in scripts), scripts
    assert not re.search(r"""(src|href)=["']https?://""", html)


def test_a_date_shows_the_snapshot_and_says_so(data, officer):
    week_ago = f.today() - dt.timedelta(days=7)
    rollups_rebuild(reference=week_ago)
    f.make_resident(data.household3, full_name="Mới Đến", birth_year=1999, indicators={"smartphone": Tri.YES})
    html = officer.get(f"/dashboards/09784/?date={week_ago.isoformat()}").content.decode()
    assert "Figures as they stood on" in html
    assert cards(html)["smartphone"]["yes"] == "2"  # not 3: the newcomer came after the snapshot
    assert cards(officer.get("/dashboards/09784/").content.decode())["smartphone"]["yes"] == "3"


def test_a_date_before_the_unit_existed_is_answered_with_a_message(data, officer):
    response = officer.get("/dashboards/09784/?date=2024-05-01")
    assert response.status_code == 200
    assert 'data-notice="before_unit_existed"' in response.content.decode()
    assert "did not exist yet" in response.content.decode()
    assert not cards(response.content.decode())


@pytest.mark.parametrize(
    "query, message",
    [
        ("date=2025-13-45", "is not a date"),
        ("date=yesterday", "is not a date"),
        ("period=fortnight", "is not a period"),
        ("period=2025-Q5", "is not a period"),
        ("period=month&start=07/2025", "is not a date"),
    ],
)
def test_bad_dates_and_periods_are_a_400_with_a_message(world, officer, query, message):
    response = officer.get(f"/dashboards/09784/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_unknown_code_is_a_404_that_names_it(world, officer):
    response = officer.get("/dashboards/ABC123/")
    assert response.status_code == 404
    assert "There is no unit with code “ABC123” in your area" in response.content.decode()


def test_units_outside_the_scope_are_404(world):
    commune_officer = client_for(world.users["commune_officer"])
    assert commune_officer.get("/dashboards/19774/").status_code == 404
    assert commune_officer.get("/dashboards/01/").status_code == 404
    assert commune_officer.get("/dashboards/VN/").status_code == 404
    leader = client_for(world.users["team_leader"])
    assert leader.get(f"/dashboards/{world.village.code}/").status_code == 200
    assert leader.get(f"/dashboards/{world.village2.code}/").status_code == 404
    assert leader.get("/dashboards/09784/").status_code == 404


def test_a_province_officer_sees_only_their_province_among_the_nations_children(world):
    client = client_for(world.users["province_officer"])
    assert client.get("/dashboards/VN/").status_code == 404
    html = client.get("/dashboards/01/").content.decode()
    codes = re.findall(r'<tr data-code="([^"]+)">', html)
    assert "09784" in codes and all(Unit.objects.get(code=c).province_code == "01" for c in codes)


def test_the_province_page_draws_its_communes_on_a_map_coloured_by_the_chosen_indicator(data):
    client = client_for(data.world.users["province_officer"])
    html = client.get("/dashboards/01/?map=smartphone").content.decode()
    communes = Unit.objects.filter(parent__code="01", valid_to__isnull=True, latitude__isnull=False).count()
    svg = html[html.index('<svg class="map"'):]
    svg = svg[: svg.index("</svg>")]
    assert svg.count("<circle") == communes > 100
    assert "Xã Đan Phượng: 50%" in svg  # 2 of 4 adults with a smartphone
    assert 'href="/dashboards/09784/"' in svg


def test_the_index_sends_each_user_to_their_own_area(world):
    response = client_for(world.users["commune_officer"]).get("/dashboards/")
    assert response.status_code == 302 and response["Location"] == "/dashboards/09784/"


def test_anonymous_visitors_are_sent_to_log_in(world):
    from django.test import Client

    response = Client().get("/dashboards/09784/")
    assert response.status_code == 302 and "login" in response["Location"]


def _commune_with_villages(n: int) -> Unit:
    commune = Unit.objects.filter(level=Level.COMMUNE, province_code="79", valid_to__isnull=True).order_by("code")[n]
    for i in range(n):
        village = f.make_village(commune.code, f"Ấp {i}", kind="ap")
        if i % 4 == 0:
            f.make_resident(f.make_household(village), indicators={"smartphone": Tri.NO})
        if i % 10 == 0:
            f.make_member(f.make_team(village))
    return commune


def test_the_dashboard_takes_the_same_queries_for_5_or_50_villages(db):
    client = client_for(f.make_user(Role.NATIONAL_ADMIN, "VN"))
    counts = []
    for n in (5, 50):
        commune = _commune_with_villages(n)
        response, queries = f.get_counting(client, f"/dashboards/{commune.code}/")
        assert len(re.findall(r"<tr data-code=", response.content.decode())) == n
        counts.append(queries)
    # 22 since the alerts, learning and priority-group sections joined the page; flat in villages.
    assert counts[0] == counts[1] <= 22
