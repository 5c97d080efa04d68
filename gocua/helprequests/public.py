"""Public help pages (no login): a village's help form, its printable QR poster, a request's status page.

The form page is not cached like the community pages: it carries a CSRF token and a signed
time stamp (the time-to-fill check), both per visitor.
"""

import segno
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from gocua.accounts.client_ip import client_ip
from gocua.errors import DomainError
from gocua.helprequests import labels, selectors, services
from gocua.helprequests.models import PreferredTime, Status
from gocua.lib import og
from gocua.lib import phone as phones
from gocua.outreach.models import ServiceItem
from gocua.teams.models import Member, Team

FIELDS = ("service", "other_text", "preferred_time", "name", "phone", "consent", "website", "t")


def _village_or_404(code: str):
    try:
        return services.help_village(code)
    except DomainError:
        raise Http404 from None


def _team_of(village):
    team = Team.objects.filter(unit=village, is_active=True).order_by("pk").first()
    leader = None
    if team is not None:
        leader = (Member.objects.filter(team=team, left_on__isnull=True, role=Member.Role.LEADER)
                  .exclude(phone="").order_by("pk").first())
    return team, (phones.mask(leader.phone) if leader else "")


def help_card(village, team) -> og.Card:
    """The preview a pasted link shows on Zalo or Facebook: the village, its team, what to do."""
    return og.Card(
        title=_("Ask the village digital team for help"),
        place=village.name, figure=_("Free"),
        figure_label=team.name if team is not None else _("the village digital team"),
        kicker=_("GõCửa · Help"), accent="info",
    )


def _og(request, village, team) -> dict:
    url = request.build_absolute_uri(reverse("help_public:page", args=[village.code]))
    return og.tags(
        title=_("Ask for help · %(village)s") % {"village": village.name},
        description=_("Stuck with VNeID, online public services or paying by phone? Leave your name and phone: "
                      "the village digital team calls you back, free of charge."),
        url=url, image_url=request.build_absolute_uri(reverse("help_public:card", args=[village.code])),
        card=help_card(village, team),
    )


def _form_context(village, values=None, error=None, request=None):
    team, leader_phone = _team_of(village)
    shared = {}
    if request is not None:
        shared = {"og": _og(request, village, team),
                  "share_url": request.build_absolute_uri(reverse("help_public:page", args=[village.code]))}
        shared["share_title"] = shared["og"]["title"]
    return {**shared,
        "unit": village, "team": team, "leader_phone": leader_phone,
        "choices": labels.choices(ServiceItem.objects.filter(is_active=True)),
        "times": PreferredTime.choices, "values": values or {"preferred_time": PreferredTime.ANYTIME},
        "token": services.form_token(), "error": error,
        "poster_url": reverse("help_public:poster", args=[village.code]),
        "lookup_url": reverse("help_public:lookup"),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def help_page(request, code: str):
    village = _village_or_404(code)
    if request.method != "POST":
        return render(request, "helprequests/public_form.html", _form_context(village, request=request))
    data = {name: request.POST.get(name, "") for name in FIELDS}
    try:
        filed = services.help_submit(village=village, data=data, client_address=client_ip(request))
    except DomainError as exc:
        values = {k: v for k, v in data.items() if k not in ("website", "t")}
        response = render(request, "helprequests/public_form.html",
                          _form_context(village, values, error=exc, request=request), status=exc.status)
        if exc.status == 429:
            response["Retry-After"] = "3600"
        return response
    return redirect(reverse("help_public:status", args=[filed.code]) + "?new=1")


@require_safe
def card(request, code: str):
    """The village help page's preview image (PNG, drawn here, cached by content)."""
    village = _village_or_404(code)
    team, _phone = _team_of(village)
    return og.image_response(help_card(village, team))


@require_safe
def poster(request, code: str):
    village = _village_or_404(code)
    url = request.build_absolute_uri(reverse("help_public:page", args=[village.code]))
    # Generated here, never by an online QR service: the poster must print with no network.
    qr_svg = segno.make(url, error="m", micro=False).svg_inline(scale=4, border=2, omitsize=True, title=url)
    team, leader_phone = _team_of(village)
    size = "a5" if request.GET.get("size") == "a5" else "a4"
    return render(request, "helprequests/poster.html", {
        "unit": village, "url": url, "qr_svg": qr_svg, "team": team, "leader_phone": leader_phone, "size": size,
        "other_size_url": "?size=a4" if size == "a5" else "?size=a5",
    })


@require_safe
def lookup(request):
    code = (request.GET.get("code") or "").strip()
    found = selectors.by_code(code) if code else None
    if found is not None:
        return redirect("help_public:status", found.code)
    return render(request, "helprequests/public_lookup.html", {"code": code[:20], "missing": bool(code)},
                  status=404 if code else 200)


@require_safe
def status(request, ticket: str):
    found = selectors.by_code(ticket)
    if found is None:
        return render(request, "helprequests/public_lookup.html", {"code": ticket[:20], "missing": True}, status=404)
    shown = selectors.public_status(found)
    # What a resident sees: their own code, what they asked for, where it stands. Nothing of anyone else.
    return render(request, "helprequests/public_status.html", {
        "ticket": found, "shown": shown, "unit": found.village, "service": labels.service_label(found),
        "new": request.GET.get("new") == "1", "Status": Status,
        "closed_by_visit": shown.status == Status.CLOSED and shown.close_reason == "visit",
        "help_url": reverse("help_public:page", args=[found.village.code]),
        "status_text": _status_text(shown),
    })


def _status_text(shown) -> str:
    if shown.status == Status.CLOSED:
        if shown.close_reason == "visit":
            return _("Done: the team visited you and helped.")
        return _("Closed by the team: %(reason)s.") % {"reason": shown.get_close_reason_display()}
    if shown.status == Status.CLAIMED:
        return _("A team member has taken your request and will call you.")
    return _("Received: the village team will call you back.")
