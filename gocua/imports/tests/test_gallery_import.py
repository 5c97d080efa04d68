"""The gallery of real-world rosters through the officer's flow: upload, preview, confirm, re-upload.

The expected figures are test_gallery.py's (written by hand); here each file goes through the
stored plan and the pages, and the preview's figures must add up.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from gocua import testing as f
from gocua.households.models import Household, Resident
from gocua.imports import services
from gocua.imports.models import ImportBatch
from gocua.imports.tests.test_gallery import CASES

pytestmark = pytest.mark.django_db


def preview(officer, data: bytes, filename: str) -> ImportBatch:
    return services.import_start(actor=officer, commune=f.unit("09784"), filename=filename, data=data,
                                 background=False)


@pytest.mark.parametrize("name", list(CASES))
def test_each_roster_previews_with_figures_that_add_up_and_imports_from_the_stored_plan_once(world, officer, name):
    case = CASES[name]
    data = case.build()
    before = Resident.objects.count(), Household.objects.count()
    batch = preview(officer, data, case.filename)
    s, columns = batch.summary, batch.summary["columns"]
    assert columns["sheet"] == case.sheet
    assert [tuple(pair) for pair in columns["skipped_rows"]] == case.skipped
    assert columns["rows_read"] == s["valid_rows"] + s["problem_rows"] + columns["skipped"]
    assert {p["row"] for p in batch.problems} == case.problem_rows
    done = services.import_confirm(actor=officer, batch=batch, background=False)
    assert done.result["replanned"] == ""  # the preview's plan was applied
    assert Resident.objects.count() == before[0] + len(case.residents)
    assert Household.objects.count() == before[1] + case.households

    second = preview(officer, data, case.filename)
    assert second.summary["households"]["new"] == second.summary["residents"]["new"] == 0
    again = services.import_confirm(actor=officer, batch=second, background=False)
    assert again.result["households_created"] == again.result["residents_created"] == 0
    assert Resident.objects.count() == before[0] + len(case.residents)
    assert Household.objects.count() == before[1] + case.households


@pytest.mark.vietnamese
def test_the_preview_page_lists_each_skipped_row_with_its_reason_in_vietnamese(client, world, officer):
    case = CASES["bands_repeated_header_note_and_footer_with_signatures"]
    client.force_login(officer)
    with translation.override("vi"):
        response = client.post("/imports/", {"file": SimpleUploadedFile(case.filename, case.build())},
                               HTTP_ACCEPT_LANGUAGE="vi")
        page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Các dòng bỏ qua và lý do" in page
    assert "<td class=\"num\">7</td><td>dòng tiêu đề lặp lại</td>" in page
    assert "<td class=\"num\">11</td><td>phần ký tên dưới danh sách</td>" in page
    assert "dòng đã đọc = " in page
