"""A small, fully known dataset on top of the `world` fixture, written through the real services."""

import uuid
from dataclasses import dataclass

import pytest

from gocua import testing as f
from gocua.households.digital import BASIC_SKILLS, Tri
from gocua.households.services import resident_set_indicators
from gocua.outreach.services.visits import visit_record


@dataclass
class Data:
    world: object
    household2: object
    household3: object


@pytest.fixture
def data(world):
    """Tháp Thượng: 2 households, 4 residents (3 adults); Tháp Hạ: 1 household; Huế: world's 1.

    Tháp Thượng adults: An (world's resident, all unknown), Bình (smartphone yes, payment no,
    all five skills yes), Dũng (smartphone no); Chi is a child with a smartphone (not counted).
    Tháp Hạ: Em (smartphone yes, internet yes). The first household was visited today, An checked.
    """
    f.national_targets_in(f.today().year)  # the seeded targets are 2025's; these tests look at today
    binh = f.make_resident(world.household, full_name="Trần Văn Bình", birth_year=1985, relation="child")
    resident_set_indicators(
        actor=f.admin(), resident=binh,
        values={"smartphone": Tri.YES, "payment_account": Tri.NO, **dict.fromkeys(BASIC_SKILLS, Tri.YES)},
    )
    f.make_resident(world.household, full_name="Trần Thị Chi", birth_year=f.today().year - 10, gender="female",
                    relation="grandchild", indicators={"smartphone": Tri.YES})
    household2 = f.make_household(world.village, "TT-002")
    f.make_resident(household2, full_name="Lê Văn Dũng", birth_year=1990, indicators={"smartphone": Tri.NO})
    household3 = f.make_household(world.village2, "TH-001")
    f.make_resident(household3, full_name="Phạm Thị Em", birth_year=1970, gender="female",
                    indicators={"smartphone": Tri.YES, "internet": Tri.YES})
    leader = world.users["team_leader"]
    visit_record(
        actor=leader, uuid=uuid.uuid4(), household=world.household, visited_on=f.today(),
        member_ids=[leader.member.pk],
        residents=[{"resident_id": world.resident.pk, "present": True, "note": "", "outcomes": []}],
    )
    return Data(world, household2, household3)


client_for = f.logged_in  # the kit's client, under the name these tests use


@pytest.fixture
def officer(world):
    """A commune officer of Xã Đan Phượng (09784), logged in, English pages."""
    return client_for(world.users["commune_officer"])
