import socket

import pytest

from gocua.imports import addresses
from gocua.imports.addresses import FOUND, UNKNOWN, VILLAGE_ONLY, Resolver, resolve


@pytest.fixture(autouse=True)
def _never_convert_address(monkeypatch):
    """The library's converter geocodes split communes online: it must never be called."""
    import vietnamadminunits
    import vietnamadminunits.converter
    import vietnamadminunits.converter.converter_2025 as converter_2025

    def forbidden(*args, **kwargs):
        raise AssertionError("convert_address must not be called")

    monkeypatch.setattr(vietnamadminunits, "convert_address", forbidden)
    monkeypatch.setattr(vietnamadminunits.converter, "convert_address", forbidden)
    monkeypatch.setattr(converter_2025, "convert_address_2025", forbidden)
    monkeypatch.setattr(converter_2025, "get_geo_location", forbidden)


def test_the_network_really_is_blocked_in_these_tests():
    with pytest.raises(OSError):
        socket.create_connection(("example.org", 80), timeout=1)


def test_the_legacy_example_lands_in_thap_thuong_of_xa_dan_phuong():
    res = resolve("Thôn Tháp Thượng, Xã Song Phượng, Huyện Đan Phượng, Hà Nội")
    assert res.kind == FOUND and res.targets == ("09784",)
    assert res.village_text == "Thôn Tháp Thượng" and res.address_line == ""
    assert res.legacy_label == "Xã Song Phượng, Huyện Đan Phượng, Thành phố Hà Nội"


@pytest.mark.parametrize("text", [
    "Thon Thap Thuong, Xa Song Phuong, Huyen Dan Phuong, Ha Noi",
    "thon thap thuong, xa song phuong, dan phuong",
    "THÔN THÁP THƯỢNG, XÃ SONG PHƯỢNG, HUYỆN ĐAN PHƯỢNG, TP HÀ NỘI",
])
def test_the_legacy_example_typed_without_diacritics_or_in_capitals_lands_there_too(text):
    res = resolve(text)
    assert res.targets == ("09784",)
    assert addresses.village_key(res.village_text) == "thap thuong"


def test_a_2025_address_resolves_to_its_commune_with_the_house_number_kept():
    res = resolve("Ngõ 3, Thôn Tháp Thượng, Xã Đan Phượng, Thành phố Hà Nội")
    assert res.kind == FOUND and res.targets == ("09784",) and res.legacy_code == ""
    assert (res.village_text, res.address_line) == ("Thôn Tháp Thượng", "Ngõ 3")


def test_a_commune_named_like_a_legacy_district_is_read_as_a_2025_commune():
    # "Đan Phượng" was a district; "Xã Đan Phượng, Hà Nội" (no district part) is the 2025 commune.
    res = resolve("Xóm 5, Thôn Đông, Xã Đan Phượng, Hà Nội")
    assert res.targets == ("09784",) and res.village_text == "Thôn Đông" and res.address_line == "Xóm 5"


def test_a_split_legacy_commune_gives_every_candidate_with_the_default_first():
    res = resolve("Thôn Bãi Tháp, Xã Hồng Hà, Huyện Đan Phượng, Hà Nội")
    assert res.kind == FOUND
    assert res.targets == ("09817", "09787", "09022", "08980")  # Ô Diên (default), Liên Minh, Mê Linh, Yên Lãng
    assert res.legacy_code == "09796"  # the legacy commune's own code keys the choice
    assert res.village_text == "Thôn Bãi Tháp"


def test_a_split_commune_with_a_village_before_it_is_not_geocoded():
    # This is the case where convert_address would call the online geocoder.
    res = resolve("Thôn 2, Thị trấn Tây Đằng, Huyện Ba Vì, Hà Nội")
    assert res.targets == ("09661", "09619")


def test_a_village_alone_is_in_the_commune_being_imported_into():
    assert resolve("Thôn Tháp Thượng") == addresses.Resolution(VILLAGE_ONLY, village_text="Thôn Tháp Thượng")
    res = resolve("Số 5, Thôn Tháp Thượng")
    assert (res.kind, res.village_text, res.address_line) == (VILLAGE_ONLY, "Thôn Tháp Thượng", "Số 5")


def test_an_address_without_a_known_commune_is_unknown():
    assert resolve("Thôn Tháp Thượng, Xã Không Có, Huyện Nào Đó, Hà Nội").kind == UNKNOWN
    assert resolve("").kind == UNKNOWN


def test_each_distinct_address_is_resolved_once(monkeypatch):
    calls = []
    real = addresses.resolve
    monkeypatch.setattr(addresses, "resolve", lambda text: calls.append(text) or real(text))
    resolver = Resolver()
    for _ in range(50):
        resolver("Thôn Tháp Thượng, Xã Song Phượng, Huyện Đan Phượng, Hà Nội")
        resolver("Thôn  Tháp Thượng,  Xã Song Phượng, Huyện Đan Phượng, Hà Nội ")  # same once spaces are cleaned
        resolver("Thôn Tháp Hạ, Xã Đan Phượng, Hà Nội")
    assert len(calls) == 2
    again = Resolver(resolver.dump())  # the cache travels with the stored upload
    again("Thôn Tháp Hạ, Xã Đan Phượng, Hà Nội")
    assert len(calls) == 2


@pytest.mark.parametrize(("name", "key"), [
    ("Thôn Tháp Thượng", "thap thuong"), ("thon thap thuong", "thap thuong"), ("Tháp Thượng", "thap thuong"),
    ("Tổ dân phố số 5", "5"), ("TDP 5", "5"), ("Tổ 5", "5"), ("Ấp 3", "3"),
])
def test_village_names_match_without_diacritics_or_kind_word(name, key):
    assert addresses.village_key(name) == key


def test_the_kind_of_a_new_village_comes_from_its_name_or_the_commune():
    assert addresses.village_kind("Ấp Bình An", "xa") == "ap"
    assert addresses.village_kind("Bản Mường", "xa") == "ban"
    assert addresses.village_kind("TDP 3", "phuong") == "to_dan_pho"
    assert addresses.village_kind("Khu 3", "phuong") == "to_dan_pho"
    assert addresses.village_kind("Đồng Xa", "xa") == "thon"
