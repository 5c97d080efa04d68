"""The roster layout: the columns the importer recognises and the exporter writes.

Column headers and cell values are a file format, not page text: they stay in Vietnamese (the
language of the commune's own spreadsheets) whatever the page language, so that a file exported
in one language imports in the other. English synonyms are accepted too.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

from gocua.households.digital import BASIC_SKILLS, INDICATOR_LABELS, INDICATOR_NAMES, Tri
from gocua.households.models import Resident
from gocua.lib.text import fold

# Fields of a row; indicator names (households.digital) are fields too.
HOUSEHOLD_KEY = "household_key"
HOUSEHOLD_NO = "household_no"  # "STT hộ": a running number of the household in this file
HEAD_NAME = "head_name"  # "Họ tên chủ hộ": a household attribute, never the person's name
FULL_NAME = "full_name"
BIRTH_YEAR = "birth_year"
BIRTH_DATE = "birth_date"
BIRTH_YEAR_MALE = "birth_year_male"  # "Năm sinh" over "Nam": the year, and the gender
BIRTH_YEAR_FEMALE = "birth_year_female"
GENDER = "gender"
GENDER_MALE = "gender_male"  # a pair of "Nam" | "Nữ" columns holding a mark
GENDER_FEMALE = "gender_female"
RELATION = "relation"
CITIZEN_ID = "citizen_id"
PHONE = "phone"
ADDRESS = "address"
VILLAGE = "village"
COMMUNE = "commune"
ETHNICITY = "ethnicity"
STATUS = "status"
BASIC_SKILLS_ALL = "basic_skills"  # one mark for all five basic skills

# A roster needs the person's name and somewhere to put them (an address or a village column).
REQUIRED = (FULL_NAME,)
PLACE_FIELDS = (ADDRESS, VILLAGE)
# Fields that belong to the household: a merged cell or an empty cell below carries them down.
HOUSEHOLD_FIELDS = (HOUSEHOLD_KEY, HOUSEHOLD_NO, HEAD_NAME, ADDRESS, VILLAGE, COMMUNE)


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # what the exporter and the template write
    synonyms: tuple[str, ...] = ()


# Recognition is by the whole label (folded); the order is the priority when a label could be read as two
# fields by its beginning ("Họ tên chủ hộ" is the head's name, not the person's name).
COLUMNS: list[Column] = [
    Column(HOUSEHOLD_KEY, "Mã hộ", ("Số hộ", "Hộ số", "Mã số hộ", "Mã hộ gia đình", "Số hộ khẩu", "Household key")),
    Column(HEAD_NAME, "Họ tên chủ hộ", ("Họ và tên chủ hộ", "Chủ hộ", "Tên chủ hộ", "Head of household")),
    Column(HOUSEHOLD_NO, "STT hộ", ("Số TT hộ", "TT hộ", "STT hộ gia đình", "Household number")),
    Column(FULL_NAME, "Họ và tên", ("Họ tên", "Tên", "Họ và tên người dân", "Họ tên người dân",
                                    "Họ và tên thành viên", "Họ tên thành viên", "Full name")),
    Column(BIRTH_YEAR_MALE, "Năm sinh / Nam", ("Ngày sinh / Nam", "Ngày tháng năm sinh / Nam", "NS / Nam")),
    Column(BIRTH_YEAR_FEMALE, "Năm sinh / Nữ", ("Ngày sinh / Nữ", "Ngày tháng năm sinh / Nữ", "NS / Nữ")),
    Column(BIRTH_DATE, "Ngày sinh", ("Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Ngày/tháng/năm sinh",
                                     "Date of birth")),
    Column(BIRTH_YEAR, "Năm sinh", ("NS", "Birth year")),
    Column(GENDER_MALE, "Giới tính / Nam", ("Nam", "Giới / Nam", "GT / Nam")),
    Column(GENDER_FEMALE, "Giới tính / Nữ", ("Nữ", "Giới / Nữ", "GT / Nữ")),
    Column(GENDER, "Giới tính", ("Giới", "GT", "Phái", "Gender")),
    Column(RELATION, "Quan hệ với chủ hộ", ("Quan hệ", "Quan hệ chủ hộ", "Quan hệ với CH", "QH với chủ hộ",
                                            "QH với CH", "QHVCH", "QH", "Relation to head")),
    Column(CITIZEN_ID, "Số CCCD", ("CCCD", "Số định danh", "CMND/CCCD", "Số CMND/CCCD", "CCCD/CMND",
                                   "Số CCCD/CMND", "Số định danh cá nhân", "Số ĐDCN", "ĐDCN", "Số CMND", "CMND",
                                   "Citizen ID")),
    Column(PHONE, "Số điện thoại", ("SĐT", "Điện thoại", "Số ĐT", "Điện thoại liên hệ", "Phone")),
    Column(VILLAGE, "Thôn", ("Xóm", "Ấp", "Bản", "Tổ dân phố", "TDP", "Thôn/xóm", "Thôn, xóm", "Thôn/tổ",
                             "Thôn/tổ dân phố", "Thôn/bản", "Thôn/ấp", "Khu phố", "Village")),
    Column(COMMUNE, "Xã", ("Phường", "Xã/phường", "Phường/xã", "Đặc khu", "Commune")),
    Column(ADDRESS, "Địa chỉ", ("Địa chỉ thường trú", "Nơi thường trú", "HKTT", "Hộ khẩu thường trú",
                                "Chỗ ở hiện nay", "Nơi ở", "Nơi ở hiện nay", "Địa chỉ hiện nay", "Address")),
    Column(ETHNICITY, "Dân tộc", ("Ethnicity",)),
    Column(STATUS, "Tình trạng", ("Tình trạng cư trú", "Status")),
    Column("smartphone", "Có điện thoại thông minh", ("Điện thoại thông minh", "Smartphone")),
    Column("internet", "Có Internet tại nhà", ("Internet tại nhà", "Internet")),
    Column("vneid_level2", "VNeID mức 2", ("Định danh điện tử mức 2", "VNeID", "VNeID level 2")),
    Column("online_public_services", "Dịch vụ công trực tuyến", ("Sử dụng dịch vụ công trực tuyến", "DVC trực tuyến")),
    Column("payment_account", "Thanh toán không dùng tiền mặt", ("Tài khoản thanh toán", "Ví điện tử")),
    Column("ecommerce", "Mua bán trực tuyến", ("Thương mại điện tử",)),
    Column("ehealth_record", "Sổ sức khỏe điện tử", ("Hồ sơ sức khỏe điện tử",)),
    Column("digital_signature", "Chữ ký số", ("Chữ ký điện tử",)),
    Column("scam_awareness", "Nhận biết lừa đảo trực tuyến", ("Nhận biết lừa đảo",)),
    Column("skill_public_services", "Kỹ năng dịch vụ công trực tuyến", ("Kỹ năng dịch vụ công",)),
    Column("skill_shopping", "Kỹ năng mua sắm trực tuyến", ("Kỹ năng mua sắm",)),
    Column("skill_payment", "Kỹ năng thanh toán trực tuyến", ("Kỹ năng thanh toán",)),
    Column("skill_safety", "Kỹ năng tự bảo vệ trên mạng", ("Kỹ năng an toàn trên mạng",)),
    Column("skill_local_platforms", "Kỹ năng nền tảng số địa phương", ("Kỹ năng nền tảng số",)),
    Column(BASIC_SKILLS_ALL, "Kỹ năng số cơ bản", ("Thành thạo 5 kỹ năng số cơ bản", "Thành thạo kỹ năng số")),
]
COLUMN_OF = {c.field: c for c in COLUMNS}
# Fields only read, never written: the exporter and the template keep GõCửa's own layout.
READ_ONLY_FIELDS = (HOUSEHOLD_NO, HEAD_NAME, BIRTH_YEAR_MALE, BIRTH_YEAR_FEMALE, GENDER_MALE, GENDER_FEMALE,
                    VILLAGE, COMMUNE, ETHNICITY)
# What export and the template write: every column but the year-only and all-skills shortcuts.
EXPORT_FIELDS = [c.field for c in COLUMNS if c.field not in (BIRTH_YEAR, BASIC_SKILLS_ALL, *READ_ONLY_FIELDS)]
INDICATOR_FIELDS = set(INDICATOR_NAMES)
assert set(EXPORT_FIELDS) >= INDICATOR_FIELDS

# The fields an officer can map a column to, with their labels, in the order of the mapping select.
FIELD_LABELS = {
    HOUSEHOLD_KEY: _("Household key"),
    HOUSEHOLD_NO: _("Household number in the list (STT hộ)"),
    HEAD_NAME: _("Name of the head of household"),
    FULL_NAME: _("Full name"),
    BIRTH_DATE: _("Date of birth"),
    BIRTH_YEAR: _("Year of birth"),
    BIRTH_YEAR_MALE: _("Year of birth, male"),
    BIRTH_YEAR_FEMALE: _("Year of birth, female"),
    GENDER: _("Gender"),
    GENDER_MALE: _("Male (mark)"),
    GENDER_FEMALE: _("Female (mark)"),
    RELATION: _("Relation to the head of household"),
    CITIZEN_ID: _("Citizen ID"),
    PHONE: _("Phone"),
    VILLAGE: _("Village (thôn, xóm, tổ dân phố)"),
    COMMUNE: _("Commune or ward"),
    ADDRESS: _("Address"),
    ETHNICITY: _("Ethnicity"),
    STATUS: _("Residence status"),
    **INDICATOR_LABELS,
    BASIC_SKILLS_ALL: _("All five basic digital skills"),
}
FIELDS: list[tuple[str, str]] = [(c.field, FIELD_LABELS[c.field]) for c in COLUMNS]
assert len(FIELD_LABELS) == len(COLUMNS)


def header_key(text) -> str:
    """Return a header reduced to letters and digits, without case or diacritics ("Họ và tên" → "hovaten")."""
    return re.sub(r"[^a-z0-9]", "", fold(str(text or "")))


_EXACT = {header_key(name): c.field for c in COLUMNS for name in (c.header, *c.synonyms)}
_PREFIXES = sorted(((k, f) for k, f in _EXACT.items() if len(k) >= 5), key=lambda kv: -len(kv[0]))


def field_of_header(text) -> str | None:
    """Return the field a header names, or None: exact match first, then the longest known prefix."""
    key = header_key(text)
    if not key:
        return None
    if key in _EXACT:
        return _EXACT[key]
    # "Số CCCD/Số định danh", "Năm sinh (yyyy)": the name the officer added to is still ours.
    return next((field for prefix, field in _PREFIXES if key.startswith(prefix)), None)


# --- cell vocabularies -----------------------------------------------------------------------

YES_MARKS = {"x", "co", "1", "yes", "y", "✓", "✔", "v", "da", "true", "dung", "ok"}
NO_MARKS = {"khong", "k", "0", "no", "n", "✗", "✘", "chua", "false"}
UNKNOWN_MARKS = {"", "?", "-", "khong ro", "chua ro", "chua biet"}
MARK_OUT = {Tri.YES: "x", Tri.NO: "không", Tri.UNKNOWN: ""}


@lru_cache(maxsize=1024)
def mark_value(cell) -> int | None:
    """Return Tri for a yes/no mark (empty → unknown), or None when the mark is not one we know."""
    if isinstance(cell, bool):
        return Tri.YES if cell else Tri.NO
    if isinstance(cell, int | float) and cell in (0, 1):
        return Tri.YES if cell == 1 else Tri.NO
    return _mark_text(str(cell if cell is not None else ""))


@lru_cache(maxsize=4096)
def _mark_text(cell: str) -> int | None:
    # Cached: a roster holds a few distinct marks in 14 columns of every row.
    text = fold(cell).strip(" .")
    if text in YES_MARKS:
        return Tri.YES
    if text in NO_MARKS:
        return Tri.NO
    if text in UNKNOWN_MARKS:
        return Tri.UNKNOWN
    return None


GENDER_WORDS = {"nam": "male", "trai": "male", "m": "male", "male": "male",
                "nu": "female", "gai": "female", "f": "female", "female": "female"}
GENDER_OUT = {"male": "Nam", "female": "Nữ"}

R = Resident.Relation
# Exact words (with diacritics) first: "bà" is a grandmother; "ba" without diacritics could be
# "bà" or the southern "ba" (father), so it is refused rather than guessed.
RELATION_EXACT = {"bà": R.GRANDPARENT, "bố": R.FATHER, "cha": R.FATHER, "má": R.MOTHER, "mạ": R.MOTHER}
RELATION_FOLDED = {
    "chu ho": R.HEAD, "ch": R.HEAD, "head": R.HEAD,
    "vo": R.WIFE, "wife": R.WIFE, "chong": R.HUSBAND, "husband": R.HUSBAND,
    "con": R.CHILD, "con trai": R.CHILD, "con gai": R.CHILD, "con nuoi": R.CHILD, "child": R.CHILD,
    "bo": R.FATHER, "cha": R.FATHER, "father": R.FATHER, "bo de": R.FATHER,
    "me": R.MOTHER, "ma": R.MOTHER, "mother": R.MOTHER, "me de": R.MOTHER,
    "chau": R.GRANDCHILD, "chau noi": R.GRANDCHILD, "chau ngoai": R.GRANDCHILD, "grandchild": R.GRANDCHILD,
    "ong": R.GRANDPARENT, "ong noi": R.GRANDPARENT, "ong ngoai": R.GRANDPARENT, "ba noi": R.GRANDPARENT,
    "ba ngoai": R.GRANDPARENT, "ong/ba": R.GRANDPARENT, "ong ba": R.GRANDPARENT, "grandparent": R.GRANDPARENT,
    "anh": R.SIBLING, "chi": R.SIBLING, "em": R.SIBLING, "anh trai": R.SIBLING, "chi gai": R.SIBLING,
    "em trai": R.SIBLING, "em gai": R.SIBLING, "anh/chi/em": R.SIBLING, "sibling": R.SIBLING,
    "con dau": R.CHILD_IN_LAW, "con re": R.CHILD_IN_LAW, "con dau/con re": R.CHILD_IN_LAW,
    "child_in_law": R.CHILD_IN_LAW,
    "khac": R.OTHER, "other": R.OTHER, "nguoi o nho": R.OTHER, "o nho": R.OTHER,
}
RELATION_OUT = {
    R.HEAD: "Chủ hộ", R.WIFE: "Vợ", R.HUSBAND: "Chồng", R.CHILD: "Con", R.FATHER: "Bố", R.MOTHER: "Mẹ",
    R.GRANDCHILD: "Cháu", R.GRANDPARENT: "Ông/Bà", R.SIBLING: "Anh/chị/em", R.CHILD_IN_LAW: "Con dâu/con rể",
    R.OTHER: "Khác",
}
# Relations that say the gender when the gender column is missing or empty.
GENDER_OF_RELATION = {R.WIFE: "female", R.MOTHER: "female", R.HUSBAND: "male", R.FATHER: "male"}
GENDER_OF_RELATION_WORD = {"con trai": "male", "con gai": "female", "ong": "male",
                           "anh trai": "male", "em trai": "male", "chi gai": "female", "em gai": "female",
                           "chi": "female", "con re": "male", "con dau": "female"}

S = Resident.Status
STATUS_WORDS = {
    "dang o": S.LIVING, "thuong tru": S.LIVING, "o nha": S.LIVING, "living": S.LIVING, "co mat": S.LIVING,
    "di lam an xa": S.AWAY, "di lam xa": S.AWAY, "vang": S.AWAY, "tam vang": S.AWAY, "away": S.AWAY,
    "da chuyen di": S.MOVED_OUT, "chuyen di": S.MOVED_OUT, "moved out": S.MOVED_OUT, "moved_out": S.MOVED_OUT,
    "da mat": S.DECEASED, "mat": S.DECEASED, "da chet": S.DECEASED, "deceased": S.DECEASED,
}
STATUS_OUT = {S.LIVING: "Đang ở", S.AWAY: "Đi làm ăn xa", S.MOVED_OUT: "Đã chuyển đi", S.DECEASED: "Đã mất"}

ALL_SKILLS = list(BASIC_SKILLS)
