"""The team's pages: the help-request queue of its area, one request with its actions, the overdue list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gocua.accounts.models import Role
from gocua.accounts.permissions import OFFICERS
from gocua.errors import DomainError, Forbidden, NotFound
from gocua.helprequests import labels, selectors, services
from gocua.helprequests.models import CloseReason
from gocua.households.models import Household
from gocua.lib import phone as phones


def _rows(user, entries):
    since = selectors.overdue_since()
    return [
        {"r": r, "service": labels.service_label(r), "overdue": selectors.is_overdue(r, since),
         "phone": r.phone if services.sees_phone(user, r) else phones.mask(r.phone)}
        for r in entries
    ]


@login_required
def queue(request):
    """List the open requests of the user's area (one entry per phone), oldest first."""
    tab = request.GET.get("tab", "open")
    if tab == "closed":
        entries = selectors.queue(request.user, closed=True)
    elif tab == "spam":
        entries = selectors.hidden_as_spam(request.user)
    elif tab == "overdue":
        entries = selectors.overdue(request.user)
    else:
        tab, entries = "open", selectors.queue(request.user)
    return render(request, "helprequests/queue.html", {
        "rows": _rows(request.user, entries), "tab": tab, "hours": selectors.overdue_since,
        "is_officer": request.user.role in OFFICERS,
    })


def _entry_or_404(request, pk: int):
    found = selectors.entry(request.user, pk)
    if found is None:
        raise Http404
    return found


def _detail_context(request, entry, error=None) -> dict:
    return {
        "row": _rows(request.user, [entry])[0], "r": entry, "error": error,
        "candidates": selectors.household_candidates(request.user, entry),
        "can_work": services.can_work(request.user, entry),
        "can_claim": services.acting_member(request.user, entry) is not None,
        "can_unmark": request.user.role in (*OFFICERS, Role.TEAM_LEADER),
        "reasons": [(v, label) for v, label in CloseReason.choices if v != CloseReason.VISIT],
    }


@login_required
def detail(request, pk: int):
    entry = _entry_or_404(request, pk)
    return render(request, "helprequests/detail.html", _detail_context(request, entry))


@login_required
@require_POST
def act(request, pk: int, action: str):
    """Apply one action from the detail page (claim, call, link, close, spam, unspam)."""
    entry = _entry_or_404(request, pk)
    user = request.user
    try:
        if action == "claim":
            services.help_claim(actor=user, request=entry)
            messages.success(request, _("You took this request."))
        elif action == "call":
            services.help_call(actor=user, request=entry)
            messages.success(request, _("Call noted."))
        elif action == "link":
            household = Household.objects.filter(pk=_int(request.POST.get("household"))).first()
            services.help_link(actor=user, request=entry, household=household)
            messages.success(request, _("Linked to the household."))
        elif action == "close":
            services.help_close(actor=user, request=entry, reason=request.POST.get("reason", ""),
                                note=request.POST.get("note", ""))
            messages.success(request, _("Request closed."))
        elif action == "spam":
            services.help_mark_spam(actor=user, request=entry)
            messages.success(request, _("Every request from this phone is hidden."))
        elif action == "unspam":
            services.help_unmark_spam(actor=user, request=entry)
            messages.success(request, _("Requests from this phone are shown again."))
        else:
            raise Http404
    except NotFound:
        raise Http404 from None
    except Forbidden as exc:
        raise PermissionDenied(str(exc.message)) from None
    except DomainError as exc:
        entry = _entry_or_404(request, pk)
        return render(request, "helprequests/detail.html", _detail_context(request, entry, exc.message),
                      status=exc.status)
    return redirect("help:detail", entry.pk)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
