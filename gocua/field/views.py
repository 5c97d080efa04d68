"""Pages under /field/: the offline app's shell, manifest and service worker; conflicts for leaders."""

import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from gocua.errors import DomainError
from gocua.field import conflicts as conflict_services
from gocua.field.strings import app_strings

STATIC_FILES = [
    "field/app.js", "field/visit.js", "field/help.js", "field/alerts.js", "field/push.js", "field/skills.js",
    "field/app.css", "field/icon-192.png", "field/icon-512.png",
]


def _version() -> str:
    """Return a hash of everything the service worker caches, so any change installs a new one."""
    digest = hashlib.sha256()
    for name in STATIC_FILES:
        path = finders.find(name)
        if path:
            with open(path, "rb") as handle:
                digest.update(handle.read())
    digest.update(json.dumps(app_strings(), sort_keys=True).encode())
    digest.update((get_language() or "vi").encode())
    return digest.hexdigest()[:16]


@require_GET
def app(request):
    """Serve the app shell: the same for everyone (it is cached offline), data come from IndexedDB."""
    context = {
        "strings": app_strings(),
        "config": {
            "api": "/api/v1",
            "version": _version(),
            "sw": reverse("field:sw"),
            "scope": reverse("field:app"),
            "lang": (get_language() or "vi")[:2],
        },
    }
    return render(request, "field/app.html", context)


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    urls = [reverse("field:app"), reverse("field:manifest"), *[static(name) for name in STATIC_FILES]]
    body = render(request, "field/sw.js", {"version": _version(), "urls": json.dumps(urls)}).content
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("field:app")
    return response


@require_GET
def manifest(request):
    start = reverse("field:app")
    data = {
        "name": _("GõCửa — field app"),
        "short_name": "GõCửa",
        "description": _("Households, residents and visits, also without network."),
        "lang": (get_language() or "vi")[:2],
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#faf8f6",
        "theme_color": "#b3261e",
        "icons": [
            {"src": static("field/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("field/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


# --- conflicts (leaders and officers) ----------------------------------------------------------------


@login_required
@require_GET
def conflict_list(request):
    if not conflict_services.can_settle(request.user):
        raise Http404
    settled = request.GET.get("settled") == "1"
    rows = conflict_services.conflicts_for(request.user, open_only=not settled)
    if settled:
        rows = rows.filter(settled_at__isnull=False)
    page = list(rows.order_by("-created_at", "-id")[:100])
    labels = conflict_services.record_labels(page)
    for conflict in page:
        conflict.label = labels.get(conflict.record_uuid, "")
    return render(request, "field/conflicts.html", {"conflicts": page, "settled": settled})


@login_required
@require_POST
def conflict_settle(request, pk: int):
    conflict = get_object_or_404(conflict_services.conflicts_for(request.user), pk=pk)
    try:
        conflict_services.conflict_settle(actor=request.user, conflict=conflict, keep=request.POST.get("keep", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Conflict settled."))
    return redirect("field:conflicts")
