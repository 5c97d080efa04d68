import datetime as dt
import uuid

import pytest
from django.utils import timezone

from gocua import testing as f
from gocua.errors import Conflict, DomainError, Forbidden
from gocua.households.indicators import Tri
from gocua.households.models import IndicatorChange
from gocua.outreach.models import Outcome, Visit, VisitOutcome, VisitResident, VisitRevision
from gocua.outreach.services.catalogue import service_item_retire
from gocua.outreach.services.visits import visit_correct, visit_delete
from gocua.outreach.tests.factories import backdate, checked, outcome, record


def test_done_outcome_sets_indicators_and_writes_history_with_the_visit(world, items, member):
    user, resident = world.users["team_member"], world.resident
    visit = record(user, world.household, [checked(resident, outcome(items["payment"]), outcome(items["vneid"], "partly"))])
    resident.refresh_from_db()
    assert resident.payment_account == Tri.YES and resident.skill_payment == Tri.YES
    assert resident.vneid_level2 == Tri.UNKNOWN  # "partly" changes nothing
    history = IndicatorChange.objects.filter(resident=resident, source=IndicatorChange.Source.VISIT)
    assert {(h.indicator, h.old_value, h.new_value) for h in history} == {
        ("payment_account", Tri.UNKNOWN, Tri.YES),
        ("skill_payment", Tri.UNKNOWN, Tri.YES),
    }
    assert {h.source_ref for h in history} == {str(visit.uuid)}
    assert {h.changed_by_id for h in history} == {user.pk}
    assert visit.created is True and visit.entered_by == user
    assert list(visit.members.all()) == [member]
    assert (visit.province_code, visit.village_code) == (world.household.province_code, world.household.village_code)


def test_same_uuid_twice_records_one_visit(world, items):
    user, form_id = world.users["team_member"], uuid.uuid4()
    residents = [checked(world.resident, outcome(items["smartphone"]))]
    first = record(user, world.household, residents, uuid=form_id)
    second = record(user, world.household, residents, uuid=form_id)
    assert first.pk == second.pk and second.created is False
    assert Visit.objects.filter(uuid=form_id).count() == 1
    assert VisitOutcome.objects.count() == 1
    assert IndicatorChange.objects.filter(source="visit").count() == 1


def test_same_uuid_for_another_household_is_a_conflict(world, items):
    user, form_id = world.users["team_member"], uuid.uuid4()
    record(user, world.household, [checked(world.resident)], uuid=form_id)
    other = f.make_household(world.village)
    other_resident = f.make_resident(other)
    with pytest.raises(Conflict):
        record(user, other, [checked(other_resident)], uuid=form_id)


def test_it_rejects_foreign_household(world, items):
    with pytest.raises(Forbidden):
        record(world.users["team_member"], world.other_household, [checked(world.other_resident)])
    assert not Visit.objects.exists()


def test_it_rejects_a_date_in_the_future(world):
    with pytest.raises(DomainError) as err:
        record(world.users["team_member"], world.household, [checked(world.resident)],
               visited_on=timezone.localdate() + dt.timedelta(days=1))
    assert err.value.code == "date_in_future"


def test_it_rejects_a_date_before_the_household_was_registered(world):
    with pytest.raises(DomainError) as err:
        record(world.users["team_member"], world.household, [checked(world.resident)],
               visited_on=timezone.localdate() - dt.timedelta(days=3))
    assert err.value.code == "date_before_household"


def test_it_rejects_a_resident_of_another_household(world):
    neighbour = f.make_resident(f.make_household(world.village), full_name="Hàng Xóm")
    with pytest.raises(DomainError) as err:
        record(world.users["team_member"], world.household, [checked(neighbour)])
    assert err.value.code == "resident_not_in_household"
    assert not Visit.objects.exists() and not VisitResident.objects.exists()


def test_it_rejects_a_retired_item_on_a_new_visit(world, items):
    service_item_retire(actor=world.users["national_admin"], item=items["ecommerce"])
    with pytest.raises(DomainError) as err:
        record(world.users["team_member"], world.household, [checked(world.resident, outcome(items["ecommerce"]))])
    assert err.value.code == "service_item_retired"


def test_a_failure_half_way_writes_nothing(world, items, monkeypatch):
    from gocua.outreach.services.visits import record as recording

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(recording, "set_done_many", boom)
    with pytest.raises(RuntimeError):
        record(world.users["team_member"], world.household, [checked(world.resident, outcome(items["vneid"]))])
    assert not Visit.objects.exists() and not VisitResident.objects.exists() and not VisitOutcome.objects.exists()


def test_it_refuses_more_than_two_members(world, member, leader):
    third = f.make_member(world.team, full_name="Lê Văn Ba")
    with pytest.raises(DomainError) as err:
        record(world.users["team_member"], world.household, [checked(world.resident)],
               members=[member.pk, leader.pk, third.pk])
    assert err.value.code == "members_count"


def test_a_team_mate_can_enter_a_paper_list_on_behalf_of_a_member(world, items, member, leader):
    elder = f.make_member(world.team, full_name="Cụ Nguyễn Văn Cả")
    visit = record(world.users["team_member"], world.household, [checked(world.resident, outcome(items["scams"]))],
                   members=[elder.pk], from_paper=True)
    assert visit.entered_by == world.users["team_member"] and list(visit.members.all()) == [elder]
    assert visit.from_paper


def test_follow_up_without_date_is_due_on_the_visit_day(world, items):
    visit = record(world.users["team_member"], world.household,
                   [checked(world.resident, outcome(items["vneid"], Outcome.FOLLOW_UP))])
    assert visit.follow_up_on == visit.visited_on


def test_follow_up_before_the_visit_is_refused(world, items):
    with pytest.raises(DomainError) as err:
        record(world.users["team_member"], world.household, [
            checked(world.resident, outcome(items["vneid"], "partly",
                                            follow_up_on=timezone.localdate() - dt.timedelta(days=1)))
        ])
    assert err.value.code == "follow_up_before_visit"


# --- corrections and deletions ---------------------------------------------------------------------


def test_a_correction_keeps_the_previous_content_and_undoes_a_mistaken_done(world, items):
    user, resident = world.users["team_member"], world.resident
    visit = record(user, world.household, [checked(resident, outcome(items["vneid"]))])
    resident.refresh_from_db()
    assert resident.vneid_level2 == Tri.YES
    visit_correct(actor=user, visit=visit, visited_on=visit.visited_on, member_ids=[user.member.pk],
                  residents=[checked(resident, outcome(items["vneid"], "partly"), outcome(items["ehealth"]))],
                  reason="VNeID not yet activated")
    resident.refresh_from_db()
    assert resident.vneid_level2 == Tri.UNKNOWN and resident.ehealth_record == Tri.YES
    revision = VisitRevision.objects.get(visit=visit)
    assert revision.previous["residents"][0]["outcomes"][0]["outcome"] == "done"
    assert revision.revised_by == user and revision.reason == "VNeID not yet activated"
    history = list(IndicatorChange.objects.filter(resident=resident, indicator="vneid_level2").order_by("id"))
    assert [(h.old_value, h.new_value) for h in history] == [(Tri.UNKNOWN, Tri.YES), (Tri.YES, Tri.UNKNOWN)]
    assert {h.source_ref for h in history} == {str(visit.uuid)}


def test_an_unchanged_correction_writes_no_revision(world, items):
    user = world.users["team_member"]
    residents = [checked(world.resident, outcome(items["vneid"]))]
    visit = record(user, world.household, residents)
    visit_correct(actor=user, visit=visit, visited_on=visit.visited_on, member_ids=[user.member.pk],
                  residents=residents)
    assert not VisitRevision.objects.exists()


def test_a_correction_does_not_undo_a_value_changed_since(world, items):
    from gocua.households.services import resident_set_indicators

    user, resident = world.users["team_member"], world.resident
    visit = record(user, world.household, [checked(resident, outcome(items["smartphone"]))])
    resident_set_indicators(actor=user, resident=resident, values={"smartphone": Tri.NO})
    visit_correct(actor=user, visit=visit, visited_on=visit.visited_on, member_ids=[user.member.pk],
                  residents=[checked(resident)])
    resident.refresh_from_db()
    assert resident.smartphone == Tri.NO


def test_the_leader_may_correct_but_another_member_may_not(world, items, leader):
    visit = record(world.users["team_member"], world.household, [checked(world.resident)])
    stranger = f.make_user("team_member", world.village)
    f.make_member(world.team, full_name="Người Khác", user=stranger)
    args = dict(visit=visit, visited_on=visit.visited_on, member_ids=[world.users["team_member"].member.pk],
                residents=[checked(world.resident, outcome(items["scams"]))])
    with pytest.raises(Forbidden):
        visit_correct(actor=stranger, **args)
    visit_correct(actor=world.users["team_leader"], **args)
    assert VisitRevision.objects.get(visit=visit).revised_by == world.users["team_leader"]


def test_a_visit_cannot_be_corrected_after_seven_days(world, items):
    user = world.users["team_member"]
    visit = record(user, world.household, [checked(world.resident)])
    Visit.objects.filter(pk=visit.pk).update(created_at=timezone.now() - dt.timedelta(days=7, minutes=1))
    visit.refresh_from_db()
    with pytest.raises(Forbidden) as err:
        visit_correct(actor=user, visit=visit, visited_on=visit.visited_on, member_ids=[user.member.pk],
                      residents=[checked(world.resident, outcome(items["scams"]))])
    assert err.value.code == "visit_locked"


def test_a_correction_may_keep_an_item_retired_since(world, items):
    user = world.users["team_member"]
    visit = record(user, world.household, [checked(world.resident, outcome(items["ecommerce"], "partly"))])
    service_item_retire(actor=world.users["national_admin"], item=items["ecommerce"])
    visit_correct(actor=user, visit=visit, visited_on=visit.visited_on, member_ids=[user.member.pk],
                  residents=[checked(world.resident, outcome(items["ecommerce"], "refused"))])
    assert VisitOutcome.objects.get().outcome == "refused"


def test_delete_is_soft_needs_a_reason_and_undoes_indicators(world, items):
    user, resident = world.users["team_member"], world.resident
    visit = record(user, world.household, [checked(resident, outcome(items["digital_signature"]))])
    with pytest.raises(DomainError) as err:
        visit_delete(actor=user, visit=visit, reason="  ")
    assert err.value.code == "reason_required"
    visit_delete(actor=user, visit=visit, reason="Entered twice")
    visit.refresh_from_db()
    resident.refresh_from_db()
    assert visit.deleted_at is not None and visit.delete_reason == "Entered twice" and visit.deleted_by == user
    assert Visit.objects.live().count() == 0 and Visit.objects.count() == 1
    assert resident.digital_signature == Tri.UNKNOWN
    assert VisitRevision.objects.get(visit=visit).reason == "Entered twice"


def test_deleting_keeps_an_indicator_that_another_visit_also_set(world, items):
    user, resident = world.users["team_member"], world.resident
    first = record(user, world.household, [checked(resident, outcome(items["smartphone"]))])
    record(user, world.household, [checked(resident, outcome(items["smartphone"]))])
    visit_delete(actor=user, visit=first, reason="Wrong household")
    resident.refresh_from_db()
    assert resident.smartphone == Tri.YES


def test_past_visits_are_allowed_for_households_registered_earlier(world, items):
    backdate(world.household)
    visit = record(world.users["team_member"], world.household, [checked(world.resident)],
                   visited_on=timezone.localdate() - dt.timedelta(days=60))
    assert visit.visited_on == timezone.localdate() - dt.timedelta(days=60)


def test_a_concurrent_double_submission_caught_by_the_database_returns_the_first_visit(world, items, monkeypatch):
    from gocua.outreach.services.visits import record as recording

    user, form_id = world.users["team_member"], uuid.uuid4()
    first = record(user, world.household, [checked(world.resident)], uuid=form_id)
    calls = []

    class Late(recording._Lookups):
        # The first look happens before the other request commits: it sees no visit.
        def __init__(self, requests):
            super().__init__(requests)
            calls.append(set(self.existing))
            self.existing = {}

    monkeypatch.setattr(recording, "_Lookups", Late)
    second = record(user, world.household, [checked(world.resident, outcome(items["vneid"]))], uuid=form_id)
    assert second.pk == first.pk and calls == [{form_id}]
    assert Visit.objects.count() == 1 and not VisitOutcome.objects.exists()
    world.resident.refresh_from_db()
    assert world.resident.vneid_level2 == Tri.UNKNOWN


def test_members_of_another_team_cannot_record_here(world, items):
    other_team = f.make_team(world.village2)
    outsider = f.make_user("team_member", world.village2.parent)
    f.make_member(other_team, full_name="Tổ Bên", user=outsider)
    with pytest.raises(Forbidden) as err:
        record(outsider, world.household, [checked(world.resident)],
               members=[world.users["team_member"].member.pk])
    assert err.value.code == "other_team"


@pytest.mark.parametrize("change", ["delete", "correct"])
def test_changing_a_visit_after_its_resident_moved_keeps_the_rollups_exact(world, items, change):
    """The resident now counts in another household: whether they were checked changes there."""
    from gocua.households.services import resident_move
    from gocua.indicators.services import rollups_check

    user, resident = world.users["team_member"], world.resident
    stays = f.make_resident(world.household, full_name="Nguyễn Thị Hoa", gender="female", birth_year=1982)
    visit = record(user, world.household, [checked(resident, outcome(items["smartphone"])), checked(stays)])
    other = f.make_household(world.village, "TT-020")
    resident_move(actor=world.users["commune_officer"], resident=resident, to_household=other,
                  moved_on=timezone.localdate())
    assert rollups_check().differences == []
    if change == "delete":
        visit_delete(actor=user, visit=visit, reason="Sai hộ")
    else:
        visit_correct(actor=user, visit=visit, visited_on=visit.visited_on, member_ids=[user.member.pk],
                      residents=[checked(stays)])
    assert rollups_check().differences == []
