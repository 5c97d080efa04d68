"""What the roster commands share: the acting user and bilingual error messages."""

from django.core.management.base import CommandError
from django.utils import translation

from gocua.accounts.models import Role, User


def both_languages(message) -> str:
    """Return a lazy message as "Vietnamese / English" (the command-line convention)."""
    with translation.override("vi"):
        vi = str(message)
    with translation.override("en"):
        en = str(message)
    return vi if vi == en else f"{vi} / {en}"


def acting_user(username: str | None) -> User:
    """Return the account the command acts as (--user, else the only national administrator)."""
    if username:
        user = User.objects.filter(username=username, is_active=True).select_related("scope_unit").first()
        if user is None:
            raise CommandError(f"Không có tài khoản / No active account named {username!r}.")
        return user
    admins = list(User.objects.filter(role=Role.NATIONAL_ADMIN, is_active=True).select_related("scope_unit")[:2])
    if len(admins) != 1:
        raise CommandError("Cần --user TÊN / Give --user USERNAME: the account the command acts as.")
    return admins[0]
