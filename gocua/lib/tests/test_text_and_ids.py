import pytest

from gocua.lib import citizen_id, phone
from gocua.lib.text import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Tháp Thượng", "thap thuong"),
        ("Nguyễn Văn Trường", "nguyen van truong"),
        ("Đan Phượng", "dan phuong"),
        ("  ĐẶC   KHU  ", "dac khu"),
        ("Thượng".encode().decode(), "thuong"),
    ],
)
def test_fold_strips_diacritics_and_case(text, folded):
    assert fold(text) == folded


def test_fold_treats_nfd_input_like_nfc():
    import unicodedata

    assert fold(unicodedata.normalize("NFD", "Trường")) == fold("Trường") == "truong"


def test_citizen_id_accepts_a_consistent_number():
    assert citizen_id.validate("001 080 012345", gender="male", birth_year=1980) == "001080012345"
    assert citizen_id.validate("079305001234", gender="female", birth_year=2005) == "079305001234"


@pytest.mark.parametrize(
    ("number", "gender", "year", "code"),
    [
        ("00108001234", "male", 1980, "citizen_id_length"),
        ("00108001234a", "male", 1980, "citizen_id_digits"),
        ("003080012345", "male", 1980, "citizen_id_province"),  # 03 is not a legacy province code
        ("101080012345", "male", 1980, "citizen_id_province"),
        ("001180012345", "male", 1980, "citizen_id_gender_century"),  # 1 = female, 1900s
        ("001081012345", "male", 1980, "citizen_id_birth_year"),
        ("001280012345", "male", 1980, "citizen_id_gender_century"),  # 2 = male, 2000s
    ],
)
def test_citizen_id_rejects_inconsistent_numbers(number, gender, year, code):
    with pytest.raises(citizen_id.CitizenIdError) as err:
        citizen_id.validate(number, gender=gender, birth_year=year)
    assert err.value.code == code


def test_citizen_id_mask_keeps_three_digits_each_side():
    assert citizen_id.mask("001080012345") == "001******345"


def test_phone_normalises_vietnamese_mobile_numbers():
    assert phone.normalise("+84 912 345 678") == "0912345678"
    assert phone.normalise("0912345678") == "0912345678"


@pytest.mark.parametrize("bad", ["12345", "abc", "+1 202 555 0100", "0999"])
def test_phone_rejects_invalid_numbers(bad):
    with pytest.raises(phone.PhoneError):
        phone.normalise(bad)
