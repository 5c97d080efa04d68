"""Two uploads of the same batch at the same moment still create every record once (PostgreSQL only).

SQLite lets one writer at a time, so there is no race to test there; on PostgreSQL the two batches
run in parallel transactions and meet at the UNIQUE constraints on the records' UUIDs.
"""

import threading
import uuid

import pytest
from django.db import connection, connections

from gocua import testing as f
from gocua.accounts.models import Role
from gocua.field.models import SyncReceipt
from gocua.field.tests.conftest import DeviceClient, issue, record
from gocua.households.models import Household, Resident
from gocua.outreach.models import ServiceItem, Visit

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs parallel writers: run on PostgreSQL (DATABASE_URL)"
)


def test_two_uploads_of_one_batch_at_once_create_each_record_once(database_restored, transactional_db):
    village = f.make_village("09784", "Thôn Tháp Thượng")
    team = f.make_team(village)
    user = f.make_user(Role.TEAM_MEMBER, village)
    f.make_member(team, full_name="Trần Thu Hà", user=user)
    household = f.make_household(village, "TT-001")
    people = [f.make_resident(household, full_name=f"Người {i}", relation="child") for i in range(3)]
    item = ServiceItem.objects.get(code="scams")
    new_household = uuid.uuid4()
    batch = [record("household", {"temp_key": "T-1"}, new_household),
             record("resident", {"household": str(new_household), "full_name": "Lê Văn Tám", "birth_year": 1970,
                                 "gender": "male", "relation": "head"})]
    batch += [
        record("visit", {"household": str(household.uuid), "visited_on": f.today().isoformat(),
                         "residents": [{"resident": str(p.uuid), "outcomes": [{"item": item.pk, "outcome": "done"}]}
                                       for p in people]})
        for _ in range(20)
    ]
    secret = issue(user).secret
    start, answers = threading.Barrier(2), []

    def upload():
        try:
            client = DeviceClient(secret)
            start.wait()
            answers.append(client.post("/sync", {"records": batch}).json())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 2
    for position in range(len(batch)):
        statuses = sorted(a["results"][position]["status"] for a in answers)
        assert statuses == ["created", "duplicate"], (position, statuses)
    assert Household.objects.filter(uuid=new_household).count() == 1
    assert Resident.objects.filter(full_name="Lê Văn Tám").count() == 1
    assert Visit.objects.filter(household=household).count() == 20
    assert SyncReceipt.objects.count() == len(batch)
    keys = {a["household_keys"][0]["household_key"] for a in answers}
    assert keys == {Household.objects.get(uuid=new_household).household_key}
