"""The service catalogue with its how-tos; national administrators add and retire items."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gocua.accounts.models import Role
from gocua.errors import DomainError
from gocua.households.digital import INDICATORS
from gocua.outreach.models import ServiceItem
from gocua.outreach.services import catalogue as services
from gocua.outreach.views._common import forbid_if
from gocua.web.forms import apply_domain_error


class ItemForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=40)
    name_vi = forms.CharField(label=gettext_lazy("Name (Vietnamese)"), max_length=150)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=150, required=False)
    howto_vi = forms.CharField(label=gettext_lazy("How to guide (Vietnamese), one step per line"),
                               widget=forms.Textarea(attrs={"rows": 5}), required=False)
    howto_en = forms.CharField(label=gettext_lazy("How to guide (English), one step per line"),
                               widget=forms.Textarea(attrs={"rows": 5}), required=False)
    indicators = forms.MultipleChoiceField(label=gettext_lazy("Indicators set to yes when done"), choices=INDICATORS,
                                           widget=forms.CheckboxSelectMultiple, required=False)


def _is_admin(user) -> bool:
    return user.role == Role.NATIONAL_ADMIN


@login_required
def catalogue(request):
    items = ServiceItem.objects.all()
    if not _is_admin(request.user):
        items = items.filter(is_active=True)
    return render(request, "outreach/catalogue.html", {"items": items, "is_admin": _is_admin(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request):
    if not _is_admin(request.user):
        raise PermissionDenied(_("Only national administrators can change the catalogue."))
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_item_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            forbid_if(exc)
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Catalogue item added."))
            return redirect("outreach:catalogue")
    return render(request, "outreach/item_form.html", {"form": form})


@login_required
@require_POST
def item_retire(request, pk: int):
    item = get_object_or_404(ServiceItem, pk=pk)
    try:
        if request.POST.get("restore") == "1":
            services.service_item_restore(actor=request.user, item=item)
        else:
            services.service_item_retire(actor=request.user, item=item)
    except DomainError as exc:
        forbid_if(exc)
    return redirect("outreach:catalogue")
