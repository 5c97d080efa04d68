"""Columns are recognised by their whole label, the most specific field first."""

import pytest

from gocua.imports import layout


@pytest.mark.parametrize(("label", "field"), [
    ("Họ tên chủ hộ", layout.HEAD_NAME), ("Họ và tên chủ hộ", layout.HEAD_NAME), ("Chủ hộ", layout.HEAD_NAME),
    ("HỌ VÀ TÊN", layout.FULL_NAME), ("Họ tên", layout.FULL_NAME), ("Tên", layout.FULL_NAME),
    ("Giới", layout.GENDER), ("GT", layout.GENDER), ("Phái", layout.GENDER),
    ("Nam", layout.GENDER_MALE), ("Nữ", layout.GENDER_FEMALE),
    ("Năm sinh / Nam", layout.BIRTH_YEAR_MALE), ("Năm sinh / Nữ", layout.BIRTH_YEAR_FEMALE),
    ("Quan hệ với CH", layout.RELATION), ("QH với chủ hộ", layout.RELATION), ("Quan hệ với chủ hộ", layout.RELATION),
    ("QHVCH", layout.RELATION),
    ("Số ĐDCN", layout.CITIZEN_ID), ("CCCD/CMND", layout.CITIZEN_ID), ("Số CMND", layout.CITIZEN_ID),
    ("NS", layout.BIRTH_YEAR), ("Năm sinh", layout.BIRTH_YEAR), ("Ngày, tháng, năm sinh", layout.BIRTH_DATE),
    ("Thôn", layout.VILLAGE), ("Xóm", layout.VILLAGE), ("Ấp", layout.VILLAGE), ("Bản", layout.VILLAGE),
    ("Tổ dân phố", layout.VILLAGE), ("Thôn/xóm", layout.VILLAGE), ("Thôn/tổ", layout.VILLAGE),
    ("Địa chỉ thường trú", layout.ADDRESS), ("Nơi thường trú", layout.ADDRESS), ("HKTT", layout.ADDRESS),
    ("Chỗ ở hiện nay", layout.ADDRESS), ("Dân tộc", layout.ETHNICITY), ("STT hộ", layout.HOUSEHOLD_NO),
    ("Xã", layout.COMMUNE), ("Mã hộ", layout.HOUSEHOLD_KEY),
])
def test_the_synonyms_of_the_issue_are_recognised(label, field):
    assert layout.field_of_header(label) == field


def test_the_most_specific_label_wins_over_a_shorter_one_it_begins_with():
    assert layout.field_of_header("Họ và tên chủ hộ (ghi rõ)") == layout.HEAD_NAME
    assert layout.field_of_header("Họ và tên người dân") == layout.FULL_NAME
    assert layout.field_of_header("Ngày tháng năm sinh (dd/mm/yyyy)") == layout.BIRTH_DATE


def test_labels_that_name_nothing_are_ignored():
    assert {layout.field_of_header(t) for t in ["STT", "TT", "Ghi chú", "", "Nghề nghiệp"]} == {None}


def test_every_field_has_a_label_for_the_mapping_select_and_the_export_layout_is_unchanged():
    assert [name for name, _label in layout.FIELDS] == [c.field for c in layout.COLUMNS]
    assert all(str(label) for _name, label in layout.FIELDS)
    assert not set(layout.READ_ONLY_FIELDS) & set(layout.EXPORT_FIELDS)
    assert layout.EXPORT_FIELDS[:8] == ["household_key", "full_name", "birth_date", "gender", "relation",
                                        "citizen_id", "phone", "address"]
