"""Log in, log out, and the home page that sends each role to its starting point."""

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from gocua.accounts.models import Role
from gocua.accounts.scope import scope_of
from gocua.accounts.services import login_failed_record, login_record, logout_record
from gocua.accounts.two_factor import has_two_factor


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated:
        return redirect("web:home")
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            login(request, user)
            login_record(user=user, request=request)
            target = request.POST.get("next") or request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                target = reverse("web:home")
            if has_two_factor(user):  # the password alone is not enough: ask for the code next
                return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': target})}")
            return redirect(target)
        login_failed_record(username=request.POST.get("username", ""), request=request)
    return render(request, "web/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request):
    logout_record(user=request.user, request=request)
    logout(request)
    return redirect("web:login")


@login_required
def home(request):
    """Send each role to where its work starts: members to their work list, others to their area."""
    if scope_of(request.user) is None:  # no unit, or a unit closed by a reorganisation
        return render(request, "web/no_scope.html", status=403)
    if request.user.role == Role.TEAM_MEMBER and getattr(request.user, "member", None) is not None:
        return redirect("outreach:work")
    return redirect("web:unit", code=request.user.scope_unit.code)
