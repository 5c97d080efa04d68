"""Every community URL, as every role and logged out, by GET and empty POST: never a server error."""

import re

import pytest
from django.test import Client

from gocua import testing as f
from gocua.community import services
from gocua.community.tests.helpers import give, jpeg_with_exif, make_project, spend, upload
from gocua.community.urls import urlpatterns

MISSING = 987654321
ROLES = [None, "commune_officer", "team_leader", "team_member", "other_commune_officer"]


@pytest.fixture
def ids(world, leader, project):
    entry = give(leader, project)
    receipt = spend(leader, project, receipt=upload(jpeg_with_exif()))
    photo = services.photo_add(actor=leader, project=project, upload=upload(jpeg_with_exif()))
    hue = make_project(f.admin(), world.other_province_village, title="Wi-Fi An Lưu")
    hue_entry = give(f.admin(), hue)
    return {
        "pk": [project.pk, hue.pk],
        "entry_id": [entry.pk, receipt.pk, hue_entry.pk],
        "photo_id": [photo.pk, MISSING],
        "code": [world.village.code, "09784", "99999-999"],
    }


def paths(ids) -> list[str]:
    out = []
    for pattern in urlpatterns:
        route = "/community/" + str(pattern.pattern)
        candidates = [route]
        for name in re.findall(r"<(?:\w+:)?(\w+)>", route):
            candidates = [re.sub(rf"<(?:\w+:)?{name}>", str(v), c, count=1) for c in candidates for v in ids[name]]
        out += candidates
    return out


def test_no_community_url_answers_with_a_server_error(world, ids):
    failures, statuses = [], {}
    for role in ROLES:
        client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="vi")
        if role:
            client.force_login(world.users[role])
        for path in paths(ids):
            for method in ("get", "post"):
                status = getattr(client, method)(path).status_code
                statuses[(role, method, path)] = status
                if status >= 500:
                    failures.append(f"{role} {method} {path} → {status}")
    assert not failures, "\n".join(failures)
    project, hue = ids["pk"][:2]
    assert statuses[("commune_officer", "get", f"/community/projects/{project}/")] == 200
    assert statuses[("commune_officer", "get", f"/community/projects/{hue}/")] == 404
    assert statuses[("team_member", "get", f"/community/projects/{project}/contributions/new/")] == 403
    assert statuses[(None, "get", f"/community/p/{world.village.code}/")] == 200
    assert statuses[(None, "get", f"/community/projects/{project}/")] == 302
