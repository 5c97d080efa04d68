"""Alert pages: the officers' list, publish / change / withdraw (login); the public province page and its card."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gocua.accounts.permissions import OFFICERS
from gocua.alerts import selectors, services
from gocua.alerts.forms import AlertForm
from gocua.alerts.models import Alert
from gocua.errors import DomainError, Forbidden
from gocua.lib import og
from gocua.places.models import Level, Unit
from gocua.web.views.common import attempt, paginate, require

PUBLIC_MAX_AGE = 300


def _areas(user) -> list[Unit]:
    """Return the areas `user` may alert: their own unit and, below it, provinces or communes."""
    unit = user.scope_unit
    below = []
    if unit.level == Level.NATION:
        below = Unit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True).order_by("code")
    elif unit.level == Level.PROVINCE:
        below = Unit.objects.filter(level=Level.COMMUNE, province_code=unit.code, valid_to__isnull=True).order_by("name")
    return [unit, *below]


def _area(code) -> Unit | None:
    return Unit.objects.filter(code=(code or "").strip(), valid_to__isnull=True).first()


def _officer(request) -> None:
    require(request.user.role in OFFICERS and request.user.scope_unit is not None)


def _form_page(request, form, *, title, alert=None):
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "alerts/form.html", {"form": form, "title": title, "alert": alert}, status=status)


@login_required
@require_safe
def alert_list(request):
    _officer(request)
    return render(request, "alerts/list.html", {
        "page": paginate(request, selectors.managed(request.user)), "today": timezone.localdate(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def alert_new(request):
    _officer(request)
    user = request.user
    form = AlertForm(request.POST or None, request.FILES or None, areas=_areas(user),
                     initial={"area": user.scope_unit.code})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = _area(data["area"])
        if area is None:
            form.add_error("area", _("Choose the area from the list."))
        else:
            alert = attempt(form, lambda: services.alert_publish(
                actor=user, unit=area, title=data["title"], looks_like=data["looks_like"],
                what_to_do=data["what_to_do"], severity=data["severity"], expires_on=data["expires_on"],
                image=data.get("image"), request=request), field_map={"unit": "area"})
            if not form.errors:
                messages.success(request, _("Alert published: every team of the area sees it on its next sync."))
                return redirect("alerts:detail", pk=alert.pk)
    return _form_page(request, form, title=_("New scam alert"))


@login_required
@require_safe
def alert_detail(request, pk: int):
    _officer(request)
    alert = get_object_or_404(selectors.managed(request.user), pk=pk)
    counts = selectors.warned_counts([alert.pk], alert.unit.code)
    return render(request, "alerts/detail.html", {"alert": alert, "warned": counts.get(alert.pk, 0),
                                                  "public_url": _public_url(request, alert)})


@login_required
@require_http_methods(["GET", "POST"])
def alert_edit(request, pk: int):
    _officer(request)
    user = request.user
    alert = get_object_or_404(selectors.managed(user), pk=pk)
    initial = {"title": alert.title, "looks_like": alert.looks_like, "what_to_do": alert.what_to_do,
               "severity": alert.severity, "area": alert.unit.code, "expires_on": alert.expires_on}
    form = AlertForm(request.POST or None, request.FILES or None, areas=_areas(user), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = _area(data["area"])
        if area is None:
            form.add_error("area", _("Choose the area from the list."))
        else:
            values = {name: data[name] for name in ("title", "looks_like", "what_to_do", "severity", "expires_on")}
            attempt(form, lambda: services.alert_update(
                actor=user, alert=alert, values={**values, "unit": area}, image=data.get("image"),
                remove_image=request.POST.get("remove_image") == "1", request=request), field_map={"unit": "area"})
            if not form.errors:
                messages.success(request, _("Alert changed."))
                return redirect("alerts:detail", pk=alert.pk)
    return _form_page(request, form, title=_("Change the alert"), alert=alert)


@login_required
@require_POST
def alert_withdraw(request, pk: int):
    _officer(request)
    alert = get_object_or_404(selectors.managed(request.user), pk=pk)
    try:
        services.alert_withdraw(actor=request.user, alert=alert, request=request)
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Alert withdrawn."))
    return redirect("alerts:detail", pk=alert.pk)


# --- public pages (no login) -------------------------------------------------------------------------


def _province_or_404(code: str) -> Unit:
    unit = Unit.objects.filter(code=code, level=Level.PROVINCE, valid_to__isnull=True).first()
    if unit is None:
        raise Http404
    return unit


def _public_url(request, alert: Alert) -> str | None:
    code = alert.province_code
    return request.build_absolute_uri(reverse("alerts:public", args=[code])) if code else None


def province_card(province: Unit, alerts: list[Alert]) -> og.Card:
    top = alerts[0] if alerts else None
    return og.Card(
        title=top.title if top else _("No scam alert in force"),
        place=province.name,
        figure=str(len(alerts)),
        figure_label=_("scam alerts in force"),
        kicker=_("GõCửa · Scam alert"),
        accent=top.severity if top else "info",
    )


@require_safe
def public_province(request, code: str):
    """List the alerts in force for residents of a province: printable, shareable, cacheable."""
    province = _province_or_404(code)
    alerts = selectors.public_for_province(province)
    card = province_card(province, alerts)
    url = request.build_absolute_uri(reverse("alerts:public", args=[code]))
    description = " · ".join(a.title for a in alerts[:3]) or _("No scam alert in force in %(p)s.") % {"p": province.name}
    tags = og.tags(title=_("Scam alerts in %(p)s") % {"p": province.name}, description=description, url=url,
                   image_url=request.build_absolute_uri(reverse("alerts:public_card", args=[code])), card=card)
    response = render(request, "alerts/public.html", {"province": province, "alerts": alerts, "og": tags,
                                                      "share_url": url, "share_title": tags["title"]})
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


@require_safe
def public_card(request, code: str):
    province = _province_or_404(code)
    return og.image_response(province_card(province, selectors.public_for_province(province)))


@require_safe
def public_image(request, pk: int):
    """Serve an alert's image while the alert is public (active)."""
    alert = selectors.active().filter(pk=pk).exclude(image="").first()
    if alert is None:
        raise Http404
    try:
        handle = alert.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    response["X-Content-Type-Options"] = "nosniff"
    return response
