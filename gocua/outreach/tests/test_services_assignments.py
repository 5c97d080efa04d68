import pytest

from gocua import testing as f
from gocua.errors import DomainError, Forbidden
from gocua.households.models import Assignment
from gocua.outreach.services.assignments import assignment_bulk, assignment_remove, assignment_set


def test_the_leader_assigns_in_bulk_without_duplicates(world, member, households):
    made = households(3)
    leader = world.users["team_leader"]
    assert assignment_bulk(actor=leader, team=world.team, households=made, member=member) == 3
    assert assignment_bulk(actor=leader, team=world.team, households=made, member=member) == 0
    assert Assignment.objects.filter(member=member).count() == 3
    assert {a.assigned_by for a in Assignment.objects.all()} == {leader}


def test_a_household_may_have_several_members_and_replace_keeps_one(world, member, leader):
    user = world.users["team_leader"]
    assignment_bulk(actor=user, team=world.team, households=[world.household], member=member)
    assignment_bulk(actor=user, team=world.team, households=[world.household], member=leader)
    assert Assignment.objects.filter(household=world.household).count() == 2
    assignment_bulk(actor=user, team=world.team, households=[world.household], member=member, replace=True)
    assert list(Assignment.objects.values_list("member_id", flat=True)) == [member.pk]


def test_set_and_remove(world, member, leader):
    user = world.users["team_leader"]
    assignment_set(actor=user, team=world.team, household=world.household, members=[member, leader])
    assignment_set(actor=user, team=world.team, household=world.household, members=[leader])
    assert list(Assignment.objects.values_list("member_id", flat=True)) == [leader.pk]
    assert assignment_remove(actor=user, team=world.team, households=[world.household]) == 1
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("role", ["team_member", "other_commune_officer"])
def test_members_and_outsiders_cannot_assign(world, member, role):
    with pytest.raises(Forbidden):
        assignment_bulk(actor=world.users[role], team=world.team, households=[world.household], member=member)
    assert not Assignment.objects.exists()


def test_an_officer_in_scope_can_assign(world, member):
    assignment_bulk(actor=world.users["commune_officer"], team=world.team, households=[world.household],
                    member=member)
    assert Assignment.objects.count() == 1


def test_it_refuses_a_household_outside_the_team_village(world, member):
    elsewhere = f.make_household(world.village2)
    with pytest.raises(DomainError) as err:
        assignment_bulk(actor=world.users["commune_officer"], team=world.team,
                        households=[world.household, elsewhere], member=member)
    assert err.value.code == "team_area" and not Assignment.objects.exists()


def test_it_refuses_a_member_who_left(world):
    import datetime as dt

    gone = f.make_member(world.team, full_name="Đã Nghỉ", left_on=dt.date(2024, 1, 1))
    with pytest.raises(DomainError) as err:
        assignment_bulk(actor=world.users["team_leader"], team=world.team, households=[world.household], member=gone)
    assert err.value.code == "member_not_in_team"
