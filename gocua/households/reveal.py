"""The audited "show citizen ID" action: the only path by which a citizen ID leaves the database unmasked."""

from django.utils.translation import gettext_lazy as _

from gocua.accounts.models import AuditEvent
from gocua.accounts.permissions import can_see_citizen_id
from gocua.accounts.scope import in_scope
from gocua.accounts.services import audit_record
from gocua.errors import CommonErrorCode, DomainError, Forbidden
from gocua.households import pii
from gocua.households.errors import HouseholdErrorCode
from gocua.households.models import Resident


def resident_reveal_citizen_id(*, actor, resident: Resident, request=None) -> str:
    """Return the resident's citizen ID in clear after writing who asked to the audit log."""
    if not can_see_citizen_id(actor) or not in_scope(actor, resident):
        raise Forbidden(CommonErrorCode.FORBIDDEN, _("Your role cannot see citizen IDs."))
    if not resident.citizen_id_encrypted:
        raise DomainError(HouseholdErrorCode.CITIZEN_ID_MISSING, field="citizen_id")
    number = pii.decrypt(resident.citizen_id_encrypted)
    # Written before the number is returned: if the audit row fails, nobody sees the number.
    audit_record(actor=actor, action=AuditEvent.Action.CITIZEN_ID_SHOWN, obj=resident, request=request)
    return number
