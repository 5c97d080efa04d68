import pytest

from gocua.lib import phone, vnfonts


@pytest.mark.parametrize("typed", ["+84 912 345 678", "84912345678", "0912.345.678", "(0912) 345 678", "912345678",
                                   "0912-345-678", "+84912345678", "0084 912 345 678"])
def test_a_mobile_number_is_read_however_it_was_typed(typed):
    assert phone.normalise(typed) == "0912345678"


@pytest.mark.parametrize(("old", "new"), [("01629123456", "0329123456"), ("0162 912 3456", "0329123456"),
                                         ("01234567890", "0834567890"), ("01206543210", "0706543210"),
                                         ("01868765432", "0568765432"), ("01991234567", "0591234567"),
                                         ("+84 162 912 3456", "0329123456"), ("1629123456", "0329123456")])
def test_an_eleven_digit_number_renumbered_in_2018_becomes_todays_number(old, new):
    assert phone.normalise(old) == new


@pytest.mark.parametrize("bad", ["12345", "+1 202 555 0143", "0912 345", "gọi sau", "01701234567"])
def test_what_is_not_a_vietnamese_number_is_refused(bad):
    with pytest.raises(phone.PhoneError):
        phone.normalise(bad)


def test_a_hanoi_landline_is_not_mistaken_for_an_old_mobile():
    assert phone.national_digits("024 3825 1234") == "02438251234"


def test_tcvn3_text_is_converted_to_unicode():
    assert vnfonts.from_tcvn3("NguyÔn V¨n Tr\xadêng") == "Nguyễn Văn Trường"
    assert vnfonts.from_tcvn3("Th«n Th¸p H¹, x· §an Ph\xadîng") == "Thôn Tháp Hạ, xã Đan Phượng"


def test_vni_text_is_converted_to_unicode_in_both_cases():
    assert vnfonts.from_vni("Nguyeãn Vaên Tröôøng") == "Nguyễn Văn Trường"
    assert vnfonts.from_vni("ÑAN PHÖÔÏNG") == "ĐAN PHƯỢNG"
    assert vnfonts.from_vni("Ñoã Thò Kieàu Oanh") == "Đỗ Thị Kiều Oanh"


def test_the_encoding_of_a_sheet_is_detected_from_its_cells_and_unicode_is_left_alone():
    assert vnfonts.detect(["Hä vµ tªn", "NguyÔn V¨n An", "1980"]) == vnfonts.TCVN3
    assert vnfonts.detect(["Hoï vaø teân", "Nguyeãn Vaên An"]) == vnfonts.VNI
    assert vnfonts.detect(["Họ và tên", "Lê Anh", "José"]) is None
    convert = vnfonts.converter(vnfonts.TCVN3)
    assert convert("Lª Anh") == "Lê Anh" and convert("Nguyễn Văn An") == "Nguyễn Văn An" and convert("An") == "An"
    assert vnfonts.converter(None) is None


def test_the_fast_mobile_path_agrees_with_libphonenumber_on_every_prefix():
    # normalise() answers ordinary 10-digit numbers from libphonenumber's own mobile pattern; a full
    # parse must give the same answer for every 4-digit prefix (valid, invalid, landline-shaped).
    import phonenumbers

    def full_parse(text):
        try:
            parsed = phonenumbers.parse(phone.national_digits(text), "VN")
        except phonenumbers.NumberParseException:
            return None
        valid = parsed.country_code == 84 and phonenumbers.is_valid_number(parsed)
        return "0" + str(parsed.national_number) if valid else None

    checked = 0
    for prefix in range(1000):
        for tail in ("000000", "123456", "999999"):
            text = f"0{prefix:03d}{tail}"
            try:
                fast = phone.normalise(text)
            except phone.PhoneError:
                fast = None
            assert fast == full_parse(text), text
            checked += fast is not None
    assert checked > 300  # the mobile ranges (03x, 05x, 07x, 08x, 09x) were really exercised
