"""gocua.lib.bulk: plain-row inserts and ids handed out before the insert, on SQLite and PostgreSQL."""

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, transaction

from gocua import testing as f
from gocua.lib.bulk import allocate_ids, insert_rows
from gocua.outreach.models import Visit

pytestmark = pytest.mark.django_db


def _visit_row(world, pk=None) -> dict:
    row = {"uuid": uuid.uuid4(), "household_id": world.household.pk, "team_id": world.team.pk,
           "visited_on": dt.date(2026, 5, 1), "province_code": world.household.province_code,
           "commune_code": world.household.commune_code, "village_code": world.household.village_code}
    return {"id": pk, **row} if pk is not None else row


def test_inserted_rows_read_back_as_the_orm_writes_them(world):
    rows = [_visit_row(world) for _ in range(3)]
    assert insert_rows(Visit, rows) == 3
    stored = {v.uuid: v for v in Visit.objects.all()}
    assert set(stored) == {r["uuid"] for r in rows}
    visit = stored[rows[0]["uuid"]]
    assert visit.visited_on == dt.date(2026, 5, 1) and visit.note == "" and visit.deleted_at is None
    assert visit.created_at is not None and visit.created_at == visit.updated_at


def test_allocated_ids_are_new_and_later_inserts_follow_them(world):
    f.make_household(world.village, "TT-050")
    existing = Visit.objects.create(**_visit_row(world))
    with transaction.atomic():
        ids = allocate_ids(Visit, 3)
        assert len(set(ids)) == 3 and min(ids) > existing.pk
        insert_rows(Visit, [_visit_row(world, pk) for pk in ids])
    later = Visit.objects.create(**_visit_row(world))
    assert later.pk > max(ids)
    assert sorted(Visit.objects.values_list("pk", flat=True)) == sorted([existing.pk, *ids, later.pk])


def test_an_insert_that_breaks_a_unique_constraint_raises_and_writes_nothing(world):
    taken = _visit_row(world)
    insert_rows(Visit, [taken])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Visit, [_visit_row(world), {**_visit_row(world), "uuid": taken["uuid"]}])
    assert Visit.objects.count() == 1


def test_rows_must_name_real_columns(world):
    with pytest.raises(ValueError, match="no columns"):
        insert_rows(Visit, [{**_visit_row(world), "colour": "red"}])
