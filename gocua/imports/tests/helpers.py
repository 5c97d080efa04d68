"""Build rosters and run imports in tests."""

from gocua.imports import planner, services
from gocua.imports.reader import read_roster
from gocua.imports.tests.conftest import xlsx_bytes

COLUMNS = ["Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ", "Số CCCD", "SĐT", "Địa chỉ",
           "Có điện thoại thông minh", "VNeID mức 2"]
LEGACY_THAP_THUONG = "Thôn Tháp Thượng, Xã Song Phượng, Huyện Đan Phượng, Hà Nội"


def person(key, name, year, gender="Nam", relation="Chủ hộ", cid="", phone="", address=LEGACY_THAP_THUONG,
           smartphone="", vneid="") -> list:
    return [key, name, year, gender, relation, cid, phone, address, smartphone, vneid]


def roster(*rows, columns=COLUMNS) -> bytes:
    return xlsx_bytes([columns, *rows])


def run(actor, commune, data: bytes, *, choices=None, dry_run=False, name="roster.xlsx"):
    """Import `data` into `commune` (plan, then write unless `dry_run`); return the RosterResult."""
    return services.roster_import(
        actor=actor, commune=commune, sheet=read_roster(data, name), choices=planner.Choices.from_dict(choices),
        dry_run=dry_run,
    )


def problems_of(result) -> list[tuple[int, str, str]]:
    return [(p.row, p.field, p.code) for p in result.plan.problems]
