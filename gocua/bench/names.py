"""Plausible Vietnamese names, phone numbers and village names for demo and generated data.

Everything here draws from a `random.Random` passed in, so a seed gives the same names.
"""

import random

# Family names with rough national shares (Nguyễn alone is about 38 %).
FAMILY_NAMES: list[tuple[str, int]] = [
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 35),
    ("Huỳnh", 15),
    ("Phan", 45),
    ("Vũ", 25),
    ("Võ", 14),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Đào", 6),
    ("Đinh", 6),
    ("Trương", 5),
    ("Lương", 4),
    ("Mai", 4),
    ("Tạ", 3),
    ("Chu", 3),
    ("Kiều", 2),
]
_FAMILY, _FAMILY_WEIGHTS = zip(*FAMILY_NAMES, strict=True)

MIDDLE_MALE = [
    "Văn",
    "Văn",
    "Văn",
    "Đức",
    "Minh",
    "Quang",
    "Hữu",
    "Công",
    "Xuân",
    "Thanh",
    "Ngọc",
    "Đình",
    "Tiến",
]
MIDDLE_FEMALE = [
    "Thị",
    "Thị",
    "Thị",
    "Thu",
    "Ngọc",
    "Thanh",
    "Minh",
    "Phương",
    "Hồng",
    "Thùy",
    "Kim",
    "Bích",
    "Mai",
]
# Younger generations rarely get "Văn"/"Thị"; these lists are used for people born after 1995.
MIDDLE_MALE_YOUNG = ["Minh", "Đức", "Gia", "Quang", "Anh", "Hoàng", "Tuấn", "Văn", "Bảo", "Trung", "Hải"]
MIDDLE_FEMALE_YOUNG = ["Thu", "Ngọc", "Phương", "Minh", "Thảo", "Khánh", "Bảo", "Thị", "Hà", "Thanh", "Diệu"]

GIVEN_MALE = (
    "An Bình Cường Dũng Đức Hải Hùng Huy Khánh Long Minh Nam Phong Quân Sơn Thắng Thành Tiến Trung Tuấn "
    "Việt Vinh Hiếu Hoàng Kiên Lâm Mạnh Nghĩa Phúc Quang Tâm Toàn Trường Tùng Đạt Duy Hưng Khoa Lợi Nhân "
    "Chiến Công Định Giang Hậu Lộc Quý Tài Thịnh Tú"
).split()
GIVEN_FEMALE = (
    "Anh Chi Dung Giang Hà Hạnh Hằng Hoa Hương Huyền Lan Linh Loan Mai My Nga Ngân Ngọc Nhung Oanh "
    "Phương Quỳnh Thảo Thủy Trang Tuyết Vân Yến Hiền Liên Hồng Lý Thơm Lụa Nhàn Đào Xuân Hạnh Vy Trâm"
).split()
GIVEN_MALE_YOUNG = (
    "An Bảo Khang Minh Nam Phúc Quân Khôi Đăng Huy Long Duy Kiên Hiếu Tuấn Hoàng Lâm Phong Vinh".split()
)
GIVEN_FEMALE_YOUNG = (
    "An Chi Hà Linh My Ngân Ngọc Nhi Quỳnh Thảo Trang Vy Anh Hân Khánh Mai Trâm Yến Diệp".split()
)

# Mobile prefixes of Viettel, VinaPhone, MobiFone, Vietnamobile and Gmobile that libphonenumber
# accepts for any 7-digit subscriber number (checked in the tests).
MOBILE_PREFIXES = (
    "086 096 097 098 032 033 034 035 036 037 038 039 088 091 094 081 082 083 084 085 "
    "090 093 070 076 077 078 079 092 056 058 099 059"
).split()

VILLAGE_STEMS = (
    "Đông Tây Nam Bắc Trung Thượng Hạ An Phú Tân Hòa Bình Lạc Đồng Yên Mỹ Phước Thịnh Vĩnh Hưng "
    "Thuận Phong Thanh Hội Cầu Chợ Đình Gò Bến Lương Quang Minh Hạnh Đại Tiền Hậu"
).split()
BAN_STEMS = "Na Pá Huổi Nà Khau Phiêng Co Nậm Lũng Tà Pác Bó".split()
BAN_ENDINGS = "Hẩu Khoang Sáng Cang Ngòa Mường Lạn Luông Phạ Pục Tòng Xa".split()


def family_name(rng: random.Random) -> str:
    return rng.choices(_FAMILY, _FAMILY_WEIGHTS)[0]


def person_name(rng: random.Random, gender: str, birth_year: int, family: str | None = None) -> str:
    """Return a full name "Family Middle Given" fitting the gender and generation."""
    young = birth_year >= 1995
    female = gender == "female"
    if female:
        middle = rng.choice(MIDDLE_FEMALE_YOUNG if young else MIDDLE_FEMALE)
        given = rng.choice(GIVEN_FEMALE_YOUNG if young else GIVEN_FEMALE)
    else:
        middle = rng.choice(MIDDLE_MALE_YOUNG if young else MIDDLE_MALE)
        given = rng.choice(GIVEN_MALE_YOUNG if young else GIVEN_MALE)
    if middle == given:
        middle = "Thị" if female else "Văn"
    return f"{family or family_name(rng)} {middle} {given}"


def mobile_phone(rng: random.Random) -> str:
    """Return a valid Vietnamese mobile number in national form (10 digits)."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10_000_000):07d}"


def village_name(rng: random.Random, kind: str, seq: int) -> str:
    """Return a village name of `kind`; `seq` numbers the common "Thôn 3" / "Tổ dân phố 12" style."""
    numbered = rng.random() < (0.7 if kind == "to_dan_pho" else 0.35)
    prefix = {"thon": "Thôn", "ap": "Ấp", "ban": "Bản", "to_dan_pho": "Tổ dân phố"}[kind]
    if numbered:
        return f"{prefix} {seq}"
    if kind == "ban":
        return f"{prefix} {rng.choice(BAN_STEMS)} {rng.choice(BAN_ENDINGS)}"
    first, second = rng.sample(VILLAGE_STEMS, 2)
    return f"{prefix} {first}" if rng.random() < 0.4 else f"{prefix} {first} {second}"
