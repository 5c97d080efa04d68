import pytest
from django.urls import reverse

from gocua import testing as f
from gocua.households.models import Assignment
from gocua.households.selectors import UnitCounts
from gocua.places.models import Unit

pytestmark = pytest.mark.django_db

VILLAGE_PAGE_QUERY_CEILING = 12
COMMUNE_PAGE_QUERY_CEILING = 14


def unit_url(code: str) -> str:
    return reverse("web:unit", args=[code])


def counts_by_code(response) -> dict:
    return {child.code: counts for child, counts in response.context["children"]}


def test_commune_page_lists_villages_with_their_counts(world, login):
    response = login("commune_officer").get(unit_url("09784"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Thôn Tháp Thượng" in body and "Thôn Tháp Hạ" in body
    counts = counts_by_code(response)
    assert counts[world.village.code] == UnitCounts(teams=1, members=2, households=1, residents=1)
    assert counts[world.village2.code] == UnitCounts()
    assert reverse("web:village_create", args=["09784"]) in body


def test_children_counts_skip_people_who_moved_out_and_members_who_left(world, login):
    f.make_resident(
        world.household, full_name="Đã Chuyển Đi", relation="child", birth_year=2000, status="moved_out"
    )
    f.make_member(world.team, full_name="Cựu Thành Viên", left_on=world.team.founded_on)
    counts = counts_by_code(login("commune_officer").get(unit_url("09784")))
    assert counts[world.village.code] == UnitCounts(teams=1, members=2, households=1, residents=1)


def test_nation_page_rolls_up_per_province(world, login):
    response = login("national_admin").get(unit_url("VN"))
    counts = counts_by_code(response)
    assert len(counts) == 34
    assert counts["01"] == UnitCounts(teams=1, members=2, households=1, residents=1)
    assert counts["46"] == UnitCounts(teams=0, members=0, households=1, residents=1)  # Huế


def test_province_page_is_paginated_and_counts_the_commune_on_its_page(world, login):
    client = login("province_officer")
    first = client.get(unit_url("01"))
    assert first.context["page_obj"].paginator.num_pages > 1
    assert 'class="pager"' in first.content.decode()
    for number in range(1, first.context["page_obj"].paginator.num_pages + 1):
        counts = counts_by_code(client.get(unit_url("01"), {"page": number}))
        if "09784" in counts:
            break
    assert counts["09784"] == UnitCounts(teams=1, members=2, households=1, residents=1)


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("commune_officer", "19774"),
        ("commune_officer", "00004"),
        ("province_officer", "VN"),
        ("province_officer", "46"),
        ("team_leader", "09784"),
        ("other_commune_officer", "09784"),
    ],
)
def test_units_outside_the_scope_are_not_found(world, login, role, code):
    assert login(role).get(unit_url(code)).status_code == 404


def test_villages_outside_the_scope_are_not_found(world, login):
    client = login("commune_officer")
    assert client.get(unit_url(world.other_province_village.code)).status_code == 404
    assert client.get(unit_url(world.other_commune_village.code)).status_code == 404
    assert client.get(unit_url("nonexistent")).status_code == 404


def test_a_closed_village_is_not_found(world, login):
    # No closing service exists yet (reorganisations are future work); set the end date directly.
    Unit.objects.filter(pk=world.village2.pk).update(valid_to=world.village2.valid_from)
    response = login("commune_officer").get(unit_url(world.village2.code))
    assert response.status_code == 404
    assert "Thôn Tháp Hạ" not in login("commune_officer").get(unit_url("09784")).content.decode()


def test_breadcrumbs_link_only_to_units_in_the_scope(world, login):
    body = login("team_leader").get(unit_url(world.village.code)).content.decode()
    assert "Xã Đan Phượng" in body and "Hà Nội" in body
    assert f'href="{unit_url("09784")}"' not in body
    assert f'href="{unit_url("01")}"' not in body
    admin_body = login("national_admin").get(unit_url(world.village.code)).content.decode()
    assert f'href="{unit_url("09784")}"' in admin_body and f'href="{unit_url("VN")}"' in admin_body


def test_village_page_shows_the_team_and_households(world, login):
    response = login("team_member").get(unit_url(world.village.code))
    body = response.content.decode()
    assert "Tổ CNSCĐ thôn Tháp Thượng" in body
    assert "Bùi Văn Trường" in body and "Trần Thu Hà" in body
    assert "TT-001" in body and "Nguyễn Văn Trường" in body and "Ngõ 3" in body
    assert reverse("web:household_create", args=[world.village.code]) in body
    assert reverse("web:team_create", args=[world.village.code]) not in body
    assert reverse("web:village_rename", args=[world.village.code]) not in body


def test_village_page_masks_member_phones_for_roles_that_do_not_call(world, login):
    f.make_member(world.team, full_name="Phạm Minh Đức", phone="0912345678", strengths=["it_trained"])
    officer = login("commune_officer").get(unit_url(world.village.code)).content.decode()
    analyst = login("province_officer").get(unit_url(world.village.code)).content.decode()
    assert "0912345678" in officer and "IT-trained" in officer
    assert "0912345678" not in analyst and "091****678" in analyst


def test_commune_page_shows_commune_level_teams_and_hides_new_village_from_non_officers(world, login):
    f.make_team(f.unit("09784"), "Tổ CNSCĐ xã Đan Phượng")
    officer = login("commune_officer").get(unit_url("09784")).content.decode()
    assert "Tổ CNSCĐ xã Đan Phượng" in officer
    f.make_user("team_member", "09784", username="commune-wide-member")
    from gocua.accounts.models import User

    member = login(User.objects.get(username="commune-wide-member")).get(unit_url("09784")).content.decode()
    assert reverse("web:village_create", args=["09784"]) not in member


def _fill_village(village, team, start: int, count: int) -> None:
    member = f.make_member(team, full_name=f"Thành Viên {start}")
    for i in range(start, start + count):
        household = f.make_household(village, f"K{i:03d}", address_line=f"Xóm {i}")
        f.make_resident(household, full_name=f"Chủ Hộ {i}")
        f.make_resident(household, full_name=f"Con {i}", relation="child", birth_year=2010)
        Assignment.objects.create(household=household, member=member)  # no assignment service yet


def test_village_page_queries_do_not_grow_with_households(
    world, login, count_queries, django_assert_num_queries
):
    village = f.make_village("09784", "Thôn Đo Đếm")
    team = f.make_team(village)
    _fill_village(village, team, 0, 5)
    client = login("commune_officer")
    response, five = count_queries(client, unit_url(village.code))
    assert len(response.context["page_obj"]) == 5
    assert five <= VILLAGE_PAGE_QUERY_CEILING
    _fill_village(village, team, 5, 45)
    with django_assert_num_queries(five):
        response = client.get(unit_url(village.code))
    assert len(response.context["page_obj"]) == 50
    assert "Chủ Hộ 49" in response.content.decode()
    assert all(h.n_residents == 2 for h in response.context["page_obj"])


def test_commune_page_queries_do_not_grow_with_villages(
    world, login, count_queries, django_assert_num_queries
):
    client = login("commune_officer")
    _, few = count_queries(client, unit_url("09784"))
    assert few <= COMMUNE_PAGE_QUERY_CEILING
    for i in range(6):
        village = f.make_village("09784", f"Thôn Mới {i}")
        f.make_team(village)
        f.make_household(village)
    with django_assert_num_queries(few):
        client.get(unit_url("09784"))


# --- villages: create and rename --------------------------------------------------------------


def test_officer_creates_a_village(world, login):
    response = login("commune_officer").post(
        reverse("web:village_create", args=["09784"]), {"name": "Tổ dân phố Phượng", "kind": "to_dan_pho"}
    )
    village = Unit.objects.get(parent__code="09784", name="Tổ dân phố Phượng", valid_to__isnull=True)
    assert village.kind == "to_dan_pho"
    assert response.status_code == 302 and response.url == unit_url(village.code)


def test_village_create_shows_errors_and_saves_nothing(world, login):
    client = login("commune_officer")
    before = Unit.objects.count()
    empty = client.post(reverse("web:village_create", args=["09784"]), {"name": "  ", "kind": "thon"})
    duplicate = client.post(
        reverse("web:village_create", args=["09784"]), {"name": "thon thap thuong", "kind": "thon"}
    )
    assert empty.status_code == 400 and 'class="error"' in empty.content.decode()
    assert duplicate.status_code == 400
    assert "This commune already has a village with this name." in duplicate.content.decode()
    assert Unit.objects.count() == before


@pytest.mark.parametrize("role", ["team_leader", "team_member"])
def test_field_roles_cannot_create_or_rename_villages(world, login, role):
    client = login(role)
    commune_scoped = f.make_user(role, "09784")
    wide = login(commune_scoped)
    assert wide.get(reverse("web:village_create", args=["09784"])).status_code == 403
    assert (
        wide.post(reverse("web:village_create", args=["09784"]), {"name": "X", "kind": "thon"}).status_code
        == 403
    )
    rename = reverse("web:village_rename", args=[world.village.code])
    assert client.post(rename, {"name": "Đổi Tên"}).status_code == 403
    assert Unit.objects.get(pk=world.village.pk).name == "Thôn Tháp Thượng"


def test_officer_renames_a_village_keeping_its_code(world, login):
    response = login("commune_officer").post(
        reverse("web:village_rename", args=[world.village.code]), {"name": "Thôn Tháp Thượng Mới"}
    )
    assert response.status_code == 302
    village = Unit.objects.get(pk=world.village.pk)
    assert village.name == "Thôn Tháp Thượng Mới" and village.code == world.village.code


def test_officer_of_another_commune_cannot_create_villages_here(world, login):
    response = login("other_commune_officer").post(
        reverse("web:village_create", args=["09784"]), {"name": "Thôn Lạ", "kind": "thon"}
    )
    assert response.status_code == 404


def test_village_households_are_paginated_keeping_the_page_size(world, login, settings):
    settings.GOCUA_PAGE_SIZE = 2
    f.make_household(world.village, "TT-002")
    f.make_household(world.village, "TT-003")
    client = login("team_member")
    first = client.get(unit_url(world.village.code))
    second = client.get(unit_url(world.village.code), {"page": 2})
    assert [h.household_key for h in first.context["page_obj"]] == ["TT-001", "TT-002"]
    assert [h.household_key for h in second.context["page_obj"]] == ["TT-003"]
    assert 'rel="prev" href="?page=1"' in second.content.decode()
    assert client.get(unit_url(world.village.code), {"page": "zz"}).status_code == 200


def test_village_page_shows_who_covers_what_and_the_unassigned(world, login):
    from gocua.teams.models import Member

    member = Member.objects.get(user=world.users["team_member"])
    f.make_household(world.village, "TT-002")
    Assignment.objects.create(household=world.household, member=member)
    page = login("team_leader").get(f"/units/{world.village.code}/").content.decode()
    assert "Who covers what" in page
    assert f"{member.full_name}: 1 household" in page
    assert "1 household not assigned to anyone" in page
    assert f"/outreach/teams/{world.team.pk}/assignments/" in page  # the leader may assign
    member_page = login("team_member").get(f"/units/{world.village.code}/").content.decode()
    assert f"/outreach/teams/{world.team.pk}/assignments/" not in member_page


def test_only_officers_see_import_and_export_links_on_a_commune(world, login):
    officer_page = login("commune_officer").get("/units/09784/").content.decode()
    assert "/imports/?commune=09784" in officer_page and "/imports/export/09784/" in officer_page
    leader_page = login("team_leader").get(f"/units/{world.village.code}/").content.decode()
    assert "/imports/" not in leader_page
