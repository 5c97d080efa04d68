"""Targets as data: the target in force per period and area, set by officers, audited."""

import datetime as dt

import pytest

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.errors import DomainError, Forbidden
from gocua.indicators import selectors
from gocua.indicators.models import Target
from gocua.indicators.periods import period_of
from gocua.indicators.services import target_set, target_withdraw
from gocua.indicators.targets import targets_for
from gocua.indicators.tests.conftest import client_for

pytestmark = pytest.mark.django_db

Y2025 = dt.date(2025, 6, 30)
Y2026 = dt.date(2026, 6, 30)


def _fields(**extra):
    base = {"indicator": "smartphone", "kind": "percent", "value": "85", "starts_on": dt.date(2026, 1, 1),
            "ends_on": dt.date(2026, 12, 31), "document_number": "12/KH-UBND", "document_date": dt.date(2026, 1, 15),
            "document_issuer": "UBND thành phố Hà Nội"}
    return base | extra


def _card(html: str, key: str) -> str:
    start = html.index(f'data-key="{key}"')
    return html[start:html.index("</div>", start)]


def test_the_national_2025_targets_are_seeded_from_the_decisions_and_nothing_for_2026(db):
    in_2025 = targets_for(f.unit("09784"), Y2025)
    assert {k: float(t.value) for k, t in in_2025.items()} == {
        "smartphone": 80, "payment_account": 80, "basic_skills": 70, "digital_signature": 50,
        "ehealth_record": 90, "internet": 80, "household_target": 100,
    }
    assert in_2025["smartphone"].document == "411/QĐ-TTg, 31/03/2022 (Thủ tướng Chính phủ)"
    assert in_2025["basic_skills"].document_number == "146/QĐ-TTg"
    assert in_2025["smartphone"].period_label == "2025"
    assert in_2025["household_target"].period_label == "2024–2025"
    assert targets_for(f.unit("09784"), Y2026) == {}


def test_a_province_target_stricter_than_the_national_one_is_used_for_its_communes_and_not_others(world):
    officer = world.users["province_officer"]
    target_set(actor=officer, area=f.unit("01"), **_fields(starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31),
                                                           document_date=dt.date(2025, 1, 10)))
    ours, theirs = targets_for(f.unit("09784"), Y2025), targets_for(f.unit("19774"), Y2025)
    assert (float(ours["smartphone"].value), ours["smartphone"].area_code) == (85, "01")
    assert (float(theirs["smartphone"].value), theirs["smartphone"].area_code) == (80, "VN")
    assert float(ours["internet"].value) == 80  # other indicators still the nation's
    # A commune's own (stricter still) wins over its province's; a village follows its commune.
    target_set(actor=world.users["commune_officer"], area=f.unit("09784"),
               **_fields(value="90,5", starts_on=dt.date(2025, 7, 1), ends_on=dt.date(2025, 12, 31),
                         document_number="3/KH-UBND", document_date=dt.date(2025, 6, 20), document_issuer="UBND xã"))
    assert float(targets_for(world.village, dt.date(2025, 9, 1))["smartphone"].value) == 90.5
    assert float(targets_for(world.village, dt.date(2025, 3, 1))["smartphone"].value) == 85


def test_a_province_dashboard_ranks_each_commune_against_its_own_target(world):
    f.make_target("09784", "smartphone", 99, year=2026)
    figures = selectors.unit_figures(user=world.users["province_officer"], unit=f.unit("01"),
                                     period=period_of("year", Y2026))
    rows = {row.unit.code: row for row in selectors.children_figures(user=world.users["province_officer"],
                                                                   figures=figures)}
    assert rows["09784"].summary.indicator("smartphone").target == 99
    assert rows["00004"].summary.indicator("smartphone").target is None  # no 2026 national target


def test_a_2026_target_changes_the_2026_dashboards_and_not_the_2025_ones(data, officer):
    Target.objects.filter(area_code="VN", indicator="smartphone", starts_on__year=2026).delete()  # the fixture's
    f.make_target("VN", "smartphone", 95, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31),
                  number="7/QĐ-TTg")
    page_2026 = _card(officer.get("/dashboards/09784/?period=2026").content.decode(), "smartphone")
    page_2025 = _card(officer.get("/dashboards/09784/?period=2025").content.decode(), "smartphone")
    assert "target 95%" in page_2026 and "7/QĐ-TTg" in page_2026 and "target 80%" not in page_2026
    assert "target 80%" in page_2025 and "411/QĐ-TTg" in page_2025 and "7/QĐ-TTg" not in page_2025
    report = officer.get("/dashboards/09784/report/?period=2026").content.decode()
    assert f"Households meeting the target ({f.today().year})" in report and "7/QĐ-TTg" in report
    api = officer.get("/api/v1/units/09784/indicators?period=2026").json()
    smartphone = next(i for i in api["figures"]["indicators"] if i["key"] == "smartphone")
    assert (smartphone["target_percent"], smartphone["target_period"]) == (95.0, "2026")


@pytest.mark.parametrize("extra,code", [
    ({"value": "75"}, "target_looser"),  # looser than the nation's 80% in 2025
    ({"value": "120"}, "target_value"),
    ({"value": "tám mươi"}, "target_value"),
    ({"value": "-5"}, "target_value"),
    ({"kind": "count", "value": "12.5"}, "target_value"),
    ({"indicator": "nope"}, "target_indicator"),
    ({"ends_on": dt.date(2024, 1, 1)}, "target_period"),
    ({"document_number": "  "}, "target_document"),
    ({"document_issuer": ""}, "target_document"),
    ({"document_date": dt.date(2999, 1, 1)}, "target_document"),
])
def test_bad_targets_are_refused_with_their_field_and_nothing_is_written(world, extra, code):
    before = Target.objects.count()
    with pytest.raises(DomainError) as caught:
        target_set(actor=world.users["province_officer"], area=f.unit("01"),
                   **_fields(starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31),
                             document_date=dt.date(2025, 1, 2)) | extra)
    assert caught.value.code == code and Target.objects.count() == before


def test_a_second_target_for_the_same_days_is_refused_until_the_first_is_withdrawn(world):
    officer = world.users["province_officer"]
    first = target_set(actor=officer, area=f.unit("01"), **_fields())
    with pytest.raises(DomainError) as caught:
        target_set(actor=officer, area=f.unit("01"), **_fields(value="88"))
    assert caught.value.code == "target_overlap"
    target_withdraw(actor=officer, target=first)
    second = target_set(actor=officer, area=f.unit("01"), **_fields(value="88"))
    assert float(targets_for(f.unit("09784"), Y2026)["smartphone"].value) == 88 and second.pk != first.pk
    actions = list(AuditEvent.objects.filter(action__startswith="target_").order_by("pk").values_list("action", "unit_code"))
    assert actions == [("target_set", "01"), ("target_withdrawn", "01"), ("target_set", "01")]


def test_only_officers_of_the_area_set_targets(world):
    with pytest.raises(Forbidden):
        target_set(actor=world.users["other_commune_officer"], area=f.unit("09784"), **_fields())
    with pytest.raises(Forbidden):
        target_set(actor=world.users["team_leader"], area=f.unit("09784"), **_fields())
    with pytest.raises(Forbidden):
        target_set(actor=world.users["commune_officer"], area=f.unit("01"), **_fields())


def test_the_targets_page_sets_a_target_from_its_document_and_shows_errors_in_place(world):
    officer = client_for(world.users["province_officer"])
    bad = officer.post("/dashboards/01/targets/", _fields(value="150") | {"starts_on": "2026-01-01",
                                                                          "ends_on": "31/12/2026",
                                                                          "document_date": "15/01/2026"})
    assert bad.status_code == 400 and "at most 100" in bad.content.decode()
    good = officer.post("/dashboards/01/targets/", _fields() | {"starts_on": "2026-01-01", "ends_on": "31/12/2026",
                                                               "document_date": "15/01/2026"})
    assert good.status_code == 302
    page = officer.get("/dashboards/01/targets/").content.decode()
    assert "12/KH-UBND, 15/01/2026 (UBND thành phố Hà Nội)" in page and "85%" in page
    target = Target.objects.get(area_code="01")
    # Out of area: the Huế officer cannot see Hà Nội's page nor withdraw its target; a leader cannot set one.
    huế = client_for(world.users["other_commune_officer"])
    assert huế.get("/dashboards/01/targets/").status_code == 404
    assert huế.post(f"/dashboards/01/targets/{target.pk}/withdraw/").status_code == 404
    leader = client_for(world.users["team_leader"])
    assert leader.post("/dashboards/09784/targets/", _fields()).status_code in (403, 404)
    assert officer.post(f"/dashboards/01/targets/{target.pk}/withdraw/").status_code == 302
    assert Target.objects.get(pk=target.pk).is_active is False
