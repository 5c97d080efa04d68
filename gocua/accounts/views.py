"""Account pages: change one's password, manage field accounts, browse the audit log."""


from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from gocua.accounts import services
from gocua.accounts.audit_text import audit_rows
from gocua.accounts.forms import (
    AccountCreateForm,
    AccountFilterForm,
    AuditFilterForm,
    PasswordChangeForm,
    PasswordResetForm,
    RoleChangeForm,
    role_choices,
)
from gocua.accounts.models import Role
from gocua.accounts.permissions import can_browse_audit, can_manage_user, manageable_roles
from gocua.accounts.selectors import accounts_visible, audit_events, keyset_page
from gocua.accounts.two_factor import has_two_factor
from gocua.errors import DomainError
from gocua.web.forms import apply_domain_error


@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                request=request,
            )
        except DomainError as exc:
            apply_domain_error(form, exc, field_map={"password": "new_password"})
        else:
            update_session_auth_hash(request, request.user)  # gives the session a new key
            services.session_track(user=request.user, request=request)
            return redirect("web:home")
    return render(request, "accounts/password_change.html", {"form": form})


def _require_manager(request) -> list[str]:
    roles = manageable_roles(request.user)
    if not roles:
        raise PermissionDenied
    return roles


@login_required
def account_list(request):
    _require_manager(request)
    form = AccountFilterForm(request.GET, viewer=request.user)
    accounts = accounts_visible(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["role"]:
            accounts = accounts.filter(role=data["role"])
        if data["active"]:
            accounts = accounts.filter(is_active=data["active"] == "yes")
        if data["q"].strip():
            q = data["q"].strip()
            accounts = accounts.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    page = Paginator(accounts.order_by("username", "pk"), settings.GOCUA_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/list.html", {"form": form, "page": page, "query": query.urlencode()})


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def account_create(request):
    roles = _require_manager(request)
    status = 200
    if request.method == "POST":
        form = AccountCreateForm(request.POST, viewer=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.account_create(
                    actor=request.user,
                    username=data["username"],
                    password=data["password"],
                    role=data["role"],
                    scope_unit=data["scope_unit"],
                    full_name=data["full_name"],
                    member=data.get("member"),
                    request=request,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Account %(username)s created.") % {"username": user.username})
                return redirect("accounts:detail", pk=user.pk)
        else:
            status = 400
    else:
        role = request.GET.get("role") or (roles[0] if len(roles) == 1 else None)
        form = AccountCreateForm(viewer=request.user, role=role)
    context = {"form": form, "role_links": role_choices(request.user)}
    if form.chosen_role:
        context["role_label"] = Role(form.chosen_role).label
    return render(request, "accounts/create.html", context, status=status)


def _visible_account(request, pk: int):
    _require_manager(request)
    return get_object_or_404(accounts_visible(request.user), pk=pk)


def _render_detail(request, target, *, reset_form=None, role_form=None, status: int = 200):
    viewer = request.user
    can_manage = can_manage_user(viewer, target)
    context = {"account": target, "can_manage": can_manage, "member": getattr(target, "member", None)}
    if can_manage:
        context["has_two_factor"] = has_two_factor(target)
        context["reset_form"] = reset_form or PasswordResetForm()
        # A leader can only give the one role at the one unit their account already has.
        if viewer.role != Role.TEAM_LEADER:
            context["role_form"] = role_form or RoleChangeForm(
                viewer=viewer,
                initial={"role": target.role, "scope_unit": target.scope_unit.code if target.scope_unit else ""},
            )
    return render(request, "accounts/detail.html", context, status=status)


@login_required
def account_detail(request, pk: int):
    return _render_detail(request, _visible_account(request, pk))


@login_required
@require_POST
def account_set_active(request, pk: int):
    target = _visible_account(request, pk)
    if request.POST.get("active") not in ("0", "1"):
        return _render_detail(request, target, status=400)
    active = request.POST["active"] == "1"
    try:
        services.account_set_active(actor=request.user, user=target, active=active, request=request)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _render_detail(request, target, status=exc.status)
    if active:
        messages.success(request, _("The account is active again."))
    else:
        messages.success(request, _("The account is deactivated and logged out everywhere."))
    return redirect("accounts:detail", pk=target.pk)


@sensitive_post_parameters("new_password")
@login_required
@require_POST
def account_reset_password(request, pk: int):
    target = _visible_account(request, pk)
    form = PasswordResetForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, target, reset_form=form, status=400)
    try:
        services.account_reset_password(
            actor=request.user, user=target, new_password=form.cleaned_data["new_password"], request=request
        )
    except DomainError as exc:
        apply_domain_error(form, exc, field_map={"password": "new_password"})
        return _render_detail(request, target, reset_form=form, status=exc.status)
    messages.success(request, _("Password reset. The person must choose a new one at their next log-in."))
    return redirect("accounts:detail", pk=target.pk)


@login_required
@require_POST
def account_change_role(request, pk: int):
    target = _visible_account(request, pk)
    form = RoleChangeForm(request.POST, viewer=request.user)
    if not form.is_valid():
        return _render_detail(request, target, role_form=form, status=400)
    try:
        services.account_change_role(
            actor=request.user,
            user=target,
            role=form.cleaned_data["role"],
            scope_unit=form.cleaned_data["scope_unit"],
            request=request,
        )
    except DomainError as exc:
        apply_domain_error(form, exc)
        return _render_detail(request, target, role_form=form, status=exc.status)
    messages.success(request, _("Role and area saved."))
    return redirect("accounts:detail", pk=target.pk)


def _cursor(value: str | None) -> int | None:
    """Return a page cursor (an event id) from the query string; ignore anything else."""
    return int(value) if value and value.isdigit() and len(value) < 19 else None


@login_required
def audit_log(request):
    if not can_browse_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET)
    form.is_valid()  # invalid filters show their error and are ignored
    page = keyset_page(
        audit_events(form.audit_filter(), viewer=request.user),
        size=settings.GOCUA_PAGE_SIZE,
        before=_cursor(request.GET.get("before")),
        after=_cursor(request.GET.get("after")),
    )
    page.rows = audit_rows(page.rows)
    query = request.GET.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    return render(request, "accounts/audit.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
def audit_export(request):
    """Send the filtered audit log as CSV (audited)."""
    if not can_browse_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET)
    form.is_valid()
    flt = form.audit_filter()
    text = services.audit_log_export(
        actor=request.user, events=audit_events(flt, viewer=request.user), filters=vars(flt), request=request
    )
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")  # BOM: Excel reads UTF-8
    response["Content-Disposition"] = 'attachment; filename="nhat-ky-kiem-tra.csv"'
    return response
