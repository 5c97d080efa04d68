"""The dashboard's figures fragment: served from the cache while nothing changed, fresh after any write."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gocua import testing as f
from gocua.households.digital import Tri
from gocua.households.services import resident_set_indicators
from gocua.indicators import fragments
from gocua.indicators.services import rollups_rebuild, target_withdraw
from gocua.indicators.tests.conftest import client_for
from gocua.indicators.tests.test_views import cards
from gocua.lib import unit_versions
from gocua.outreach.services.visits import visit_record
from gocua.places.services import village_rename
from gocua.teams.services import member_update

pytestmark = pytest.mark.django_db
COMMUNE = "/dashboards/09784/"
# Served from the cache: session, user, their scope unit, the unit, then the sections read live
# (community contributions, scam alerts, priority groups, skills).
CACHED_QUERIES = 8


@pytest.fixture(autouse=True)
def _fragments_on(settings):
    """Cache the figures whatever the environment's default (on in GOCUA_ENV=test, off with locmem elsewhere)."""
    settings.GOCUA_FIGURES_CACHE = True


@pytest.fixture
def stored(monkeypatch):
    """Record every fragment the dashboard stores in the cache, as {key: (html, available)}."""
    seen = {}
    real_set = fragments.cache.set

    def recording_set(key, value, *args, **kwargs):
        if key.startswith("figures:"):
            seen[key] = value
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(fragments.cache, "set", recording_set)
    return seen


def _get(client, url=COMMUNE):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _unmasked(html: str) -> str:
    """Return the page without its CSRF tokens (masked anew in every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _headline(html: str) -> str:
    return html[html.index('id="headline"'):html.index("</div>\n\n<section")]


def test_a_second_view_of_an_unchanged_page_comes_from_the_cache_with_fewer_queries(data, officer, stored):
    officer.get(COMMUNE)  # the session's first request may write it
    fragments.cache.clear()
    stored.clear()
    first, built = _get(officer)
    second, served = _get(officer)
    assert len(stored) == 1  # built and stored once, then served
    assert _unmasked(second) == _unmasked(first)
    assert served <= built - 8 and served <= CACHED_QUERIES, (built, served)


def test_a_visit_recorded_through_the_service_shows_on_the_next_view(data, officer):
    assert "<b>1</b>visits, " in _headline(_get(officer)[0])
    leader = data.world.users["team_leader"]
    visit_record(
        actor=leader, uuid=uuid.uuid4(), household=data.household2, visited_on=f.today(), member_ids=[leader.member.pk],
        residents=[{"resident_id": data.household2.residents.get().pk, "present": True, "note": "", "outcomes": []}],
    )
    headline = _headline(_get(officer)[0])
    assert "2 households visited" in headline and "<b>2</b>visits, " in headline


def test_a_registry_change_shows_on_the_next_view_of_the_village_commune_province_and_nation(data, world):
    clients = {code: client_for(world.users[role]) for code, role in
               [("09784", "commune_officer"), ("01", "province_officer"), ("VN", "national_admin")]}
    urls = {code: f"/dashboards/{code}/" for code in clients} | {world.village.code: f"/dashboards/{world.village.code}/"}
    clients[world.village.code] = clients["09784"]
    before = {code: cards(_get(clients[code], url)[0])["smartphone"]["yes"] for code, url in urls.items()}
    resident_set_indicators(actor=f.admin(), resident=world.resident, values={"smartphone": Tri.YES})
    after = {code: cards(_get(clients[code], url)[0])["smartphone"]["yes"] for code, url in urls.items()}
    assert after == {code: str(int(value) + 1) for code, value in before.items()}


def test_a_change_in_another_commune_keeps_this_communes_fragment_and_renews_the_nations(data, world, stored):
    national = client_for(world.users["national_admin"])
    _get(national, COMMUNE)
    _get(national, "/dashboards/VN/")
    stored.clear()
    resident_set_indicators(actor=f.admin(), resident=world.other_resident, values={"smartphone": Tri.YES})
    _get(national, COMMUNE)
    assert not stored  # Huế's write left Đan Phượng's version alone
    _get(national, "/dashboards/VN/")
    assert len(stored) == 1


@pytest.mark.vietnamese
def test_two_languages_do_not_share_a_fragment(data, world):
    officer = world.users["commune_officer"]
    english = _get(client_for(officer, language="en"))[0]
    vietnamese = _get(client_for(officer, language="vi"))[0]
    assert "households visited" in english and "households visited" not in vietnamese
    assert "Against the targets in force" in english and "Against the targets in force" not in vietnamese
    assert "households visited" in _get(client_for(officer, language="en"))[0]


def test_a_user_of_another_scope_gets_a_404_not_the_cached_fragment(data, world, officer):
    html = _get(officer)[0]
    assert 'id="headline"' in html
    outsider = client_for(world.users["other_commune_officer"])
    response = outsider.get(COMMUNE)
    assert response.status_code == 404
    assert 'id="headline"' not in response.content.decode() and "Tháp Thượng" not in response.content.decode()


def test_the_fragment_holds_no_names_phones_or_citizen_ids_and_no_foreign_query(data, world, officer, stored):
    officer.get(f"{COMMUNE}?sort=name&note=Tr%E1%BA%A7n+V%C4%83n+B%C3%ACnh&map=coverage")
    html, _available = next(iter(stored.values()))
    for secret in ["Nguyễn Văn Trường", "Trần Văn Bình", "Bùi Văn Trường", "Trần Thu Hà", "001080012345", "note="]:
        assert secret not in html
    assert "Tổ CNSCĐ thôn Tháp Thượng" in html  # the team's name (an organisation) labels its progress
    assert "teams.csv?sort=name&amp;map=coverage" in html  # the dashboard's own parameters, nothing else


def test_a_team_change_a_village_rename_a_target_and_the_daily_roll_each_show_on_the_next_view(
        data, world, officer, stored):
    html = _get(officer)[0]
    assert "<b>2</b>team members" in html
    member = world.team.members.get(full_name="Trần Thu Hà")
    member_update(actor=f.admin(), member=member, data={
        "full_name": member.full_name, "role": member.role, "joined_on": member.joined_on, "left_on": f.today(),
        "phone": "", "strengths": [],
    })
    assert "<b>1</b>team members" in _get(officer)[0]

    village_rename(actor=world.users["commune_officer"], village=world.village2, name="Thôn Tháp Hạ Mới")
    assert "Thôn Tháp Hạ Mới" in _get(officer)[0]

    target = f.make_target("09784", "smartphone", 95, year=f.today().year)
    assert "target 95%" in _get(officer)[0]
    target_withdraw(actor=f.admin(), target=target)
    assert "target 95%" not in _get(officer)[0]

    _get(officer)
    stored.clear()
    rollups_rebuild(reference=f.today())
    _get(officer)
    assert len(stored) == 1  # built again under the new global version


def test_the_page_is_built_fresh_when_the_fragment_cache_is_off(data, officer, settings, stored):
    settings.GOCUA_FIGURES_CACHE = False
    first, built = _get(officer)
    second, again = _get(officer)
    assert _unmasked(first) == _unmasked(second) and not stored and again == built


def test_a_rollup_write_renews_the_versions_of_its_village_commune_province_and_nation_only(world):
    codes = [world.village.code, "09784", "01", "VN", world.village2.code, "19774", "46"]
    before = {code: unit_versions.current(code) for code in codes}
    resident_set_indicators(actor=f.admin(), resident=world.resident, values={"smartphone": Tri.YES})
    after = {code: unit_versions.current(code) for code in codes}
    assert {code for code in codes if after[code] != before[code]} == {world.village.code, "09784", "01", "VN"}
