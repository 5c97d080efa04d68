"""The sections of help requests, scam alerts and learning in the periodic report, from real rows."""

import uuid

import pytest

from gocua import testing as f
from gocua.alerts.tests.factories import publish
from gocua.helprequests import services as help_services
from gocua.helprequests.tests.conftest import submit
from gocua.indicators.periods import period_of
from gocua.outreach.services.visits import visit_record
from gocua.reports import content, sections

pytestmark = pytest.mark.django_db



def _last_year():
    return period_of("year", f.today().replace(year=f.today().year - 1))


def _sections(user, unit, period) -> dict:
    return {s["key"]: s for s in content.build(user=user, unit=unit, period=period)["sections"]}


def _counts(section) -> dict:
    """The help-request rows by position: received, asks, closed, (one per reason), open, spam."""
    values = [row[1] for row in section["rows"]]
    return {"received": values[0], "asks": values[1], "closed": values[2], "open": values[-2], "spam": values[-1],
            "reasons": values[3:-2]}


def test_the_three_providers_are_registered():
    assert {"help_requests", "alerts", "learning"} <= set(sections.providers())


def test_a_month_with_help_requests_and_a_warning_shows_both_sections(world):
    officer, leader = world.users["commune_officer"], world.users["team_leader"]
    first = submit(world.village, phone="0912 345 678")
    submit(world.village, phone="0912345678", address="203.0.113.8")  # the same phone again: folded
    other = submit(world.village, phone="0987654321", address="203.0.113.9")
    help_services.help_close(actor=leader, request=other, reason="solved_by_phone")
    alert = publish(world.users["province_officer"], "01")
    visit_record(actor=leader, uuid=uuid.uuid4(), household=world.household, visited_on=f.today(),
                 member_ids=[leader.member.pk], extras={"warned_alerts": [alert.pk]},
                 residents=[{"resident_id": world.resident.pk, "present": True, "note": "", "outcomes": []}])

    found = _sections(officer, f.unit("09784"), f.this_month())
    counts = _counts(found["help_requests"])
    assert (counts["received"], counts["asks"], counts["closed"], counts["open"], counts["spam"]) == (2, 3, 1, 1, 0)
    assert sorted(counts["reasons"]) == [0, 0, 0, 0, 1]
    assert first.folded_into_id is None
    (alert_row,) = found["alerts"]["rows"]
    assert alert_row[0] == alert.title and alert_row[-1] == 1
    # The province's report counts its communes' requests and warnings too.
    province = _sections(world.users["province_officer"], f.unit("01"), f.this_month())
    assert province["alerts"]["rows"][0][-1] == 1
    assert _counts(province["help_requests"])["received"] == 2


def test_a_period_without_any_of_it_has_no_such_sections(world):
    submit(world.village)
    found = _sections(world.users["commune_officer"], f.unit("09784"), _last_year())
    assert not {"help_requests", "alerts", "learning"} & set(found)
    # Another commune's report does not see this commune's requests.
    other = _sections(world.users["other_commune_officer"], f.unit("19774"), f.this_month())
    assert "help_requests" not in other


def test_no_row_names_a_person_or_a_phone(world):
    submit(world.village, name="Nguyễn Thị Hoa", phone="0912345678")
    found = _sections(world.users["commune_officer"], f.unit("09784"), f.this_month())
    text = repr(found)
    assert "Hoa" not in text and "0912345678" not in text and "345678" not in text
