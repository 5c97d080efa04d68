"""Django admin: national admins only, read-only, and no personal data beyond the masked forms."""

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from gocua import testing as f
from gocua.accounts.models import AuditEvent, Role
from gocua.accounts.services import audit_record


def _request_for(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.fixture
def admin_client(world, client_as):
    return client_as(world.users["national_admin"])


def test_a_national_admin_reaches_the_admin(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "/admin/households/resident/" in response.content.decode()


@pytest.mark.parametrize("role", ["province_officer", "commune_officer", "team_leader", "team_member"])
def test_other_roles_are_sent_away_from_the_admin(world, client_as, role):
    client = client_as(world.users[role])
    for url in ("/admin/", "/admin/accounts/user/", "/admin/households/resident/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
    login = client.get("/admin/login/?next=/admin/")
    assert login.status_code == 302 and login.url == f"{reverse('web:login')}?next=/admin/"


def test_a_staff_flag_alone_does_not_open_the_admin(world, client_as):
    sneaky = f.make_user(Role.COMMUNE_OFFICER, "09784")
    sneaky.is_staff = sneaky.is_superuser = True  # as if someone set the flags behind the services' back
    sneaky.save(update_fields=["is_staff", "is_superuser"])
    assert client_as(sneaky).get("/admin/").status_code == 302


def test_anonymous_visitors_log_in_through_the_audited_page(db):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.url == f"{reverse('web:login')}?next=/admin/"


def test_every_registered_model_lists_and_shows_for_a_national_admin(world, admin_client):
    audit_record(actor=world.users["commune_officer"], action=AuditEvent.Action.LOGIN)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("places", "accounts", "teams", "households"):
            continue
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        assert admin_client.get(changelist, {"q": "09784"}).status_code == 200, changelist
        obj = model_admin.get_queryset(_request_for(world.users["national_admin"])).first()
        if obj is not None:
            change = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
            assert admin_client.get(change).status_code == 200, change


def test_the_models_of_the_four_apps_are_registered():
    labels = {m._meta.label for m in admin.site._registry}
    assert {
        "places.Unit", "accounts.User", "accounts.AuditEvent", "teams.Team", "teams.Member",
        "households.Household", "households.Resident",
    } <= labels


def test_nothing_can_be_added_changed_or_deleted_through_the_admin(world, admin_client):
    event = audit_record(actor=world.users["commune_officer"], action=AuditEvent.Action.LOGIN)
    assert admin_client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    assert admin_client.post(reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    admin_client.post(reverse("admin:accounts_auditevent_change", args=[event.pk]), {"action": "logout"})
    event.refresh_from_db()
    assert event.action == AuditEvent.Action.LOGIN
    member = world.users["team_member"]
    admin_client.post(reverse("admin:accounts_user_change", args=[member.pk]), {"username": member.username, "role": "national_admin"})
    member.refresh_from_db()
    assert member.role == Role.TEAM_MEMBER
    assert admin_client.get(reverse("admin:households_resident_add")).status_code == 403


def test_the_audit_admin_grants_no_write_permission(world):
    request = _request_for(world.users["national_admin"])
    audit_admin = admin.site._registry[AuditEvent]
    assert not audit_admin.has_add_permission(request)
    assert not audit_admin.has_change_permission(request)
    assert not audit_admin.has_delete_permission(request)
    assert audit_admin.has_view_permission(request)


def test_the_resident_admin_shows_only_the_masked_citizen_id_and_phone(world, admin_client):
    resident = f.make_resident(
        world.household, full_name="Nguyễn Thị Lan", gender="female", birth_year=1985, relation="wife",
        citizen_id="001185054321", phone="0912345678",
    )
    html = admin_client.get(reverse("admin:households_resident_change", args=[resident.pk])).content.decode()
    assert resident.citizen_id_masked and resident.citizen_id_masked in html
    assert "001185054321" not in html
    assert resident.citizen_id_encrypted not in html and resident.citizen_id_hash not in html
    assert "0912345678" not in html and "091****678" in html
    listing = admin_client.get(reverse("admin:households_resident_changelist")).content.decode()
    assert resident.citizen_id_masked in listing and "001185054321" not in listing
    assert resident.citizen_id_hash not in listing
