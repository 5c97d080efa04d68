"""Every write to community projects and their photos."""

import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.permissions import leader_team
from gocua.accounts.services import audit_record
from gocua.community import audit, rollups, vietqr
from gocua.community.errors import CommunityErrorCode
from gocua.community.images import clean_image
from gocua.community.models import Project, ProjectPhoto
from gocua.community.money import clean_labour, clean_vnd
from gocua.community.rules import can_manage_project, can_manage_projects_at
from gocua.community.services._common import clean_date, clean_line, clean_paragraphs
from gocua.errors import CommonErrorCode, DomainError, Forbidden
from gocua.lib.text import fold
from gocua.places.models import Level, Unit

MAX_PHOTOS = 8
DESCRIPTION_LIMIT = 4000
PROJECT_FIELDS = (
    "title", "kind", "description", "goal_vnd", "goal_labour_days", "starts_on", "ends_on", "team",
    "responsible_name", "bank_bin", "bank_account", "bank_account_name",
)


def _clean_bank(data: dict[str, Any]) -> dict[str, str]:
    """Return the bank account residents pay into (all three empty: no VietQR on the page)."""
    bank_bin = str(data.get("bank_bin") or "").strip()
    account = re.sub(r"[\s.-]", "", str(data.get("bank_account") or ""))
    holder = re.sub(r"\s+", " ", fold(str(data.get("bank_account_name") or "")).upper()).strip()
    if not (bank_bin or account or holder):
        return {"bank_bin": "", "bank_account": "", "bank_account_name": ""}
    if bank_bin not in vietqr.banks():
        raise DomainError(CommunityErrorCode.BANK_INVALID, field="bank_bin")
    if not re.fullmatch(r"[0-9A-Za-z]{4,19}", account):
        raise DomainError(CommunityErrorCode.BANK_ACCOUNT_INVALID, field="bank_account")
    if not re.fullmatch(r"[A-Z0-9 .,&()-]{0,70}", holder):
        raise DomainError(CommunityErrorCode.BANK_HOLDER_INVALID, field="bank_account_name")
    return {"bank_bin": bank_bin, "bank_account": account.upper(), "bank_account_name": holder}


def _clean(unit: Unit, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(PROJECT_FIELDS)
    if unknown:
        raise DomainError(CommunityErrorCode.FIELD_UNKNOWN, _("Unknown field: %(name)s.") % {"name": sorted(unknown)[0]})
    kind = data.get("kind")
    if kind not in Project.Kind.values:
        raise DomainError(CommunityErrorCode.KIND_INVALID, field="kind")
    cleaned = {
        "title": clean_line(data.get("title"), limit=200, field="title", required=True,
                            message=_("Enter a title.")),
        "kind": kind,
        "description": clean_paragraphs(data.get("description"), limit=DESCRIPTION_LIMIT, field="description"),
        "goal_vnd": clean_vnd(data.get("goal_vnd"), field="goal_vnd"),
        "goal_labour_days": clean_labour(data.get("goal_labour_days"), field="goal_labour_days"),
        "starts_on": clean_date(data.get("starts_on"), field="starts_on", required=False),
        "ends_on": clean_date(data.get("ends_on"), field="ends_on", required=False),
        "responsible_name": clean_line(data.get("responsible_name"), limit=120, field="responsible_name"),
        "team": data.get("team"),
        **_clean_bank(data),
    }
    if cleaned["starts_on"] and cleaned["ends_on"] and cleaned["ends_on"] < cleaned["starts_on"]:
        raise DomainError(CommunityErrorCode.DATES_OUT_OF_ORDER, field="ends_on")
    team = cleaned["team"]
    if team is not None and (team.unit_id != unit.pk or not team.is_active):
        raise DomainError(CommunityErrorCode.TEAM_ELSEWHERE, field="team")
    return cleaned


def _require_unit(unit: Unit) -> None:
    if unit is None or unit.valid_to is not None or unit.level not in (Level.VILLAGE, Level.COMMUNE):
        raise DomainError(CommunityErrorCode.UNIT_INVALID, field="unit")


def project_create(*, actor, unit: Unit, data: dict[str, Any], request=None) -> Project:
    """Create a project (status "proposed") at a village or commune in the actor's charge."""
    _require_unit(unit)
    if not can_manage_projects_at(actor, unit):
        raise Forbidden(CommonErrorCode.FORBIDDEN, _("You cannot create projects here."))
    data = {"team": leader_team(actor), **data} if "team" not in data else data
    project = Project(unit=unit, created_by=actor, **_clean(unit, data))
    project.set_codes_from(unit)
    with transaction.atomic():
        project.save()
        audit_record(actor=actor, action=audit.PROJECT_CREATED, obj=project,
                     detail={"unit": unit.code, "kind": project.kind, "goal_vnd": project.goal_vnd}, request=request)
    return project


def _require_manager(actor, project: Project) -> None:
    if not can_manage_project(actor, project):
        raise Forbidden(CommonErrorCode.FORBIDDEN, _("You cannot manage this project."))


def project_update(*, actor, project: Project, data: dict[str, Any], request=None) -> Project:
    """Change a project's details (not its status or ledger); fields left out keep their value."""
    _require_manager(actor, project)
    current = {name: getattr(project, name) for name in PROJECT_FIELDS}
    cleaned = _clean(project.unit, {**current, **data})
    changed = [name for name in PROJECT_FIELDS if cleaned[name] != current[name]]
    if not changed:
        return project
    with transaction.atomic():
        for name in changed:
            setattr(project, name, cleaned[name])
        project.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action=audit.PROJECT_CHANGED, obj=project, detail={"fields": changed},
                     request=request)
    return project


def project_set_status(*, actor, project: Project, status: str, request=None) -> Project:
    """Move a project to another status; "done" counts in the dashboards from this transaction on."""
    _require_manager(actor, project)
    if status not in Project.Status.values:
        raise DomainError(CommonErrorCode.STATUS_INVALID, _("Choose a status."), field="status")
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        old = locked.status
        if old == status:
            return locked
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        rollups.status_changed(locked, old, status)
        audit_record(actor=actor, action=audit.PROJECT_STATUS, obj=locked, detail={"from": old, "to": status},
                     request=request)
    project.status, project.updated_at = locked.status, locked.updated_at
    return project


def touch(project: Project) -> None:
    """Move `updated_at` so the public pages' ETag and Last-Modified change."""
    Project.objects.filter(pk=project.pk).update(updated_at=timezone.now())


def photo_add(*, actor, project: Project, upload, caption: str = "", request=None) -> ProjectPhoto:
    """Add a photo, re-encoded without EXIF; photos are public on the transparency page."""
    _require_manager(actor, project)
    caption = clean_line(caption, limit=200, field="caption")
    if upload is None:
        raise DomainError(CommunityErrorCode.IMAGE_REQUIRED, field="image")
    if project.photos.count() >= MAX_PHOTOS:
        raise DomainError(CommunityErrorCode.PHOTOS_FULL, _("A project has at most %(n)s photos; remove one first.")
                          % {"n": MAX_PHOTOS}, field="image")
    image = clean_image(upload, field="image")
    photo = ProjectPhoto(project=project, caption=caption, uploaded_by=actor, width=image.width,
                         height=image.height)
    photo.image.save(image.full.name, image.full, save=False)
    photo.thumb.save(image.thumb.name, image.thumb, save=False)
    try:
        with transaction.atomic():
            photo.save()
            touch(project)
            audit_record(actor=actor, action=audit.PHOTO_ADDED, obj=photo, detail={"project": project.pk},
                         request=request)
    except Exception:
        _delete_files(photo.image.name, photo.thumb.name)
        raise
    return photo


def photo_remove(*, actor, photo: ProjectPhoto, request=None) -> None:
    """Remove a photo and, once the transaction commits, its files."""
    project = photo.project
    _require_manager(actor, project)
    names = (photo.image.name, photo.thumb.name)
    with transaction.atomic():
        audit_record(actor=actor, action=audit.PHOTO_REMOVED, obj=photo, detail={"project": project.pk},
                     request=request)
        photo.delete()
        touch(project)
        transaction.on_commit(lambda: _delete_files(*names))


def _delete_files(*names: str) -> None:
    storage = ProjectPhoto._meta.get_field("image").storage
    for name in names:
        if name:
            storage.delete(name)
