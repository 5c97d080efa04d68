"""Every write to a project's ledger: contributions, expenses and reversing entries.

Entries are only ever inserted (the database refuses UPDATE and DELETE). Each insert locks
the project row, writes the entry, adjusts the unit figures (community.rollups), moves the
project's `updated_at` and appends an audit event, all in one transaction.
"""

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.models import AuditEvent
from gocua.accounts.scope import in_scope
from gocua.accounts.services import audit_record
from gocua.community import audit, rollups, vietqr
from gocua.community.errors import CommunityErrorCode
from gocua.community.exports import statement, statement_xlsx
from gocua.community.images import clean_image
from gocua.community.models import LedgerEntry, Project
from gocua.community.money import clean_labour, clean_vnd
from gocua.community.rules import can_manage_project
from gocua.community.services._common import clean_date, clean_line
from gocua.community.services.projects import touch
from gocua.errors import CommonErrorCode, Conflict, DomainError, Forbidden, NotFound
from gocua.households.models import Household

Giver, Display = LedgerEntry.Giver, LedgerEntry.Display
# How each kind of giver may choose to appear publicly.
DISPLAYS_OF_GIVER = {
    Giver.HOUSEHOLD: (Display.NAME, Display.HOUSEHOLD_KEY, Display.ANONYMOUS),
    Giver.PERSON: (Display.NAME, Display.ANONYMOUS),
    Giver.ORGANISATION: (Display.NAME, Display.ANONYMOUS),
    Giver.ANONYMOUS: (Display.ANONYMOUS,),
}


def _require_manager(actor, project: Project) -> None:
    if not can_manage_project(actor, project):
        raise Forbidden(CommonErrorCode.FORBIDDEN, _("You cannot record entries for this project."))


def _locked_open_project(project: Project, *, for_expense: bool = False) -> Project:
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.status == Project.Status.DONE or (locked.status == Project.Status.CANCELLED and not for_expense):
        raise DomainError(
            CommunityErrorCode.PROJECT_CLOSED,
            _("This project is %(status)s: it takes no new entries. Reopen it first if it must.")
            % {"status": locked.get_status_display().lower()},
        )
    return locked


def _clean_giver(actor, project: Project, *, giver: str, display: str, giver_name: str, household):
    if giver not in Giver.values:
        raise DomainError(CommunityErrorCode.GIVER_INVALID, field="giver")
    if display not in DISPLAYS_OF_GIVER[giver]:
        raise DomainError(CommunityErrorCode.DISPLAY_INVALID, field="display")
    name = clean_line(giver_name, limit=120, field="giver_name")
    if giver == Giver.ANONYMOUS:
        return "", None  # nothing about an anonymous giver is kept
    if giver == Giver.HOUSEHOLD:
        if household is None:
            raise DomainError(CommunityErrorCode.HOUSEHOLD_REQUIRED, field="household")
        if not in_scope(actor, household) or household.commune_code != project.commune_code:
            raise DomainError(CommunityErrorCode.HOUSEHOLD_ELSEWHERE,
                              field="household")
    else:
        household = None
    if display == Display.NAME and not name:
        raise DomainError(CommunityErrorCode.GIVER_NAME_REQUIRED,
                          field="giver_name")
    if giver == Giver.ORGANISATION and not name:
        raise DomainError(CommunityErrorCode.GIVER_NAME_REQUIRED, _("Enter the organisation's name."), field="giver_name")
    return name, household


def contribution_record(
    *, actor, project: Project, entry_on: dt.date, giver: str, display: str, giver_name: str = "",
    household: Household | None = None, money_vnd=0, labour_days=0, materials: str = "", transfer_reference: str = "",
    request=None,
) -> LedgerEntry:
    """Record money, labour days and/or materials given to an open project (a bank transfer by its reference)."""
    _require_manager(actor, project)
    reference = _clean_transfer_reference(project, transfer_reference)
    entry = LedgerEntry(
        project=project, kind=LedgerEntry.Kind.CONTRIBUTION, recorded_by=actor, giver=giver, display=display,
        entry_on=clean_date(entry_on, field="entry_on", past=True),
        money_vnd=clean_vnd(money_vnd, field="money_vnd"),
        labour_days=clean_labour(labour_days, field="labour_days"),
        materials=clean_line(materials, limit=300, field="materials"),
        transfer_reference=reference,
    )
    if reference and not entry.money_vnd:
        raise DomainError(CommunityErrorCode.AMOUNT_REQUIRED, field="money_vnd")
    if not (entry.money_vnd or entry.labour_days or entry.materials):
        raise DomainError(CommunityErrorCode.CONTRIBUTION_EMPTY, field="money_vnd")
    entry.giver_name, entry.household = _clean_giver(
        actor, project, giver=giver, display=display, giver_name=giver_name, household=household
    )
    with transaction.atomic():
        locked = _locked_open_project(project)
        if entry.household is not None:
            # Two contributions of one household must not both count it as "new" in the figures.
            Household.objects.select_for_update().filter(pk=entry.household.pk).first()
        if reference and LedgerEntry.objects.filter(project=locked, transfer_reference=reference).exists():
            raise Conflict(CommunityErrorCode.TRANSFER_ALREADY_RECORDED, field="transfer_reference")
        try:
            with transaction.atomic():
                return _insert(actor, locked, entry, request=request)
        except IntegrityError:
            if reference:  # the unique index: the same transfer recorded at this moment by someone else
                raise Conflict(CommunityErrorCode.TRANSFER_ALREADY_RECORDED, field="transfer_reference") from None
            raise


def _clean_transfer_reference(project: Project, text: str) -> str:
    """Return the transfer message of a bank transfer into `project`, or "" when none was given."""
    reference = vietqr.clean_reference(text)
    if not reference:
        return ""
    if len(reference) > 60 or not reference.startswith(vietqr.project_reference(project.pk)):
        message = CommunityErrorCode.TRANSFER_REFERENCE_INVALID.message
        raise DomainError(CommunityErrorCode.TRANSFER_REFERENCE_INVALID,
                          message % {"reference": vietqr.project_reference(project.pk)}, field="transfer_reference")
    return reference


def expense_record(
    *, actor, project: Project, entry_on: dt.date, description: str, money_vnd, receipt=None, request=None
) -> LedgerEntry:
    """Record money spent, with what it paid for and optionally a photo of the receipt."""
    _require_manager(actor, project)
    entry = LedgerEntry(
        project=project, kind=LedgerEntry.Kind.EXPENSE, recorded_by=actor, display=Display.ANONYMOUS,
        entry_on=clean_date(entry_on, field="entry_on", past=True),
        money_vnd=clean_vnd(money_vnd, field="money_vnd", allow_zero=False),
        description=clean_line(description, limit=300, field="description", required=True,
                               message=_("Say what the money paid for.")),
    )
    image = clean_image(receipt, field="receipt") if receipt else None
    if image is not None:
        entry.receipt.save(image.full.name, image.full, save=False)
    try:
        with transaction.atomic():
            locked = _locked_open_project(project, for_expense=True)
            return _insert(actor, locked, entry, request=request)
    except Exception:
        if entry.receipt:
            entry.receipt.storage.delete(entry.receipt.name)
        raise


def entry_reverse(*, actor, project: Project, entry: LedgerEntry, reason: str, request=None) -> LedgerEntry:
    """Cancel `entry` with a reversing entry that negates it and says why; the original stays."""
    _require_manager(actor, project)
    if entry.project_id != project.pk:
        raise DomainError(CommunityErrorCode.ENTRY_OTHER_PROJECT, field="entry")
    if entry.is_reversal:
        raise DomainError(CommunityErrorCode.ENTRY_IS_REVERSAL,
                          field="entry")
    reason = clean_line(reason, limit=300, field="reason", required=True,
                        message=_("Say why the entry is reversed."))
    reversal = LedgerEntry(
        project=project, kind=entry.kind, recorded_by=actor, reverses=entry, reason=reason,
        entry_on=timezone.localdate(), money_vnd=-entry.money_vnd,
        labour_days=-Decimal(entry.labour_days) if entry.labour_days else Decimal(0), display=Display.ANONYMOUS,
    )
    try:
        with transaction.atomic():
            locked = Project.objects.select_for_update().get(pk=project.pk)
            if entry.household_id:
                # As in contribution_record: the household's "still contributing" count must not race.
                Household.objects.select_for_update().filter(pk=entry.household_id).first()
            if LedgerEntry.objects.filter(reverses=entry).exists():
                raise Conflict(CommunityErrorCode.ENTRY_ALREADY_REVERSED, field="entry")
            return _insert(actor, locked, reversal, request=request)
    except IntegrityError:
        # The one-to-one `reverses` is the last line against two people reversing at once.
        raise Conflict(CommunityErrorCode.ENTRY_ALREADY_REVERSED, field="entry") from None


def _insert(actor, project: Project, entry: LedgerEntry, *, request) -> LedgerEntry:
    entry.project = project
    entry.set_codes_from(project)
    entry.save()
    rollups.entry_recorded(entry)
    touch(project)
    detail = {
        "project": project.pk, "kind": entry.kind, "money_vnd": entry.money_vnd,
        "labour_days": str(entry.labour_days), "giver": entry.giver, "display": entry.display,
    }
    if entry.reverses_id:
        detail["reverses"] = entry.reverses_id
    action = audit.LEDGER_REVERSAL if entry.reverses_id else audit.LEDGER_ENTRY
    audit_record(actor=actor, action=action, obj=entry, detail=detail, request=request)
    return entry


def ledger_export(*, actor, project: Project, request=None) -> bytes:
    """Return the project's statement as XLSX and write the export to the audit log."""
    if not in_scope(actor, project):
        raise NotFound(CommonErrorCode.NOT_FOUND)
    data = statement(project)
    content = statement_xlsx(data, unit_name=project.unit.name, generated_at=timezone.localtime())
    audit_record(actor=actor, action=AuditEvent.Action.EXPORT, obj=project,
                 detail={"format": "xlsx", "entries": len(data.rows)}, request=request)
    return content
