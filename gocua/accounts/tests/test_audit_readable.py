"""Every write kind lands in the audit log as one readable Vietnamese line, masked, with its unit."""

import csv
import datetime as dt
import io
import uuid

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.households import services as registry
from gocua.households.digital import Tri
from gocua.households.models import Resident
from gocua.imports import services as imports
from gocua.imports.tests.helpers import person, roster, run
from gocua.outreach.models import ServiceItem
from gocua.outreach.services.assignments import assignment_bulk, assignment_remove
from gocua.outreach.services.sessions import session_record
from gocua.outreach.services.visits import visit_correct, visit_delete, visit_record

Action = AuditEvent.Action
AUDIT = reverse("accounts:audit")
CITIZEN_ID = "001085012346"
PHONE = "0912345678"


def _vietnamese(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(user)
    return client


@pytest.fixture
def every_write(world):
    """Perform every kind of audited write through the services, as the people who do them."""
    leader, officer = world.users["team_leader"], world.users["commune_officer"]
    member = world.users["team_member"].member
    household = registry.household_create(actor=leader, village=world.village, household_key="TT-050")
    registry.household_update(actor=leader, household=household, household_key="TT-050", address_line="Xóm Đình")
    head = registry.resident_create(
        actor=leader, household=household, citizen_id_number=CITIZEN_ID,
        data={"full_name": "Trần Văn Anh", "birth_year": 1985, "gender": "male", "relation": "head", "phone": PHONE},
    )
    registry.resident_update(actor=leader, resident=head, data={
        "full_name": "Trần Văn Anh", "birth_year": 1985, "gender": "male", "relation": "head", "phone": "0987654321",
    })
    registry.resident_set_indicators(actor=leader, resident=head, values={"smartphone": Tri.YES})
    child = f.make_resident(household, full_name="Trần Thị Bé", birth_year=2000, gender="female", relation="child")
    registry.resident_move(actor=leader, resident=child, to_household=world.household, moved_on=timezone.localdate())
    registry.resident_update(actor=leader, resident=child, data={
        "full_name": "Trần Thị Bé", "birth_year": 2000, "gender": "female", "relation": "child",
        "status": Resident.Status.MOVED_OUT,
    })
    vneid = ServiceItem.objects.get(code="vneid")
    visit = visit_record(
        actor=world.users["team_member"], uuid=uuid.uuid4(), household=household,
        visited_on=timezone.localdate(), member_ids=[member.pk],
        residents=[{"resident_id": head.pk, "outcomes": [{"item_id": vneid.pk, "outcome": "done"}]}],
    )
    visit_correct(actor=world.users["team_member"], visit=visit, visited_on=timezone.localdate(),
                  member_ids=[member.pk], residents=[{"resident_id": head.pk, "outcomes": []}], reason="nhầm")
    visit_delete(actor=world.users["team_member"], visit=visit, reason="ghi trùng")
    assignment_bulk(actor=leader, team=world.team, households=[household], member=member)
    assignment_remove(actor=leader, team=world.team, households=[household])
    session_record(actor=leader, uuid=uuid.uuid4(), team=world.team, held_on=timezone.localdate(),
                   place="Nhà văn hoá", topic_ids=[vneid.pk], member_ids=[member.pk], unregistered_count=5)
    registry.household_move(actor=officer, household=household, to_village=world.village2,
                            moved_on=timezone.localdate() - dt.timedelta(days=1))
    run(officer, f.unit("09784"), roster(person("TT-077", "Lê Văn Cường", 1970)))
    imports.export_unit(actor=officer, unit=f.unit("09784"), fmt="csv")
    return household


def test_every_write_kind_is_in_the_log_as_a_vietnamese_line_with_personal_data_masked(world, every_write):
    html = _vietnamese(world.users["national_admin"]).get(AUDIT).content.decode()
    for line in [
        "đã đăng ký hộ Trần Văn A. (TT-050)",
        "đã sửa thông tin hộ Trần Văn A. (TT-050)",
        "đã đăng ký nhân khẩu Trần Văn A.",
        "đã sửa thông tin nhân khẩu Trần Văn A.",
        "đã cập nhật chỉ số của Trần Văn A.",
        "đã chuyển nhân khẩu Trần Thị B. sang hộ khác",
        "đã đưa nhân khẩu Trần Thị B. ra khỏi hộ",
        "Trần Thu H. đã ghi lượt hỗ trợ hộ Trần Văn A. (TT-050)",
        "Trần Thu H. đã sửa lượt hỗ trợ hộ Trần Văn A. (TT-050)",
        "Trần Thu H. đã xoá lượt hỗ trợ hộ Trần Văn A. (TT-050)",
        "đã phân công hộ (1 hộ)",
        "đã bỏ phân công (1 hộ)",
        "đã ghi một buổi sinh hoạt cộng đồng",
        "đã chuyển hộ Trần Văn A. (TT-050) sang thôn khác (Thôn Tháp Hạ)",
        "đã nhập danh sách hộ (1 hộ)",
        "đã xuất dữ liệu cá nhân",
        "(Thôn Tháp Thượng)",
    ]:
        assert line in html, line
    assert "Điện thoại: 091****678 → 098****321" in html
    assert "Trạng thái: Đang sống tại đây → Đã chuyển đi" in html
    assert CITIZEN_ID not in html and PHONE not in html and "0987654321" not in html
    assert "Trần Văn Anh" not in html and "{" not in html.split("<tbody>")[1]  # no full name, no raw JSON
    kinds = set(AuditEvent.objects.values_list("action", flat=True))
    assert kinds >= {
        Action.HOUSEHOLD_CREATED, Action.HOUSEHOLD_CHANGED, Action.HOUSEHOLD_MOVED, Action.RESIDENT_CREATED,
        Action.RESIDENT_CHANGED, Action.RESIDENT_MOVED, Action.RESIDENT_REMOVED, Action.INDICATORS_CHANGED,
        Action.VISIT_RECORDED, Action.VISIT_EDITED, Action.VISIT_DELETED, Action.ASSIGNMENT_SET,
        Action.ASSIGNMENT_REMOVED, Action.SESSION_RECORDED, Action.IMPORT_CONFIRMED, Action.EXPORT,
    }


def test_no_event_keeps_a_full_phone_citizen_id_or_name(world, every_write):
    stored = " ".join(str(detail) for detail in AuditEvent.objects.values_list("detail", flat=True))
    assert CITIZEN_ID not in stored and PHONE not in stored and "Trần Văn Anh" not in stored


def test_each_registry_event_carries_its_unit(world, every_write):
    created = AuditEvent.objects.get(action=Action.HOUSEHOLD_CREATED, object_id=str(every_write.pk))
    assert (created.unit_code, created.commune_code, created.province_code) == (world.village.code, "09784", "01")
    moved = AuditEvent.objects.get(action=Action.HOUSEHOLD_MOVED)
    assert moved.unit_code == world.village2.code


def test_the_log_filters_by_unit_actor_kind_and_date(world, every_write):
    admin = _vietnamese(world.users["national_admin"])

    def actions(**params):
        return {row.event.action for row in admin.get(AUDIT, params).context["page"].rows}

    assert actions(unit=world.village2.code) == {Action.HOUSEHOLD_MOVED}
    assert Action.HOUSEHOLD_CREATED in actions(unit="09784") and actions(unit="00004") == set()  # Phường Ba Đình: nothing written there
    assert actions(username=world.users["team_member"].username) == {
        Action.VISIT_RECORDED, Action.VISIT_EDITED, Action.VISIT_DELETED,
    }
    assert actions(action="visit_deleted") == {Action.VISIT_DELETED}
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert actions(date_from=tomorrow) == set()


def test_the_filtered_log_exports_as_csv_and_the_export_is_audited(world, every_write):
    admin = _vietnamese(world.users["national_admin"])
    response = admin.get(reverse("accounts:audit_export"), {"action": "visit_recorded"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and "đã ghi lượt hỗ trợ hộ Trần Văn A. (TT-050)" in rows[1][3]
    exported = AuditEvent.objects.filter(action=Action.EXPORT, object_type="accounts.auditevent").get()
    assert exported.detail["rows"] == 1 and exported.detail["filters"] == {"action": "visit_recorded"}
    assert exported.actor == world.users["national_admin"]


def test_only_national_admins_may_export_the_log(world, every_write):
    response = _vietnamese(world.users["commune_officer"]).get(reverse("accounts:audit_export"))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(object_type="accounts.auditevent").exists()
