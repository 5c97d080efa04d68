"""Public transparency pages (no login): a village's or commune's projects, the QR poster, photos.

These pages are read by whole villages from cheap phones and from a QR code on the notice
board, so they are cacheable: `Cache-Control: public`, an ETag and Last-Modified derived from
one aggregate query, and a 304 without rendering when nothing changed. The rest of the page
takes a constant number of queries, however many projects and entries there are.
"""

import hashlib
from pathlib import Path

import segno
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from gocua.community import vietqr
from gocua.community.models import MAX_VND, ProjectPhoto
from gocua.community.selectors import (
    public_commune,
    public_projects,
    public_unit,
    public_version,
    public_village,
)
from gocua.lib import og
from gocua.places.models import Level


def _build_stamp() -> str:
    """Return a digest of this app's templates and stylesheet, so a deploy that changes them changes ETags."""
    digest = hashlib.sha256()
    root = Path(__file__).parent
    for path in sorted([*root.glob("templates/community/*.html"), *root.glob("static/community/*.css")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


BUILD = _build_stamp()
PUBLIC_MAX_AGE = 300  # five minutes: a new contribution shows soon, a crowd at the notice board costs little
PHOTO_MAX_AGE = 24 * 3600


def _public_unit_or_404(code: str):
    unit = public_unit(code)
    if unit is None:
        raise Http404
    return unit


def _validators(request, unit, page: str, *extra) -> tuple[str, int | None]:
    count, latest = public_version(unit)
    stamp = int(latest.timestamp()) if latest else None
    parts = [BUILD, page, unit.code, unit.name, str(count), latest.isoformat() if latest else "-",
             get_language() or "", *extra]
    return '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32] + '"', stamp


def _cacheable(response, etag: str, stamp: int | None, max_age: int = PUBLIC_MAX_AGE):
    response["ETag"] = etag
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp)
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def _public_url(request, unit) -> str:
    return request.build_absolute_uri(reverse("community:public", args=[unit.code]))


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " ₫"


def _projects_of(unit) -> tuple[list, list, list[tuple[str, int]]]:
    """Return (projects shown in full, village groups, (title, money collected) of every project) of a page."""
    if unit.level == Level.VILLAGE:
        full = public_village(unit)
        return full, [], [(item.project.title, item.totals.collected_vnd) for item in full]
    commune_wide, groups = public_commune(unit)
    every = [(item.project.title, item.totals.collected_vnd) for item in commune_wide]
    every += [(p.title, p.totals.collected_vnd) for _u, ps in groups for p in ps]
    return commune_wide, groups, every


def _card(unit, projects: list[tuple[str, int]]) -> og.Card:
    """Return the preview of a unit's page: its first project, the place, the money the people gave."""
    collected = sum(money for _title, money in projects)
    place = f"{unit.name}, {unit.parent.name}" if unit.parent_id and unit.parent else unit.name
    return og.Card(
        title=projects[0][0] if projects else _("Digital projects of %(unit)s") % {"unit": unit.name},
        place=place, figure=_vnd(collected), figure_label=_("given by the people"),
        kicker=_("GõCửa · The people's own strength"), accent="community",
    )


def _og_tags(request, unit, projects) -> dict:
    card = _card(unit, projects)
    if projects:
        description = _("%(n)s projects, %(money)s given by the people. See what each đồng paid for.") % {
            "n": len(projects), "money": card.figure}
    else:
        description = _("Village digital projects and what each đồng paid for")
    return og.tags(
        title=f"{unit.name} · {card.title}" if projects else card.title, description=description,
        url=_public_url(request, unit), card=card,
        image_url=request.build_absolute_uri(reverse("community:public_card", args=[unit.code])),
    )


@require_safe
def public_page(request, code: str):
    unit = _public_unit_or_404(code)
    etag, stamp = _validators(request, unit, "page")
    not_modified = get_conditional_response(request, etag=etag, last_modified=stamp)
    if not_modified is not None:
        return _cacheable(not_modified, etag, stamp)
    full, groups, every = _projects_of(unit)
    tags = _og_tags(request, unit, every)
    context = {"unit": unit, "projects": full, "poster_url": reverse("community:poster", args=[code]),
               "og": tags, "share_url": tags["url"], "share_title": tags["title"]}
    if unit.level == Level.VILLAGE:
        response = render(request, "community/public_village.html", context)
    else:
        response = render(request, "community/public_commune.html", {**context, "groups": groups})
    return _cacheable(response, etag, stamp)


@require_safe
def public_card(request, code: str):
    """Serve the page's preview image (Open Graph), drawn once per content."""
    unit = _public_unit_or_404(code)
    _full, _groups, every = _projects_of(unit)
    return og.image_response(_card(unit, every))


@require_safe
def poster(request, code: str):
    unit = _public_unit_or_404(code)
    url = _public_url(request, unit)
    etag, stamp = _validators(request, unit, "poster", url)
    not_modified = get_conditional_response(request, etag=etag, last_modified=stamp)
    if not_modified is not None:
        return _cacheable(not_modified, etag, stamp)
    # Generated here, never by an online QR service: the poster must print with no network.
    qr_svg = segno.make(url, error="m", micro=False).svg_inline(scale=4, border=2, omitsize=True,
                                                                 title=url)
    response = render(request, "community/poster.html", {"unit": unit, "url": url, "qr_svg": qr_svg})
    return _cacheable(response, etag, stamp)


def _amount(raw: str | None) -> int | None:
    """Return a whole-đồng amount from the query string, or None (a code without an amount)."""
    digits = (raw or "").replace(".", "").replace(",", "").replace(" ", "")
    if not digits.isdigit() or len(digits) > 11:
        return None
    amount = int(digits)
    return amount if 1_000 <= amount <= MAX_VND else None


@require_safe
def pay(request, code: str, pk: int):
    """Show the VietQR code for a transfer into a project, with the amount the resident chose."""
    unit = _public_unit_or_404(code)
    project = public_projects(unit).filter(pk=pk).select_related("unit").first()
    if project is None or not project.accepts_contributions or not (project.bank_bin and project.bank_account):
        raise Http404
    amount = _amount(request.GET.get("amount"))
    household = (request.GET.get("ho") or "")[:20]
    reference = vietqr.reference_for(project.pk, household)
    content = vietqr.payload(bank_bin=project.bank_bin, account=project.bank_account, amount=amount,
                             reference=reference)
    response = render(request, "community/pay.html", {
        "unit": unit, "project": project, "amount": amount, "reference": reference, "household": household,
        "bank": vietqr.banks().get(project.bank_bin, project.bank_bin), "presets": vietqr.AMOUNT_PRESETS,
        "qr_svg": vietqr.svg(content, title=reference), "payload": content,
        "public_url": reverse("community:public", args=[unit.code]),
    })
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


@require_safe
def photo(request, photo_id: int, size: str = "full"):
    item = ProjectPhoto.objects.filter(pk=photo_id).only("image", "thumb").first()
    if item is None:
        raise Http404
    field = item.thumb if size == "thumb" else item.image
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    patch_cache_control(response, public=True, max_age=PHOTO_MAX_AGE)
    response["X-Content-Type-Options"] = "nosniff"
    return response
