"""Writes to teams and members."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.permissions import can_manage_team
from gocua.errors import CommonErrorCode, DomainError, Forbidden
from gocua.lib import phone, unit_versions
from gocua.lib.text import clean_name, fold
from gocua.places.models import Level, Unit
from gocua.teams.errors import TeamErrorCode
from gocua.teams.models import Member, Team


def _set_team_codes(team: Team, unit: Unit) -> None:
    team.province_code = unit.province_code
    team.commune_code = unit.commune_code
    team.village_code = unit.village_code


def _figures_changed(team: Team) -> None:
    """Make the dashboards of the team's units count its teams and members again (gocua/lib/unit_versions.py)."""
    unit_versions.bump([team.village_code, team.commune_code, team.province_code])


def _clean_date(value, field: str, *, required: bool = True) -> dt.date | None:
    if value is None:
        if required:
            raise DomainError(CommonErrorCode.DATE_REQUIRED, field=field)
        return None
    if value > timezone.localdate():
        raise DomainError(CommonErrorCode.DATE_IN_FUTURE, field=field)
    return value


def team_create(*, actor, unit: Unit, name: str, founded_on: dt.date, is_active: bool = True) -> Team:
    """Create a team for a village (or a commune, for commune-level teams)."""
    if unit.level not in (Level.VILLAGE, Level.COMMUNE) or unit.valid_to is not None:
        raise DomainError(TeamErrorCode.TEAM_UNIT, field="unit")
    if not can_manage_team(actor, unit) or getattr(actor, "role", None) == "team_leader":
        raise Forbidden(CommonErrorCode.FORBIDDEN, _("You cannot create teams here."))
    name = clean_name(name)
    if not name:
        raise DomainError(CommonErrorCode.NAME_REQUIRED, _("Enter the team name."), field="name")
    team = Team(unit=unit, name=name, name_folded=fold(name), founded_on=_clean_date(founded_on, "founded_on"))
    team.is_active = is_active
    _set_team_codes(team, unit)
    team.save()
    _figures_changed(team)
    return team


def team_update(*, actor, team: Team, name: str, founded_on: dt.date, is_active: bool) -> Team:
    """Rename a team, correct its founding date or (de)activate it."""
    if not can_manage_team(actor, team):
        raise Forbidden(CommonErrorCode.FORBIDDEN, _("You cannot change this team."))
    name = clean_name(name)
    if not name:
        raise DomainError(CommonErrorCode.NAME_REQUIRED, _("Enter the team name."), field="name")
    team.name, team.name_folded = name, fold(name)
    team.founded_on = _clean_date(founded_on, "founded_on")
    team.is_active = is_active
    team.save(update_fields=["name", "name_folded", "founded_on", "is_active"])
    _figures_changed(team)
    return team


def _clean_member(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    out["full_name"] = clean_name(out.get("full_name"))
    if not out["full_name"]:
        raise DomainError(CommonErrorCode.NAME_REQUIRED, _("Enter the full name."), field="full_name")
    if out.get("role") not in Member.Role.values:
        raise DomainError(CommonErrorCode.ROLE_INVALID, _("Choose leader, deputy or member."), field="role")
    strengths = list(dict.fromkeys(out.get("strengths") or []))
    if any(s not in Member.Strength.values for s in strengths):
        raise DomainError(TeamErrorCode.STRENGTH_INVALID, field="strengths")
    out["strengths"] = strengths
    raw = (out.get("phone") or "").strip()
    try:
        out["phone"] = phone.normalise(raw) if raw else ""
    except phone.PhoneError:
        raise DomainError(CommonErrorCode.PHONE_INVALID, field="phone") from None
    out["joined_on"] = _clean_date(out.get("joined_on"), "joined_on")
    out["left_on"] = _clean_date(out.get("left_on"), "left_on", required=False)
    if out["left_on"] and out["left_on"] < out["joined_on"]:
        raise DomainError(TeamErrorCode.LEFT_BEFORE_JOINED, field="left_on")
    return out


MEMBER_FIELDS = ("full_name", "phone", "role", "strengths", "joined_on", "left_on")


def member_create(*, actor, team: Team, data: dict[str, Any]) -> Member:
    """Add a member to a team."""
    if not can_manage_team(actor, team):
        raise Forbidden(CommonErrorCode.FORBIDDEN, _("You cannot change this team."))
    cleaned = _clean_member(data)
    member = Member(team=team, **{f: cleaned[f] for f in MEMBER_FIELDS})
    member.name_folded = fold(member.full_name)
    member.save()
    _figures_changed(team)
    return member


def member_update(*, actor, member: Member, data: dict[str, Any]) -> Member:
    """Change a member's details (a member who leaves gets a leaving date, not a deletion)."""
    if not can_manage_team(actor, member.team):
        raise Forbidden(CommonErrorCode.FORBIDDEN, _("You cannot change this team."))
    cleaned = _clean_member(data)
    with transaction.atomic():
        for field in MEMBER_FIELDS:
            setattr(member, field, cleaned[field])
        member.name_folded = fold(member.full_name)
        member.save()
        _figures_changed(member.team)
    return member
