"""Pages of the doors: logged-in devices (yours, or a member's), two-factor set-up and the code page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gocua.accounts import two_factor
from gocua.accounts.forms import OtpCodeForm
from gocua.accounts.selectors import accounts_visible
from gocua.errors import DomainError
from gocua.field import tokens
from gocua.field.models import DeviceToken
from gocua.web.forms import apply_domain_error


def _owner(request, pk: int | None):
    """Return whose devices the page shows: the viewer's, or an account in their reach (else 404)."""
    if pk is None or pk == request.user.pk:
        return request.user
    owner = get_object_or_404(accounts_visible(request.user), pk=pk)
    if not tokens.can_manage_tokens(request.user, owner):
        raise Http404
    return owner


def _devices_url(owner, viewer) -> str:
    return reverse("accounts:devices") if owner.pk == viewer.pk else reverse("accounts:member_devices", args=[owner.pk])


@login_required
def device_list(request, pk: int | None = None):
    owner = _owner(request, pk)
    rows = tokens.tokens_of(actor=request.user, owner=owner).select_related("revoked_by")[:100]
    context = {"owner": owner, "devices": rows, "own": owner.pk == request.user.pk, "now": timezone.now()}
    return render(request, "accounts/devices.html", context)


@login_required
@require_POST
def device_revoke(request, token_id: int, pk: int | None = None):
    owner = _owner(request, pk)
    token = get_object_or_404(DeviceToken.objects.select_related("user"), pk=token_id, user=owner)
    tokens.token_revoke(actor=request.user, token=token, request=request)
    messages.success(request, _("The device %(name)s is logged out.") % {"name": token.name})
    return redirect(_devices_url(owner, request.user))


@login_required
@require_POST
def device_revoke_all(request, pk: int | None = None):
    owner = _owner(request, pk)
    count = tokens.tokens_revoke_all_of(actor=request.user, owner=owner, request=request)
    messages.success(request, _("Devices logged out: %(count)s.") % {"count": count})
    return redirect(_devices_url(owner, request.user))


@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request):
    """Show the QR code and secret of a new authenticator; confirm it with a code; show recovery codes once."""
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.otp_confirm(user=request.user, code=form.cleaned_data["code"], request=request)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return render(request, "accounts/otp_recovery.html", {"codes": codes})
    device = two_factor.pending_device(request.user)
    context = {
        "form": form, "qr": two_factor.qr_svg(device), "secret": two_factor.secret_text(device),
        "enrolled": two_factor.has_two_factor(request.user),
    }
    return render(request, "accounts/otp_enrol.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Ask for the code after the password (TOTP or a recovery code)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("web:home")
    if request.user.is_verified() or not two_factor.has_two_factor(request.user):
        return redirect(target)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.otp_verify(user=request.user, code=form.cleaned_data["code"], request=request)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect(target)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": target}, status=400 if form.errors else 200)


@login_required
@require_POST
def otp_remove(request, pk: int):
    """Remove a member's authenticator (a lost phone): a manager in scope, audited."""
    owner = _owner(request, pk)
    two_factor.otp_disable(actor=request.user, user=owner, request=request)
    messages.success(request, _("Two-factor sign-in removed; the person sets it up again at the next log-in."))
    return redirect("accounts:detail", pk=owner.pk)
