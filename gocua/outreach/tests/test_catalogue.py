import pytest
from django.core.management import call_command

from gocua.errors import DomainError, Forbidden
from gocua.households.digital import INDICATOR_NAMES
from gocua.outreach.catalogue import CATALOGUE
from gocua.outreach.models import ServiceItem
from gocua.outreach.services.catalogue import service_item_create, service_item_restore, service_item_retire


def test_the_migration_loads_nine_items_in_both_languages(items):
    assert len(items) == 9
    for item in items.values():
        assert item.name_vi and item.name_en and len(item.howto_steps()) >= 3
        assert item.indicators and set(item.indicators) <= set(INDICATOR_NAMES)
    assert items["local_platforms"].indicators == ["skill_local_platforms"]


def test_every_basic_skill_and_essential_is_reachable_from_some_item():
    reachable = {name for entry in CATALOGUE for name in entry.indicators}
    assert {"smartphone", "vneid_level2", "payment_account"} <= reachable
    assert {name for name in INDICATOR_NAMES if name.startswith("skill_")} <= reachable


def test_load_catalogue_is_idempotent_and_keeps_retired_items_retired(world, items, capsys):
    service_item_retire(actor=world.users["national_admin"], item=items["ecommerce"])
    ServiceItem.objects.filter(code="vneid").update(name_en="old name")
    call_command("load_catalogue")
    assert "1 cập nhật / updated" in capsys.readouterr().out
    assert ServiceItem.objects.get(code="vneid").name_en == "VNeID registration and level-2 activation"
    assert not ServiceItem.objects.get(code="ecommerce").is_active


def test_national_admins_add_retire_and_restore_items(world):
    admin = world.users["national_admin"]
    item = service_item_create(actor=admin, code="fibre", name_vi="Lắp internet cáp quang", name_en="Fibre internet",
                               indicators=["internet"])
    assert item.position > 90 and item.indicators == ["internet"]
    with pytest.raises(DomainError):
        service_item_create(actor=admin, code="fibre", name_vi="Trùng")
    service_item_retire(actor=admin, item=item)
    assert not item.is_active and item.retired_at is not None
    service_item_restore(actor=admin, item=item)
    assert item.is_active and item.retired_at is None


@pytest.mark.parametrize("role", ["team_leader", "commune_officer", "province_officer"])
def test_others_cannot_change_the_catalogue(world, items, role):
    with pytest.raises(Forbidden):
        service_item_retire(actor=world.users[role], item=items["vneid"])
    with pytest.raises(Forbidden):
        service_item_create(actor=world.users[role], code="x1", name_vi="X")
