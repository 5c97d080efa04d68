"""Contributions, expenses and reversing entries: the rules, the refusals, and that refusals write nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.community import audit, services
from gocua.community.models import LedgerEntry, Project
from gocua.community.selectors import project_totals
from gocua.community.tests.helpers import D, G, give, make_project, snapshot, spend, yesterday
from gocua.errors import Conflict, DomainError, Forbidden


def refused(code: str, call, *args, **kwargs):
    """Assert that `call` raises a DomainError with `code` and that nothing was written."""
    before = snapshot()
    with pytest.raises(DomainError) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value
    assert snapshot() == before
    return info.value


def test_it_records_a_contribution_with_its_audit_event_and_no_personal_data_in_it(project, leader, world):
    entry = give(leader, project, giver=G.HOUSEHOLD, household=world.household, display=D.NAME,
                 giver_name="Nguyễn Văn Trường", money_vnd="1.500.000", labour_days="1,5", materials="2 bao xi măng")
    entry.refresh_from_db()
    assert (entry.money_vnd, entry.labour_days, entry.village_code) == (1_500_000, Decimal("1.5"), world.village.code)
    assert entry.recorded_by == leader
    event = AuditEvent.objects.get(action=audit.LEDGER_ENTRY, object_id=str(entry.pk))
    assert event.actor == leader and event.detail["money_vnd"] == 1_500_000
    assert "Trường" not in str(event.detail)


def test_totals_follow_from_the_ledger(project, leader):
    give(leader, project, money_vnd=300_000)
    give(leader, project, money_vnd=200_000, labour_days=2)
    spend(leader, project, money_vnd=120_000)
    totals = project_totals([project.pk])[project.pk]
    assert (totals.collected_vnd, totals.spent_vnd, totals.balance_vnd, totals.labour_days) == (
        500_000, 120_000, 380_000, Decimal("2.0"))


@pytest.mark.parametrize(("money", "code"), [
    (-1, "amount_negative"), ("-5000", "amount_negative"), (Decimal("10.5"), "amount_fractional"),
    (1.5, "amount_fractional"), ("1,5", "amount_fractional"), ("1.50", "amount_fractional"),
    ("mười nghìn", "amount_invalid"), (10_000_000_001, "amount_too_large"), ("99.000.000.000", "amount_too_large"),
    (True, "amount_invalid"),
])
def test_it_refuses_bad_money_and_writes_nothing(project, leader, money, code):
    refused(code, give, leader, project, money_vnd=money)


@pytest.mark.parametrize(("labour", "code"), [
    ("-1", "labour_negative"), ("0.3", "labour_halves"), ("abc", "labour_invalid"), ("10001", "labour_too_large"),
    ("NaN", "labour_invalid"),
])
def test_it_refuses_bad_labour_days(project, leader, labour, code):
    refused(code, give, leader, project, money_vnd=0, labour_days=labour)


def test_it_refuses_an_empty_contribution_and_a_future_date(project, leader):
    refused("contribution_empty", give, leader, project, money_vnd=0)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    refused("date_in_future", give, leader, project, entry_on=tomorrow)


@pytest.mark.parametrize("status", [Project.Status.DONE, Project.Status.CANCELLED])
def test_it_refuses_contributions_to_a_closed_or_cancelled_project(world, leader, status):
    project = make_project(leader, world.village, status=status)
    refused("project_closed", give, leader, project)


def test_expenses_are_refused_on_a_done_project_but_refunds_allowed_after_cancelling(world, leader):
    done = make_project(leader, world.village, status=Project.Status.DONE)
    refused("project_closed", spend, leader, done)
    cancelled = make_project(leader, world.village, title="Wi-Fi", status=Project.Status.CANCELLED)
    assert spend(leader, cancelled, description="Trả lại tiền cho các hộ").money_vnd == 50_000


def test_expenses_need_an_amount_and_what_it_paid_for(project, leader):
    refused("amount_required", spend, leader, project, money_vnd=0)
    refused("description_required", spend, leader, project, description="  ")


@pytest.mark.parametrize(("data", "code"), [
    ({"giver": G.ANONYMOUS, "display": D.NAME}, "display_invalid"),
    ({"giver": G.ORGANISATION, "display": D.HOUSEHOLD_KEY, "giver_name": "HTX"}, "display_invalid"),
    ({"giver": G.HOUSEHOLD, "display": D.HOUSEHOLD_KEY}, "household_required"),
    ({"giver": G.PERSON, "display": D.NAME}, "giver_name_required"),
    ({"giver": G.ORGANISATION, "display": D.ANONYMOUS}, "giver_name_required"),
    ({"giver": "neighbour", "display": D.ANONYMOUS}, "giver_invalid"),
])
def test_it_refuses_a_giver_without_a_valid_public_display_choice(project, leader, data, code):
    refused(code, give, leader, project, **data)


def test_an_anonymous_giver_leaves_no_name_or_household_behind(project, leader):
    entry = give(leader, project, giver=G.ANONYMOUS, display=D.ANONYMOUS, giver_name="Ai đó")
    entry.refresh_from_db()
    assert (entry.giver_name, entry.household_id) == ("", None)


def test_it_refuses_a_household_of_another_commune(world, project):
    officer = world.users["national_admin"]
    refused("household_elsewhere", give, officer, project, giver=G.HOUSEHOLD, display=D.HOUSEHOLD_KEY,
            household=world.other_household)


def test_members_and_outside_officers_cannot_record(project, world):
    for role in ("team_member", "other_commune_officer", "province_officer_elsewhere"):
        user = world.users.get(role) or f.make_user("province_officer", "46")
        with pytest.raises(Forbidden):
            give(user, project)
    assert not LedgerEntry.objects.exists()


def test_officers_in_scope_may_record(project, world):
    for role in ("commune_officer", "province_officer", "national_admin"):
        give(world.users[role], project)
    assert LedgerEntry.objects.filter(project=project).count() == 3


def test_a_leader_of_another_village_cannot_record(world, project):
    other_team = f.make_team(world.village2, "Tổ Tháp Hạ")
    other_leader = f.make_user("team_leader", world.village2)
    f.make_member(other_team, full_name="Lê Văn Hạ", role="leader", user=other_leader)
    with pytest.raises(Forbidden):
        give(other_leader, project)


# --- reversing entries --------------------------------------------------------------------------


def test_a_reversal_negates_the_entry_points_to_it_and_keeps_it(project, leader):
    wrong = give(leader, project, money_vnd=5_000_000, labour_days=2)
    reversal = services.entry_reverse(actor=leader, project=project, entry=wrong, reason="Gõ thừa số 0")
    assert (reversal.money_vnd, reversal.labour_days, reversal.reverses_id) == (-5_000_000, Decimal(-2), wrong.pk)
    assert reversal.kind == LedgerEntry.Kind.CONTRIBUTION and reversal.reason == "Gõ thừa số 0"
    assert LedgerEntry.objects.get(pk=wrong.pk).money_vnd == 5_000_000
    assert project_totals([project.pk])[project.pk].collected_vnd == 0
    assert AuditEvent.objects.filter(action=audit.LEDGER_REVERSAL, object_id=str(reversal.pk)).exists()


def test_an_expense_reversal_gives_the_money_back_to_the_balance(project, leader):
    give(leader, project, money_vnd=1_000_000)
    expense = spend(leader, project, money_vnd=400_000)
    services.entry_reverse(actor=leader, project=project, entry=expense, reason="Trùng hoá đơn")
    assert project_totals([project.pk])[project.pk].balance_vnd == 1_000_000


def test_an_entry_can_be_reversed_only_once(project, leader):
    entry = give(leader, project)
    services.entry_reverse(actor=leader, project=project, entry=entry, reason="Nhầm")
    with pytest.raises(Conflict) as info:
        services.entry_reverse(actor=leader, project=project, entry=entry, reason="Nhầm lần hai")
    assert info.value.code == "entry_already_reversed"
    assert LedgerEntry.objects.filter(reverses=entry).count() == 1


def test_the_database_refuses_a_second_reversal_even_past_the_service(project, leader):
    from django.db import IntegrityError, transaction

    entry = give(leader, project)
    services.entry_reverse(actor=leader, project=project, entry=entry, reason="Nhầm")
    duplicate = LedgerEntry(project=project, kind=entry.kind, entry_on=yesterday(), money_vnd=-entry.money_vnd,
                            reverses=entry, reason="Lần hai", recorded_by=leader)
    duplicate.set_codes_from(project)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_it_refuses_to_reverse_an_entry_of_another_project(world, leader, project):
    other = make_project(leader, world.village, title="Camera")
    foreign = give(leader, other)
    error = refused("entry_other_project", services.entry_reverse, actor=leader, project=project, entry=foreign,
                    reason="Nhầm")
    assert error.field == "entry"


def test_it_refuses_to_reverse_a_reversal_or_without_a_reason(project, leader):
    entry = give(leader, project)
    refused("reason_required", services.entry_reverse, actor=leader, project=project, entry=entry, reason=" ")
    reversal = services.entry_reverse(actor=leader, project=project, entry=entry, reason="Nhầm")
    refused("entry_is_reversal", services.entry_reverse, actor=leader, project=project, entry=reversal,
            reason="Nhầm")


def test_a_mistake_can_be_reversed_after_the_project_is_done(project, leader):
    entry = give(leader, project, money_vnd=700_000)
    services.project_set_status(actor=leader, project=project, status=Project.Status.DONE)
    services.entry_reverse(actor=leader, project=project, entry=entry, reason="Hộ chưa nộp")
    assert project_totals([project.pk])[project.pk].collected_vnd == 0


def test_a_member_cannot_reverse(project, leader, world):
    entry = give(leader, project)
    with pytest.raises(Forbidden):
        services.entry_reverse(actor=world.users["team_member"], project=project, entry=entry, reason="Nhầm")
