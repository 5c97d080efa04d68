import datetime as dt

import pytest

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.errors import DomainError, Forbidden, NotFound
from gocua.households import services as household_services
from gocua.households.digital import INDICATOR_NAMES
from gocua.households.models import Household, IndicatorChange, Resident
from gocua.imports import exporter, services
from gocua.imports.tests.conftest import read_xlsx
from gocua.imports.tests.helpers import run

pytestmark = pytest.mark.django_db
FIELDS = ["household_id", "full_name", "birth_year", "birth_date", "gender", "relation", "phone", "status",
          "citizen_id_hash", "citizen_id_masked", "updated_at", *INDICATOR_NAMES]


@pytest.fixture
def registry(world):
    """Households in both Đan Phượng villages with every kind of value the layout carries."""
    admin = f.admin()
    wife = f.make_resident(world.household, full_name="Trần Thị Lan", gender="female", relation="wife",
                           birth_year=1983, citizen_id="001183004567", phone="0987654321",
                           indicators={"smartphone": 1, "vneid_level2": 2, "skill_payment": 1})
    household_services.resident_update(actor=admin, resident=wife, data={
        "full_name": wife.full_name, "birth_year": 1983, "birth_date": dt.date(1983, 4, 5), "gender": "female",
        "relation": "wife", "phone": "0987654321", "status": "away"})
    f.make_resident(world.household, full_name="Nguyễn Bà Ngoại", gender="female", relation="grandparent",
                    birth_year=1940, status="deceased")
    other = f.make_household(world.village2, "TH-7", address_line="Số 12, ngõ 5")
    f.make_resident(other, full_name="Đỗ Văn Hải", birth_year=1962, citizen_id="001062000789",
                    indicators={"internet": 1, "digital_signature": 2})
    f.make_resident(other, full_name="Đỗ Minh Khang", birth_year=2012, relation="grandchild")
    return world


def snapshot(commune="09784"):
    residents = Resident.objects.filter(commune_code=commune).order_by("pk").values_list(*FIELDS)
    households = Household.objects.filter(commune_code=commune).order_by("pk").values_list(
        "village_id", "household_key", "address_line", "head_id", "search_folded", "updated_at")
    return list(residents), list(households), IndicatorChange.objects.count()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_changes_nothing(registry, officer, fmt):
    before = snapshot()
    out = services.export_unit(actor=officer, unit=f.unit("09784"), fmt=fmt)
    result = run(officer, f.unit("09784"), out.content, name=out.name)
    assert result.plan.problems == []
    assert result.summary["residents"] == {"new": 0, "updated": 0, "unchanged": 5}
    assert result.summary["households"] == {"new": 0, "updated": 0, "unchanged": 2}
    assert result.summary["columns"]["unknown"] == []
    assert snapshot() == before  # every stored field, even updated_at: nothing was written


def test_masked_citizen_ids_and_phones_mean_unchanged(registry, officer):
    province_officer = registry.users["province_officer"]
    before = snapshot()
    out = services.export_unit(actor=province_officer, unit=f.unit("09784"), fmt="xlsx")
    rows = read_xlsx(out.content)
    assert "001******345" in {row[5] for row in rows} and "001080012345" not in {row[5] for row in rows}
    assert "098****321" in {row[6] for row in rows}
    result = run(officer, f.unit("09784"), out.content)
    assert result.summary["residents"] == {"new": 0, "updated": 0, "unchanged": 5}
    assert snapshot() == before


def test_the_export_is_in_the_layout_the_importer_reads(registry, officer):
    rows = read_xlsx(services.export_unit(actor=officer, unit=registry.village2, fmt="xlsx").content)
    assert rows[0] == exporter.headers()
    head = rows[1]
    assert head[:9] == ["TH-7", "Đỗ Văn Hải", "1962", "Nam", "Chủ hộ", "001062000789", "",
                        "Số 12, ngõ 5, Thôn Tháp Hạ, Xã Đan Phượng, Thành phố Hà Nội", "Đang ở"]
    assert rows[2][4] == "Cháu" and len(rows) == 3


def test_commune_officers_see_ids_province_officers_see_them_masked(registry, officer):
    by_officer = services.export_unit(actor=officer, unit=f.unit("09784"), fmt="csv").content.decode("utf-8-sig")
    by_province = services.export_unit(actor=registry.users["province_officer"], unit=f.unit("09784"),
                                       fmt="csv").content.decode("utf-8-sig")
    assert "001080012345" in by_officer and "0987654321" in by_officer
    assert "001080012345" not in by_province and "001******345" in by_province
    assert "0987654321" not in by_province


def test_every_export_is_audited_without_personal_data(registry, officer):
    services.export_unit(actor=officer, unit=f.unit("09784"), fmt="csv")
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).latest("pk")
    assert event.actor == officer and (event.object_type, event.object_id) == ("places.unit", str(f.unit("09784").pk))
    assert event.detail == {"unit": "09784", "rows": 5, "format": "csv"}


@pytest.mark.parametrize("role", ["team_leader", "team_member"])
def test_team_leaders_and_members_cannot_export(registry, role):
    with pytest.raises(Forbidden):
        services.export_unit(actor=registry.users[role], unit=registry.village, fmt="xlsx")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_unit_outside_the_area_is_not_found(registry):
    with pytest.raises(NotFound):
        services.export_unit(actor=registry.users["other_commune_officer"], unit=f.unit("09784"), fmt="xlsx")


def test_only_a_commune_or_a_village_is_exported_at_once(registry):
    with pytest.raises(DomainError) as caught:
        services.export_unit(actor=registry.users["province_officer"], unit=f.unit("01"), fmt="xlsx")
    assert caught.value.code == "export_level"


def test_a_cell_that_looks_like_a_formula_is_quoted_in_csv_and_read_back_unchanged(world, officer):
    household = f.make_household(world.village, "=1+1")
    f.make_resident(household, full_name="Phan Văn Tú", birth_year=1970)
    out = services.export_unit(actor=officer, unit=world.village, fmt="csv")
    assert "'=1+1" in out.content.decode("utf-8-sig")
    result = run(officer, f.unit("09784"), out.content, name=out.name)
    assert result.summary["households"]["new"] == 0 and result.summary["residents"]["new"] == 0


def test_the_template_has_the_header_and_a_guide(officer):
    out = services.template_file()
    assert read_xlsx(out.content) == [exporter.headers()]
    import io

    import openpyxl

    guide = openpyxl.load_workbook(io.BytesIO(out.content), read_only=True).worksheets[1]
    assert guide.title == "Hướng dẫn" and len(list(guide.iter_rows())) > 10
