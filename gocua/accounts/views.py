"""Account pages: change one's password, manage field accounts, browse the audit log."""

from django import forms
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from gocua.accounts.services import password_change as password_change_service
from gocua.errors import DomainError
from gocua.web.forms import apply_domain_error


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=gettext_lazy("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=gettext_lazy("New password"), widget=forms.PasswordInput)
    new_password_again = forms.CharField(label=gettext_lazy("New password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return data


@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_change_service(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                request=request,
            )
        except DomainError as exc:
            apply_domain_error(form, exc, field_map={"password": "new_password"})
        else:
            update_session_auth_hash(request, request.user)
            return redirect("web:home")
    return render(request, "accounts/password_change.html", {"form": form})
