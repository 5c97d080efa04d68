"""Help requests: filing (guards, folding), the team's actions, spam, overdue and scope."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from gocua.accounts.models import AuditEvent
from gocua.errors import DomainError, Forbidden, NotFound
from gocua.helprequests import selectors, services
from gocua.helprequests.models import HelpRequest, Status
from gocua.helprequests.tests.conftest import form, submit
from gocua.outreach.models import ServiceItem
from gocua.outreach.services.visits import visit_record

pytestmark = pytest.mark.django_db


def test_it_files_a_request_with_the_phone_normalised(world):
    request = submit(world.village, phone="+84 912.345.678")
    assert request.phone == "0912345678"
    assert request.village_code == world.village.code and request.commune_code == "09784"
    assert request.status == Status.NEW and len(request.code) == 8
    assert request.service.code == "vneid" and request.preferred_time == "evening"


def test_it_takes_something_else_with_the_residents_words(world):
    request = submit(world.village, service="other", other_text="Con tôi gửi ảnh qua Zalo không được")
    assert request.service is None and request.other_text.startswith("Con tôi")


@pytest.mark.parametrize("field,value,code", [
    ("name", "", "help_name_required"),
    ("name", "x" * 81, "text_too_long"),
    ("other_text", "Vào https://bit.ly/abc nhận quà", "help_link_not_allowed"),
    ("other_text", "xem tai trang nhanqua.vn nhé", "help_link_not_allowed"),
    ("name", "Hồng www.quatang.com", "help_link_not_allowed"),
    ("other_text", "ư" * 301, "text_too_long"),
    ("phone", "12345", "phone_invalid"),
    ("phone", "9" * 100, "phone_invalid"),
    ("service", "nuclear", "help_service_invalid"),
    ("service", "", "help_service_invalid"),
    ("preferred_time", "midnight", "help_time_invalid"),
    ("consent", "", "help_consent_required"),
    ("website", "http://spam.example", "help_honeypot"),
    ("t", "not-a-token", "help_form_expired"),
])
def test_it_refuses_bad_input_and_writes_nothing(world, field, value, code):
    with pytest.raises(DomainError) as caught:
        submit(world.village, **{field: value})
    assert caught.value.code == code and caught.value.status == 400
    assert not HelpRequest.objects.exists()


def test_a_form_sent_too_fast_is_refused(world):
    with pytest.raises(DomainError) as caught:
        services.help_submit(village=world.village, data=form(t=services.form_token()), client_address="10.0.0.1")
    assert caught.value.code == "help_form_too_fast"


def test_requests_from_one_phone_fold_into_one_entry_with_a_count(world):
    first = submit(world.village, phone="0912345678")
    second = submit(world.village, phone="+84912345678", service="payment")
    third = submit(world.village, phone="0912.345.678")
    other = submit(world.village, phone="0987654321")
    assert second.folded_into == first and third.folded_into == first
    assert {first.code, second.code, third.code} == {r.code for r in HelpRequest.objects.filter(phone="0912345678")}
    entries = list(selectors.queue(world.users["team_leader"]))
    assert [e.pk for e in entries] == [first.pk, other.pk]
    assert entries[0].repeat_count == 3


def test_closing_the_entry_closes_every_folded_request(world):
    first = submit(world.village)
    second = submit(world.village)
    services.help_close(actor=world.users["team_member"], request=second, reason="solved_by_phone")
    assert set(HelpRequest.objects.values_list("status", flat=True)) == {Status.CLOSED}
    assert selectors.public_status(selectors.by_code(second.code.lower())).pk == first.pk
    assert AuditEvent.objects.filter(action="help_closed").count() == 1


def test_a_phone_in_another_village_is_a_separate_entry(world):
    a = submit(world.village)
    b = submit(world.village2)
    assert a.folded_into is None and b.folded_into is None


def test_claim_link_and_a_visit_close_the_request(world, filed):
    member = world.users["team_member"]
    services.help_claim(actor=member, request=filed)
    candidates = list(selectors.household_candidates(member, filed))
    assert candidates == [world.household]
    services.help_link(actor=member, request=filed, household=world.household)
    item = ServiceItem.objects.get(code="vneid")
    visit_record(
        actor=member, uuid=uuid.uuid4(), household=world.household, visited_on=timezone.localdate(),
        member_ids=[member.member.pk],
        residents=[{"resident_id": world.resident.pk, "present": True, "note": "",
                    "outcomes": [{"item_id": item.pk, "outcome": "done"}]}],
    )
    filed.refresh_from_db()
    assert filed.status == Status.CLOSED and filed.close_reason == "visit" and filed.visit is not None
    actions = list(AuditEvent.objects.filter(action__startswith="help_").values_list("action", flat=True))
    assert sorted(actions) == ["help_claimed", "help_closed", "help_linked"]
    assert all("0912345678" not in str(e.detail) for e in AuditEvent.objects.all())


def test_a_visit_to_an_unlinked_household_closes_nothing(world, filed):
    member = world.users["team_member"]
    visit_record(actor=member, uuid=uuid.uuid4(), household=world.household, visited_on=timezone.localdate(),
                 member_ids=[member.member.pk],
                 residents=[{"resident_id": world.resident.pk, "present": True, "note": "", "outcomes": []}])
    filed.refresh_from_db()
    assert filed.status == Status.NEW


def test_it_refuses_to_link_a_household_of_another_village(world, filed):
    with pytest.raises(DomainError) as caught:
        services.help_link(actor=world.users["national_admin"], request=filed, household=world.other_household)
    assert caught.value.code == "help_household_elsewhere"


def test_only_the_village_team_claims_and_outsiders_get_not_found(world, filed):
    with pytest.raises(Forbidden):
        services.help_claim(actor=world.users["commune_officer"], request=filed)  # an officer closes, never claims
    with pytest.raises(NotFound):
        services.help_claim(actor=world.users["other_commune_officer"], request=filed)
    assert selectors.entry(world.users["other_commune_officer"], filed.pk) is None
    assert list(selectors.queue(world.users["other_commune_officer"])) == []
    assert selectors.entry(world.users["commune_officer"], filed.pk) == filed


def test_the_team_sees_the_phone_and_an_officer_sees_it_masked(world, filed):
    assert services.sees_phone(world.users["team_member"], filed)
    assert not services.sees_phone(world.users["commune_officer"], filed)


def test_spam_hides_every_request_of_the_phone_and_the_leader_can_undo_it(world):
    spam = [submit(world.village, phone="0911111111") for _i in range(3)]
    real = submit(world.village, phone="0987654321")
    hidden = services.help_mark_spam(actor=world.users["team_member"], request=spam[0])
    assert hidden == 3
    assert [e.pk for e in selectors.queue(world.users["team_leader"])] == [real.pk]
    later = submit(world.village, phone="0911111111")  # same answer as ever, but hidden
    assert later.is_spam
    with pytest.raises(Forbidden):
        services.help_unmark_spam(actor=world.users["team_member"], request=spam[0])
    assert services.help_unmark_spam(actor=world.users["team_leader"], request=spam[0]) == 4
    assert [e.pk for e in selectors.queue(world.users["team_leader"])] == [spam[0].pk, real.pk]
    assert set(AuditEvent.objects.filter(action__startswith="help_spam").values_list("action", flat=True)) == {
        "help_spam_marked", "help_spam_unmarked"}


def test_untouched_requests_past_the_setting_are_overdue(world, settings):
    settings.GOCUA_HELP_OVERDUE_HOURS = 48
    old, acted, fresh = submit(world.village, phone="0911111111"), submit(world.village, phone="0922222222"), \
        submit(world.village, phone="0933333333")
    three_days = timezone.now() - dt.timedelta(hours=72)
    HelpRequest.objects.filter(pk__in=[old.pk, acted.pk]).update(created_at=three_days)
    services.help_call(actor=world.users["team_member"], request=acted)
    assert [r.pk for r in selectors.overdue(world.users["team_leader"])] == [old.pk]
    assert [r.pk for r in selectors.overdue(world.users["commune_officer"])] == [old.pk]
    assert list(selectors.overdue(world.users["other_commune_officer"])) == []
    settings.GOCUA_HELP_OVERDUE_HOURS = 100
    assert list(selectors.overdue(world.users["team_leader"])) == []
    assert fresh.pk not in [r.pk for r in selectors.overdue(world.users["team_leader"])]


def test_a_closed_request_cannot_be_claimed(world, filed):
    services.help_close(actor=world.users["team_leader"], request=filed, reason="not_needed")
    with pytest.raises(DomainError) as caught:
        services.help_claim(actor=world.users["team_member"], request=filed)
    assert caught.value.code == "help_already_closed"


def test_close_refuses_an_unknown_reason(world, filed):
    with pytest.raises(DomainError) as caught:
        services.help_close(actor=world.users["team_leader"], request=filed, reason="visit")
    assert caught.value.code == "help_reason_invalid"


def test_rate_counters_of_past_windows_are_pruned(world):
    from gocua.helprequests.models import RateCounter

    submit(world.village)
    RateCounter.objects.create(key="x" * 64, window=1, count=3)
    assert services.rate_counters_prune() == 1
    assert RateCounter.objects.count() == 2  # this hour's, per address and per phone
