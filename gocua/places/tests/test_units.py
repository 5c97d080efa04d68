import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from gocua import testing as f
from gocua.accounts.models import Role
from gocua.errors import DomainError, Forbidden
from gocua.places.models import Kind, Level, Unit
from gocua.places.services import units_load, village_create


@pytest.mark.django_db
def test_units_loaded_match_the_july_2025_structure():
    current = Unit.objects.filter(valid_to__isnull=True)
    assert current.filter(level=Level.NATION).get().code == "VN"
    assert current.filter(level=Level.PROVINCE).count() == 34
    assert current.filter(level=Level.COMMUNE).count() == 3321
    dan_phuong = current.get(code="09784")
    assert dan_phuong.name == "Xã Đan Phượng"
    assert dan_phuong.kind == Kind.XA
    assert dan_phuong.parent.code == "01"
    assert dan_phuong.parent.kind == Kind.THANH_PHO
    assert dan_phuong.province_code == "01" and dan_phuong.commune_code == "09784"
    assert dan_phuong.latitude == pytest.approx(21.09, abs=0.05)
    assert set(current.filter(level=Level.COMMUNE).values_list("kind", flat=True)) == {
        Kind.XA,
        Kind.PHUONG,
        Kind.DAC_KHU,
    }


@pytest.mark.django_db
def test_loading_units_again_changes_nothing_and_says_so(capsys):
    before = list(Unit.objects.order_by("pk").values_list("pk", "name", "latitude"))
    result = units_load()
    assert (result.created, result.updated) == (0, 0)
    assert list(Unit.objects.order_by("pk").values_list("pk", "name", "latitude")) == before
    call_command("load_units")
    assert "Nothing changed" in capsys.readouterr().out


@pytest.mark.django_db
def test_load_units_repairs_a_changed_name():
    Unit.objects.filter(code="09784").update(name="Xã Sai Tên")
    result = units_load()
    assert result.updated == 1
    assert Unit.objects.get(code="09784").name == "Xã Đan Phượng"


@pytest.mark.django_db
def test_load_units_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="not found"):
        call_command("load_units", path=str(tmp_path / "nope.db"))


@pytest.mark.django_db
def test_load_units_refuses_a_file_that_is_not_the_dataset(tmp_path):
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_units", path=str(bogus))


@pytest.mark.django_db
def test_village_codes_follow_the_commune_and_are_never_reused():
    first = f.make_village("09784", "Thôn Tháp Thượng")
    second = f.make_village("09784", "Thôn Tháp Hạ")
    assert (first.code, second.code) == ("09784-001", "09784-002")
    assert first.parent.code == "09784" and first.level == Level.VILLAGE
    assert (first.province_code, first.commune_code, first.village_code) == ("01", "09784", "09784-001")
    # Closing a village (a later reorganisation) must not free its number.
    Unit.objects.filter(pk=second.pk).update(valid_to=second.valid_from)
    third = f.make_village("09784", "Thôn Đại Phùng")
    assert third.code == "09784-003"


@pytest.mark.django_db
def test_a_village_cannot_be_created_under_a_province_or_another_village():
    with pytest.raises(DomainError) as err:
        village_create(actor=f.admin(), commune=f.unit("01"), name="Thôn X", kind=Kind.THON)
    assert err.value.code == "parent_not_commune"
    village = f.make_village("09784")
    with pytest.raises(DomainError):
        village_create(actor=f.admin(), commune=village, name="Thôn Y", kind=Kind.THON)
    assert not Unit.objects.filter(name__in=["Thôn X", "Thôn Y"]).exists()


@pytest.mark.django_db
def test_village_names_are_unique_within_a_commune_ignoring_diacritics():
    f.make_village("09784", "Thôn Tháp Thượng")
    with pytest.raises(DomainError) as err:
        f.make_village("09784", "thon thap thuong")
    assert err.value.code == "village_exists"


@pytest.mark.django_db
def test_only_officers_in_scope_create_villages():
    outsider = f.make_user(Role.COMMUNE_OFFICER, "19774")
    leader = f.make_user(Role.TEAM_LEADER, "09784")
    for actor in (outsider, leader):
        with pytest.raises(Forbidden):
            village_create(actor=actor, commune=f.unit("09784"), name="Thôn Z", kind=Kind.THON)
    officer = f.make_user(Role.COMMUNE_OFFICER, "09784")
    assert village_create(actor=officer, commune=f.unit("09784"), name="Thôn Z", kind=Kind.THON).code


@pytest.mark.django_db
def test_the_database_keeps_one_current_row_per_code():
    village = f.make_village("09784")
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            code=village.code, name="dup", name_folded="dup", kind=Kind.THON, level=Level.VILLAGE,
            parent=village.parent, valid_from=village.valid_from.replace(year=2030),
        )
