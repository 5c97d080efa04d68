"""Every write of the community app: projects and photos (projects.py), the ledger (ledger.py)."""

from gocua.community.services.ledger import contribution_record, entry_reverse, expense_record, ledger_export
from gocua.community.services.projects import (
    photo_add,
    photo_remove,
    project_create,
    project_set_status,
    project_update,
)

__all__ = [
    "contribution_record",
    "entry_reverse",
    "expense_record",
    "ledger_export",
    "photo_add",
    "photo_remove",
    "project_create",
    "project_set_status",
    "project_update",
]
