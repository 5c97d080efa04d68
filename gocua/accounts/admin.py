"""Django admin: a read-only window for national administrators.

Every change goes through the app's pages, whose services check the scope rule, keep the
denormalised codes right and write the audit log; an editable admin would bypass all three.
"""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from gocua.accounts.models import AuditEvent, Role, User
from gocua.web.views.auth import logout_view


class ReadOnlyAdmin(admin.ModelAdmin):
    """List and show rows; never add, change or delete them."""

    show_full_result_count = False  # one COUNT(*) per page is enough on big tables

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _national_admins_only(request) -> bool:
    # is_staff alone is not enough: only the services set it, but a role is the rule.
    user = request.user
    return user.is_active and user.is_staff and getattr(user, "role", None) == Role.NATIONAL_ADMIN


def _login_through_the_app(request, extra_context=None):
    # The app's log-in page writes the log-in (or the failure) to the audit log; admin's does not.
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), login_url=reverse("web:login"))


# The default site is kept (the root URLconf mounts it); these three make it ours.
admin.site.has_permission = _national_admins_only
admin.site.login = _login_through_the_app
admin.site.logout = logout_view


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "full_name", "role", "scope_unit", "is_active", "must_change_password", "last_login")
    list_filter = ("role", "is_active", "must_change_password")
    search_fields = ("username", "full_name", "=scope_unit__code")
    list_select_related = ("scope_unit",)
    # Never the password hash, groups or permissions: roles are the only rule.
    fields = (
        "username", "full_name", "email", "role", "scope_unit", "is_active", "must_change_password",
        "is_staff", "is_superuser", "last_login", "date_joined",
    )
    ordering = ("username",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_username", "action", "object_type", "object_id", "ip")
    list_filter = ("action",)
    search_fields = ("=actor_username", "=object_id")
    fields = ("at", "actor_username", "action", "object_type", "object_id", "detail", "ip")
    readonly_fields = fields
