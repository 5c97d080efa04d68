"""Template context shared by every page."""

from gocua.accounts import permissions


def gocua(request):
    user = getattr(request, "user", None)
    return {
        "can_browse_audit": permissions.can_browse_audit(user) if user and user.is_authenticated else False,
        "can_manage_accounts": bool(permissions.manageable_roles(user)) if user and user.is_authenticated else False,
    }
