import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.errors import DomainError, Forbidden
from gocua.learning import stats
from gocua.learning.course_import import course_import
from gocua.learning.models import Enrolment

pytestmark = pytest.mark.django_db
COURSE = "Kỹ năng số cơ bản cho người dân"
HEADER = ["STT", "Họ và tên", "Số định danh cá nhân/CCCD", "Số điện thoại", "Tên khóa học", "Trạng thái",
          "Ngày đăng ký", "Ngày hoàn thành", "Số chứng chỉ", "Ngày cấp chứng chỉ"]


def export(rows) -> bytes:
    """Build a workbook the way the platform exports it: a title, a blank row, the header, the learners."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách học viên"
    sheet.append(["DANH SÁCH HỌC VIÊN THAM GIA KHÓA HỌC - BÌNH DÂN HỌC VỤ SỐ"])
    sheet.append([])
    sheet.append(HEADER)
    for i, row in enumerate(rows, start=1):
        sheet.append([i, *row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def people(world):
    h = f.make_household(world.village, "TT-002")
    mai = f.make_resident(h, full_name="Nguyễn Thị Mai", gender="female", birth_year=1985, relation="head",
                          phone="0912345678")
    # Husband and wife share one phone, as households often do.
    lan = f.make_resident(h, full_name="Phạm Thị Lan", gender="female", birth_year=1960, relation="other",
                          phone="0987654321")
    hung = f.make_resident(h, full_name="Phạm Văn Hùng", gender="male", birth_year=1958, relation="other",
                           phone="0987654321")
    # An old Viettel number typed by the platform as 11 digits (0167… → 037…).
    tuan = f.make_resident(h, full_name="Lê Minh Tuấn", birth_year=1999, relation="other", phone="0371234567")
    return {"mai": mai, "lan": lan, "hung": hung, "tuan": tuan}


def _rows(world):
    done = dt.datetime(2025, 6, 3)
    return [
        # citizen ID typed into a number cell: its leading zeros are lost
        ["Nguyễn Văn Trường", 1080012345, "", COURSE, "Đã hoàn thành", "01/05/2025", done, "BDHVS-2025-000123",
         "05/06/2025"],
        ["NGUYỄN THỊ MAI", "", "+84 912.345.678", COURSE, "Đang học", "02/05/2025", "", "", ""],
        ["Phạm Văn Hùng", "", 987654321, COURSE, "Hoàn thành", "", "04/06/2025", "", ""],
        ["Phạm Thị Hoa", "", "0987 654 321", COURSE, "Đang học", "", "", "", ""],  # shared phone, other name
        ["Le Minh Tuan", "", "(0167) 123 4567", COURSE, "Đã đăng ký", "", "", "", ""],  # no diacritics, old number
        ["Trần Văn Khách", "079090001234", "", COURSE, "Đã đăng ký", "", "", "", ""],  # nobody of this area
        ["Lê Thị Hoa", "", "12345", COURSE, "Đã đăng ký", "", "", "", ""],  # not a phone number
        ["Đỗ Văn Nam", "", "", COURSE, "Đã đăng ký", "", "", "", ""],
        ["Bùi Văn Trường", "", "", "", "", "", "", "", ""],  # nothing but a name (and no course)
    ]


def test_a_course_export_imports_and_matches_by_citizen_id_and_by_phone(world, people):
    officer = world.users["commune_officer"]
    report = course_import(actor=officer, data=export(_rows(world)), filename="hoc-vien.xlsx")
    assert (report.rows, report.created, report.by_citizen_id, report.by_phone) == (9, 4, 1, 3)
    truong = Enrolment.objects.get(resident=world.resident)
    assert (truong.status, truong.certificate_number, truong.certificate_on, truong.completed_on) == (
        "completed", "BDHVS-2025-000123", dt.date(2025, 6, 5), dt.date(2025, 6, 3))
    assert Enrolment.objects.get(resident=people["mai"]).status == "enrolled"
    assert Enrolment.objects.get(resident=people["hung"]).status == "completed"
    assert not Enrolment.objects.filter(resident=people["lan"]).exists()
    assert Enrolment.objects.get(resident=people["tuan"]).source == "import"
    reasons = {u.row: u.reason for u in report.unmatched}
    assert reasons == {7: "name_differs", 9: "not_found", 10: "phone_invalid", 11: "no_id_or_phone",
                       12: "no_id_or_phone"}
    counts = stats.counts(["09784", "01"])
    assert (counts["09784"]["enrolments"], counts["09784"]["completed"], counts["09784"]["certified"]) == (4, 2, 1)
    assert counts["01"] == counts["09784"]
    event = AuditEvent.objects.get(action="courses_imported")
    assert event.detail["created"] == 4 and "Trường" not in str(event.detail)


def test_importing_the_same_export_again_creates_nothing_and_keeps_the_counts(world, people):
    officer = world.users["commune_officer"]
    course_import(actor=officer, data=export(_rows(world)), filename="hoc-vien.xlsx")
    again = course_import(actor=officer, data=export(_rows(world)), filename="hoc-vien.xlsx")
    assert (again.created, again.updated) == (0, 4)
    assert Enrolment.objects.count() == 4
    assert stats.counts(["09784"])["09784"]["enrolments"] == 4 and stats.differences() == []


def test_an_older_export_does_not_take_a_completion_back(world, people):
    officer = world.users["commune_officer"]
    course_import(actor=officer, data=export(_rows(world)[:1]), filename="a.xlsx")
    older = [["Nguyễn Văn Trường", "001080012345", "", COURSE, "Đang học", "01/05/2025", "", "", ""]]
    course_import(actor=officer, data=export(older), filename="b.xlsx")
    row = Enrolment.objects.get(resident=world.resident)
    assert row.status == "completed" and row.certificate_number == "BDHVS-2025-000123"
    assert stats.counts(["09784"])["09784"]["certified"] == 1 and stats.differences() == []


def test_a_utf8_csv_with_semicolons_imports_too(world, people):
    text = ";".join(HEADER) + "\n" + f"1;Nguyễn Thị Mai;;0912-345-678;{COURSE};Hoàn thành;;15/06/2025;;\n"
    report = course_import(actor=world.users["team_leader"], data=("\ufeff" + text).encode(), filename="hv.csv")
    assert report.created == 1 and Enrolment.objects.get().resident == people["mai"]


def test_a_resident_outside_the_area_is_not_matched_even_by_citizen_id(world, people):
    rows = [["Nguyễn Văn Trường", "001080012345", "", COURSE, "Đã đăng ký", "", "", "", ""]]
    report = course_import(actor=world.users["other_commune_officer"], data=export(rows), filename="x.xlsx")
    assert report.created == 0 and [u.reason for u in report.unmatched] == ["not_found"]


def test_a_file_without_the_columns_is_refused_and_a_member_may_not_import(world):
    book = Workbook()
    book.active.append(["Họ và tên", "Năm sinh"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(DomainError) as caught:
        course_import(actor=world.users["commune_officer"], data=out.getvalue(), filename="x.xlsx")
    assert caught.value.code == "course_file_no_header"
    with pytest.raises(Forbidden):
        course_import(actor=world.users["team_member"], data=out.getvalue(), filename="x.xlsx")


def test_the_import_page_lists_unmatched_rows_and_answers_a_bad_file_with_400(world, people):
    client = f.logged_in(world.users["commune_officer"])
    upload = SimpleUploadedFile("hoc-vien.xlsx", export(_rows(world)))
    page = client.post("/learning/import/", {"file": upload})
    assert page.status_code == 200
    assert page.text.count('class="unmatched"') == 5
    assert "under another name" in page.text
    bad = client.post("/learning/import/", {"file": SimpleUploadedFile("hoc-vien.xlsx", b"%PDF-1.4 not a workbook")})
    assert bad.status_code == 400 and Enrolment.objects.count() == 4
    empty = client.post("/learning/import/", {})
    assert empty.status_code == 400
