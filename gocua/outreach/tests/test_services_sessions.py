import datetime as dt
import uuid

import pytest
from django.utils import timezone

from gocua.errors import DomainError, Forbidden
from gocua.outreach.models import CommunitySession
from gocua.outreach.selectors import resident_search
from gocua.outreach.services.catalogue import service_item_retire
from gocua.outreach.services.sessions import session_delete, session_record


def _record(world, items, actor=None, **extra):
    data = dict(
        actor=actor or world.users["team_member"], uuid=uuid.uuid4(), team=world.team,
        held_on=timezone.localdate(), place="Nhà văn hoá thôn Tháp Thượng", topic_ids=[items["scams"].pk],
        member_ids=[world.users["team_member"].member.pk], attendee_ids=[world.resident.pk], unregistered_count=5,
    )
    data.update(extra)
    return session_record(**data)


def test_it_records_a_session_once_per_uuid(world, items):
    form_id = uuid.uuid4()
    first = _record(world, items, uuid=form_id)
    again = _record(world, items, uuid=form_id)
    assert first.pk == again.pk and CommunitySession.objects.count() == 1
    assert list(first.attendees.all()) == [world.resident] and first.unregistered_count == 5
    assert first.village_code == world.village.village_code


def test_it_needs_attendance_topics_and_a_past_date(world, items):
    with pytest.raises(DomainError) as err:
        _record(world, items, attendee_ids=[], unregistered_count=0)
    assert err.value.code == "attendance_required"
    with pytest.raises(DomainError) as err:
        _record(world, items, topic_ids=[])
    assert err.value.code == "topics_required"
    with pytest.raises(DomainError) as err:
        _record(world, items, held_on=timezone.localdate() + dt.timedelta(days=1))
    assert err.value.code == "date_in_future"
    service_item_retire(actor=world.users["national_admin"], item=items["scams"])
    with pytest.raises(DomainError) as err:
        _record(world, items)
    assert err.value.code == "service_item_retired"
    assert not CommunitySession.objects.exists()


def test_it_refuses_attendees_from_outside_the_commune(world, items):
    with pytest.raises(DomainError) as err:
        _record(world, items, actor=world.users["national_admin"], attendee_ids=[world.other_resident.pk])
    assert err.value.code == "attendee_unknown"


def test_outsiders_cannot_record_for_the_team(world, items):
    with pytest.raises(Forbidden):
        _record(world, items, actor=world.users["other_commune_officer"])


def test_delete_is_soft_with_a_reason(world, items):
    session = _record(world, items)
    with pytest.raises(DomainError):
        session_delete(actor=world.users["team_member"], session=session, reason="")
    session_delete(actor=world.users["team_member"], session=session, reason="entered twice")
    assert CommunitySession.objects.live().count() == 0 and CommunitySession.objects.count() == 1


def test_resident_search_ignores_diacritics_and_scope(world):
    assert list(resident_search(world.users["team_member"], "truong")) == [world.resident]
    assert list(resident_search(world.users["team_member"], "TRƯỜNG")) == [world.resident]
    assert list(resident_search(world.users["team_member"], "hoa")) == []  # Lê Thị Hoa lives in Huế
    assert list(resident_search(world.users["national_admin"], "le thi hoa")) == [world.other_resident]
