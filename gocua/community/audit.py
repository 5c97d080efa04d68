"""Audit-log actions of this app (AuditEvent.action accepts any string up to 24 characters)."""

from django.utils.translation import gettext_lazy as _

PROJECT_CREATED = "project_created"
PROJECT_CHANGED = "project_changed"
PROJECT_STATUS = "project_status"
PHOTO_ADDED = "project_photo_added"
PHOTO_REMOVED = "project_photo_removed"
LEDGER_ENTRY = "ledger_entry"
LEDGER_REVERSAL = "ledger_reversal"

# For AuditEvent.Action (owned by accounts), so the audit browser can show a label.
LABELS = {
    PROJECT_CREATED: _("Community project created"),
    PROJECT_CHANGED: _("Community project changed"),
    PROJECT_STATUS: _("Community project status changed"),
    PHOTO_ADDED: _("Project photo added"),
    PHOTO_REMOVED: _("Project photo removed"),
    LEDGER_ENTRY: _("Ledger entry recorded"),
    LEDGER_REVERSAL: _("Ledger entry reversed"),
}
