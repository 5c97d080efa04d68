"""No write touches a province's or the nation's row; their figures are their communes' sums."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from gocua import testing as f
from gocua.households import services as hs
from gocua.households.digital import Tri
from gocua.indicators import stored
from gocua.indicators.models import UnitActivity, UnitStat
from gocua.indicators.services import rollups_check, rollups_rebuild
from gocua.outreach.models import ServiceItem
from gocua.outreach.services import sessions as ss
from gocua.outreach.services import visits as vs

pytestmark = pytest.mark.django_db


def _shared_rows() -> list[tuple[str, str]]:
    """Return every stored rollup row that writers of different communes would share."""
    stats = [("stat", code) for code in UnitStat.objects.filter(level__lt=2).values_list("code", flat=True)]
    activity = [("activity", code) for code in UnitActivity.objects.values_list("code", flat=True) if len(code) <= 2]
    return stats + activity


@pytest.fixture
def two_provinces():
    hanoi = f.make_village("09784", "Thôn Tháp Thượng")
    hue = f.make_village("19774", "Thôn An Lưu")
    return hanoi, hue


def test_every_write_service_leaves_provinces_and_the_nation_unstored(two_provinces):
    hanoi, hue = two_provinces
    today = timezone.localdate()
    team = f.make_team(hanoi)
    member = f.make_member(team, role="leader")
    household = f.make_household(hanoi)
    resident = f.make_resident(household, birth_year=1970, indicators={"smartphone": Tri.NO})
    hs.resident_set_indicators(actor=f.admin(), resident=resident, values={"smartphone": Tri.YES})
    item = next(i for i in ServiceItem.objects.filter(is_active=True) if "vneid" in " ".join(i.indicators))
    vs.visit_record(actor=f.admin(), uuid=uuid.uuid4(), household=household, visited_on=today,
                    member_ids=[member.pk],
                    residents=[{"resident_id": resident.pk, "outcomes": [{"item_id": item.pk, "outcome": "done"}]}])
    ss.session_record(actor=f.admin(), uuid=uuid.uuid4(), team=team, held_on=today, place="Nhà văn hoá",
                      topic_ids=[item.pk], member_ids=[member.pk], unregistered_count=5)
    hs.household_move(actor=f.admin(), household=household, to_village=hue, moved_on=today)
    assert _shared_rows() == []
    assert rollups_check().differences == []


def test_a_province_is_the_sum_of_its_communes_and_the_nation_of_all(two_provinces):
    hanoi, hue = two_provinces
    other_hanoi = f.make_village("00004", "Tổ dân phố 1", kind="to_dan_pho")  # Phường Ba Đình, Hà Nội
    for village, people in ((hanoi, 2), (other_hanoi, 3), (hue, 4)):
        household = f.make_household(village)
        for _ in range(people):
            f.make_resident(household, birth_year=1980)
    figures = stored.stat_values(["01", "46", "VN", "09784"])
    assert figures["09784"]["residents"] == 2
    assert figures["01"]["residents"] == 5
    assert figures["46"]["residents"] == 4
    assert figures["VN"]["residents"] == 9
    assert figures["VN"]["households"] == 3


def test_province_and_nation_activity_are_summed_over_the_period(two_provinces):
    hanoi, hue = two_provinces
    day = dt.date(2026, 3, 10)
    UnitActivity.objects.bulk_create([
        UnitActivity(code="09784", day=day, visits=3, sessions=1),
        UnitActivity(code=hanoi.code, day=day, visits=3, sessions=1),  # a village: inside its commune's figure
        UnitActivity(code="19774", day=day, visits=2),
        UnitActivity(code="19774", day=day + dt.timedelta(days=40), visits=7),
    ])
    got = stored.activity_in(["01", "46", "VN", "09784"], day, day + dt.timedelta(days=1))
    assert got == {"01": (3, 1), "46": (2, 0), "VN": (5, 1), "09784": (3, 1)}


def test_a_rebuild_stores_only_villages_and_communes_and_checks_clean(two_provinces):
    hanoi, _hue = two_provinces
    f.make_resident(f.make_household(hanoi), birth_year=1950)
    rollups_rebuild(snapshot=True)
    assert _shared_rows() == []
    assert rollups_check().differences == []
    from gocua.indicators.models import UnitSnapshot

    # The weekly snapshot still holds the province and the nation, summed.
    snap = dict(UnitSnapshot.objects.filter(code__in=["01", "VN"]).values_list("code", "values"))
    assert snap["01"]["residents"] == snap["VN"]["residents"] == 1


def test_check_rollups_flags_a_stored_province_row(two_provinces):
    UnitStat.objects.create(code="01", level=1)
    assert "01: a stored row for a level that is summed on read" in rollups_check().differences


@pytest.mark.django_db
def test_many_units_at_once_are_added_in_one_batch_exactly_as_one_by_one(two_provinces):
    from gocua.indicators import rollups
    from gocua.places.models import Level, Unit

    villages = list(Unit.objects.filter(level=Level.VILLAGE, valid_to__isnull=True).values_list("code", flat=True))
    codes = [f"99999-{i:03d}" for i in range(rollups.BATCHED_UPDATE_ROWS + 5)]  # villages with no row yet
    before = {s.code: s.residents for s in UnitStat.objects.filter(code__in=villages)}
    delta = {code: {"residents": 2, "households": 1} for code in [*villages, *codes]}
    rollups.apply_stats(delta)
    rollups.apply_stats({code: {"residents": -1} for code in delta})
    after = {s.code: (s.residents, s.households) for s in UnitStat.objects.filter(code__in=delta)}
    assert len(after) == len(delta)
    for code in villages:
        assert after[code][0] == before.get(code, 0) + 1
    assert {after[code] for code in codes} == {(1, 1)}
