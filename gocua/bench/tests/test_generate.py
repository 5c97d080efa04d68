import datetime as dt
import re

import pytest
from django.core.management import CommandError
from django.db import connection, transaction
from django.db.models import Count

from gocua import testing as f
from gocua.accounts.models import Role
from gocua.bench.models import GeneratedVillage
from gocua.bench.tests.helpers import run
from gocua.households import pii
from gocua.households import services as household_services
from gocua.households.digital import INDICATOR_NAMES, Tri
from gocua.households.models import Assignment, Household, IndicatorChange, Resident
from gocua.households.services import household_search_text
from gocua.lib import citizen_id, phone
from gocua.lib.text import fold
from gocua.outreach.tests.factories import copies_disagreeing
from gocua.places.models import Level, Unit
from gocua.teams.models import Member, Team

pytestmark = pytest.mark.django_db
SMALL = ("--provinces", "1", "--residents", "300")


def snapshot() -> list[tuple]:
    """Return the generated content that a seed must fix, without database ids."""
    residents = Resident.objects.order_by("village_code", "household__household_key", "pk")
    return [
        (
            r.village_code,
            r.household.household_key,
            r.name_folded,
            r.birth_year,
            r.gender,
            r.relation,
            r.status,
        )
        + tuple(getattr(r, name) for name in INDICATOR_NAMES)
        for r in residents.select_related("household")
    ] + list(
        Member.objects.order_by("team__village_code", "pk").values_list("name_folded", "role", "strengths")
    )


def generate_in_rollback(*args) -> list[tuple]:
    with transaction.atomic():
        run("generate", *args)
        data = snapshot()
        transaction.set_rollback(True)
    return data


def test_the_same_seed_gives_the_same_people_in_a_fresh_database():
    first = generate_in_rollback(*SMALL, "--seed", "7")
    assert Resident.objects.count() == 0  # rolled back: the second run starts fresh
    second = generate_in_rollback(*SMALL, "--seed", "7")
    other = generate_in_rollback(*SMALL, "--seed", "8")
    assert len(first) > 300
    assert first == second
    assert first != other


def test_it_creates_exactly_the_residents_asked_for_in_the_first_provinces():
    output = run("generate", "--provinces", "2", "--residents", "500", "--seed", "3")
    assert Resident.objects.count() == 500
    assert set(Resident.objects.values_list("province_code", flat=True)) == {"01", "04"}
    assert "500 residents" in output and "residents/s" in output


def test_denormalised_codes_follow_each_village_ancestry():
    run("generate", *SMALL)
    villages = {v.pk: v for v in Unit.objects.filter(level=Level.VILLAGE).select_related("parent")}
    assert set(GeneratedVillage.objects.values_list("village_id", flat=True)) == set(villages)
    for village in villages.values():
        commune = village.parent
        assert re.fullmatch(rf"{commune.code}-\d{{3}}", village.code)
        assert (village.province_code, village.commune_code, village.village_code) == (
            commune.province_code,
            commune.code,
            village.code,
        )
        assert village.name_folded == fold(village.name)
    for household in Household.objects.select_related("head"):
        village = villages[household.village_id]
        assert (household.province_code, household.commune_code, household.village_code) == (
            village.province_code,
            village.commune_code,
            village.code,
        )
        assert household.head.relation == "head" and household.head.household_id == household.pk
        assert household.search_folded == household_search_text(household, household.head.full_name)
    for resident in Resident.objects.select_related("household"):
        assert resident.village_code == resident.household.village_code
        assert resident.commune_code == resident.household.commune_code
        assert resident.name_folded == fold(resident.full_name)
    for team in Team.objects.all():
        assert team.village_code == villages[team.unit_id].code and team.name_folded == fold(team.name)


def test_generated_people_are_consistent():
    run("generate", *SMALL)
    residents = list(Resident.objects.all())
    assert all(r.gender == "female" for r in residents if r.relation in ("wife", "mother", "child_in_law"))
    assert all(r.gender == "male" for r in residents if r.relation in ("husband", "father"))
    with_id = [r for r in residents if r.citizen_id_hash]
    assert with_id
    for resident in with_id:
        number = pii.decrypt(resident.citizen_id_encrypted)
        assert resident.citizen_id_hash == pii.keyed_hash(number)
        assert resident.citizen_id_masked == citizen_id.mask(number)
        citizen_id.validate(number, gender=resident.gender, birth_year=resident.birth_year)
    assert all(phone.normalise(r.phone) == r.phone for r in residents if r.phone)
    values = [getattr(r, name) for r in residents for name in INDICATOR_NAMES]
    assert {Tri.UNKNOWN, Tri.YES, Tri.NO} <= set(values)
    sizes = list(Household.objects.annotate(n=Count("residents")).values_list("n", flat=True))
    assert sum(sizes) == len(residents)
    assert sum(2 <= n <= 6 for n in sizes) >= len(sizes) - 1  # the last one takes what is left
    members = Member.objects.all()
    assert all(4 <= t.members.count() <= 9 for t in Team.objects.all())
    assert all(phone.normalise(m.phone) == m.phone for m in members)


def test_a_later_village_create_never_reuses_a_generated_code():
    run("generate", *SMALL)
    generated = Unit.objects.get(level=Level.VILLAGE)
    village = f.make_village(generated.commune_code, "Thôn Mới Lập")
    assert village.code != generated.code
    assert int(village.code.rsplit("-", 1)[1]) > int(generated.code.rsplit("-", 1)[1])


def test_a_second_run_adds_alongside_and_reset_removes_only_generated_data(world):
    run("generate", *SMALL, "--force")
    run("generate", *SMALL, "--force")  # same seed again: new villages, citizen IDs already taken are left out
    generated = GeneratedVillage.objects.count()
    assert Resident.objects.count() == 600 + 2
    output = run("generate", "--reset")
    assert "Deleted" in output and f"{generated} generated villages" in output
    assert GeneratedVillage.objects.count() == 0
    assert set(Resident.objects.values_list("pk", flat=True)) == {world.resident.pk, world.other_resident.pk}
    assert Unit.objects.filter(pk=world.village.pk).exists()


@pytest.mark.parametrize(
    "args",
    [
        ("--provinces", "0", "--residents", "10"),
        ("--provinces", "35", "--residents", "10"),
        ("--provinces", "1", "--residents", "-5"),
        ("--provinces", "1", "--residents", "0"),
        ("--provinces", "1"),
        (),
        ("--provinces", "1", "--residents", "10", "--workers", "0"),
        ("--provinces", "1", "--residents", "10", "--workers", "65"),
    ],
)
def test_it_rejects_bad_arguments(args):
    with pytest.raises(CommandError, match="/"):
        run("generate", *args)
    assert not GeneratedVillage.objects.exists()


def test_reset_refuses_and_keeps_everything_when_other_data_points_at_generated_rows(world):
    run("generate", *SMALL, "--force")
    moved = Resident.objects.filter(household__village__level=Level.VILLAGE).exclude(relation="head").first()
    household_services.resident_move(
        actor=world.users["national_admin"],
        resident=moved,
        to_household=world.household,
        moved_on=dt.date(2025, 9, 1),
    )
    before = Resident.objects.count()
    with pytest.raises(CommandError, match="Cannot reset"):
        run("generate", "--reset")
    assert Resident.objects.count() == before
    assert GeneratedVillage.objects.count() == 1


def test_reset_refuses_while_a_login_is_scoped_to_a_generated_village():
    run("generate", *SMALL)
    f.make_user(Role.TEAM_LEADER, Unit.objects.get(level=Level.VILLAGE))
    with pytest.raises(CommandError, match="Cannot reset"):
        run("generate", "--reset")
    assert Resident.objects.count() == 300


# --- a year of outreach, refusals ------------------------------------------------------------------


def history_snapshot() -> list[tuple]:
    """Return the generated visits, outcomes and indicator history without ids or UUIDs."""
    from gocua.outreach.models import Visit, VisitOutcome

    visits = list(
        Visit.objects.order_by("household__village_code", "household__household_key", "visited_on", "pk").values_list(
            "household__household_key", "village_code", "visited_on", "follow_up_on", "from_paper"
        )
    )
    outcomes = list(
        VisitOutcome.objects.order_by("pk").values_list(
            "visit_resident__resident__name_folded", "item__code", "outcome", "follow_up_on"
        )
    )
    changes = list(
        IndicatorChange.objects.order_by("pk").values_list(
            "resident__name_folded", "indicator", "old_value", "new_value", "changed_at", "source"
        )
    )
    return visits + outcomes + changes


def test_the_same_seed_gives_the_same_year_of_visits():
    def once(seed: str) -> list[tuple]:
        with transaction.atomic():
            run("generate", *SMALL, "--seed", seed)
            data = history_snapshot()
            transaction.set_rollback(True)
        return data

    first, second, other = once("7"), once("7"), once("8")
    assert len(first) > 300
    assert first == second and first != other


def test_visits_agree_with_the_residents_they_changed():
    from gocua.outreach.models import Visit, VisitOutcome, VisitResident

    output = run("generate", "--provinces", "1", "--residents", "600", "--seed", "2")
    households = Household.objects.count()
    visits = Visit.objects.count()
    assert 2 * households <= visits <= 6 * households  # about 4 a year where a team works
    today = f.today()
    assert all(today - dt.timedelta(days=366) <= v.visited_on <= today + dt.timedelta(days=1) for v in Visit.objects.all())
    for visit in Visit.objects.prefetch_related("members", "visit_residents__outcomes")[:50]:
        assert 1 <= visit.members.count() <= 2 and all(m.team_id == visit.team_id for m in visit.members.all())
        rows = list(visit.visit_residents.all())
        assert 1 <= len(rows) <= 3 and all(len(r.outcomes.all()) == 2 for r in rows)
        dates = [o.follow_up_on for r in rows for o in r.outcomes.all() if o.follow_up_on]
        assert visit.follow_up_on == (min(dates) if dates else None)
    assert not VisitResident.objects.exclude(resident__status__in=Resident.COUNTED_STATUSES).exists()
    for outcome in VisitOutcome.objects.filter(outcome="done").select_related("visit_resident__resident", "item")[:200]:
        resident = outcome.visit_resident.resident
        assert all(getattr(resident, name) == Tri.YES for name in outcome.item.indicators)
    uuids = {str(u) for u in Visit.objects.values_list("uuid", flat=True)}
    for change in IndicatorChange.objects.filter(source="visit").select_related("resident")[:200]:
        assert change.source_ref in uuids and change.new_value == Tri.YES
        assert getattr(change.resident, change.indicator) == Tri.YES
        assert change.province_code == change.resident.province_code
    assert Assignment.objects.count() > 0.8 * households
    assert copies_disagreeing() == []  # the visit's province and date on residents checked and outcomes
    assert "no drift" in output and "visits" in output


def test_it_refuses_a_database_with_real_households_unless_forced(world):
    with pytest.raises(CommandError, match="--force"):
        run("generate", *SMALL)
    assert not GeneratedVillage.objects.exists()
    run("generate", *SMALL, "--force")
    assert Resident.objects.count() == 300 + 2


@pytest.mark.parametrize(
    ("residents", "message"),
    [
        ("200000000", "101 million"),
        pytest.param(
            "30000000", "PostgreSQL",
            marks=pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite limit; PostgreSQL would generate"),
        ),
    ],
)
def test_it_refuses_absurd_sizes_with_a_reason(residents, message):
    with pytest.raises(CommandError, match=message):
        run("generate", "--provinces", "1", "--residents", residents)
    assert not Household.objects.exists()


def test_it_refuses_when_the_disk_cannot_hold_the_data(monkeypatch):
    from gocua.bench.management.commands import generate as command

    monkeypatch.setattr(command, "_free_bytes", lambda folder: 10 * 2**20)
    with pytest.raises(CommandError, match="disk space"):
        run("generate", "--provinces", "1", "--residents", "100000")


def test_reset_removes_generated_visits_too():
    from gocua.outreach.models import Visit

    run("generate", "--provinces", "1", "--residents", "600", "--seed", "2")
    assert Visit.objects.exists() and IndicatorChange.objects.exists()
    run("generate", "--reset")
    assert not Visit.objects.exists() and not IndicatorChange.objects.exists() and not Resident.objects.exists()


def test_secondary_indexes_dropped_for_a_load_are_built_again():
    from gocua.bench import bulk
    from gocua.bench.generator import BIG_TABLES
    from gocua.bench.models import DroppedIndex

    before = bulk.secondary_indexes(BIG_TABLES)
    assert any(name.startswith("visit_village_date") or "visit_village_date" in sql for name, _t, sql in before)
    dropped = bulk.indexes_drop(*BIG_TABLES)
    assert dropped == len(before) == DroppedIndex.objects.count()
    assert bulk.secondary_indexes(BIG_TABLES) == []
    assert bulk.indexes_build() == dropped  # what the next run does first if this one had died
    assert _normalised(bulk.secondary_indexes(BIG_TABLES)) == _normalised(before)
    assert not DroppedIndex.objects.exists()


def _normalised(indexes) -> list[tuple[str, str, str]]:
    """PostgreSQL re-renders a rebuilt partial index's casts (`'living'::character varying)::text`
    becomes `'living'::text`): compare the definitions without casts and parentheses."""
    def plain(sql: str) -> str:
        return re.sub(r"::[a-z ]+(\[\])?|[()\s]", "", sql)

    return [(name, table, plain(sql)) for name, table, sql in indexes]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 search tables and their triggers")
def test_search_tables_filled_after_a_load_without_their_triggers(world):
    from gocua.bench import bulk

    def found(table: str, word: str) -> set[int]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [word])
            return {row[0] for row in cursor.fetchall()}

    assert bulk.search_triggers_drop() == 3
    household = f.make_household(world.village, "H0777")
    added = f.make_resident(household, full_name="Lò Văn Xuyênkhông")
    assert not found("households_resident_fts", "xuyenkhong")  # written while the triggers were away
    assert bulk.search_tables_pending()
    assert bulk.indexes_build() == 3
    assert not bulk.search_tables_pending()
    assert found("households_resident_fts", "xuyenkhong") == {added.pk}
    assert found("households_resident_rest_fts", "xuyenkhong") == {added.pk}
    assert household.pk in found("households_household_fts", "h0777")
    assert found("households_resident_fts", "nguyen")  # the residents already there are still found
    later = f.make_resident(household, full_name="Lò Thị Sauđó")
    assert found("households_resident_fts", "saudo") == {later.pk}  # the trigger is back
