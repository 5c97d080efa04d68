"""The quick visit form (three screens on a phone), visit pages, corrections and deletion."""

import datetime as dt
import uuid as uuid_lib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gocua.accounts.scope import in_scope, scoped
from gocua.errors import DomainError
from gocua.households import search
from gocua.households.models import Household, Resident
from gocua.outreach import need, rules, selectors
from gocua.outreach.models import Outcome, ServiceItem
from gocua.outreach.services import visits as visit_services
from gocua.outreach.services.visits import extensions
from gocua.outreach.views._common import forbid_if, int_or_none, member_choices, paginate, parse_day

MAX_PICKS = 50


# --- parsing the forms -----------------------------------------------------------------------------


def _header(data) -> dict:
    """Return what every step carries: the form UUID, household id, date, members, paper flag."""
    return {
        "uuid": data.get("uuid") or "",
        "household_id": int_or_none(data.get("household")),
        "visited_on": parse_day(data.get("visited_on")),
        "member_ids": [i for i in (int_or_none(v) for v in data.getlist("members")) if i is not None],
        "from_paper": data.get("from_paper") in ("1", "on", "true"),
    }


FOLLOW_UP_PICKS = (3, 7, 14)  # the quick picks of "come back in": 3 days, 1 week, 2 weeks


def _follow_up_from_post(data, rid: int, visited_on):
    """Return the follow-up date picked for one resident: a quick pick counted from the visit day, or the date typed."""
    picked = int_or_none(data.get(f"r{rid}_follow_up_in"))
    if picked in FOLLOW_UP_PICKS and visited_on is not None:
        return visited_on + dt.timedelta(days=picked)
    return parse_day(data.get(f"r{rid}_follow_up"))


def _outcomes_from_post(data, resident_ids: list[int], items, visited_on=None) -> list[dict]:
    """Read the per-resident outcome selects (r<resident>_i<item>), note and follow-up date."""
    residents = []
    for rid in resident_ids:
        follow_up_on = _follow_up_from_post(data, rid, visited_on)
        outcomes = []
        for item in items:
            value = data.get(f"r{rid}_i{item.pk}") or ""
            if value:
                dated = value in (Outcome.FOLLOW_UP, Outcome.PARTLY)
                outcomes.append({"item_id": item.pk, "outcome": value,
                                 "follow_up_on": follow_up_on if dated else None})
        residents.append({"resident_id": rid, "present": True, "note": data.get(f"r{rid}_note", ""),
                          "outcomes": outcomes})
    return residents


def _extras_from_post(data) -> dict:
    """Read what the other apps' parts of the form posted (`extra-<key>` checkboxes, see extensions.py)."""
    found = {e.key: data.getlist(f"extra-{e.key}") for e in extensions.registered()}
    return {key: values for key, values in found.items() if values}


def _household_or_403(user, household_id) -> Household:
    household = get_object_or_404(Household.objects.select_related("village", "head"), pk=household_id or 0)
    if not in_scope(user, household):
        raise PermissionDenied(_("This household is outside your area."))
    return household


def _residents_of(household) -> list[Resident]:
    return list(household.residents.filter(status__in=Resident.COUNTED_STATUSES).order_by("id"))


# --- the three screens -----------------------------------------------------------------------------


def _step1_context(request, header, error=None):
    me = rules.actor_member(request.user)
    query = (request.GET.get("q") or request.POST.get("q") or "").strip()
    picks = []
    if query:
        households = scoped(request.user, Household.objects.select_related("head", "village"))
        picks = search.first(households, query, order=search.HOUSEHOLD_ORDER, limit=MAX_PICKS)
    members = member_choices(request.user)
    if not header["member_ids"] and me is not None:
        header["member_ids"] = [me.pk]
    if not query:
        # The work list of whoever went (a paper list's member, or me), most in need first.
        chosen = [m for m in members if m.pk in header["member_ids"]]
        owner = chosen[0] if len(chosen) == 1 else me
        if owner is not None:
            picks = list(selectors.work_list_queryset(owner)[:MAX_PICKS])
    if header["household_id"] and all(h.pk != header["household_id"] for h in picks):
        # Opened from a household page: that household first, already chosen.
        chosen = scoped(request.user, Household.objects.select_related("head", "village"))
        picks = list(chosen.filter(pk=header["household_id"])) + picks
    return {
        "step": 1, "header": header, "picks": picks, "query": query, "error": error,
        "members": members, "today": timezone.localdate(),
    }


def _step2_context(request, header, household, error=None, ticked=()):
    """Offer first the people aged 15+ who still lack something; children and the rest fold away."""
    items = list(ServiceItem.objects.filter(is_active=True))
    residents = _residents_of(household)
    suggested = [r for r in residents if r.birth_year <= need.this_year() - need.ADULT_AGE and need.resident_needs(r, items)]
    others = [r for r in residents if r not in suggested]
    return {"step": 2, "header": header, "household": household, "residents": suggested, "others": others,
            "ticked": set(ticked), "error": error}


def _step3_context(request, header, household, resident_ids, error=None, posted=None):
    """Show, per person, the services they still lack first; the others fold away."""
    residents = {r.pk: r for r in _residents_of(household)}
    chosen = [residents[rid] for rid in resident_ids if rid in residents]
    items = list(ServiceItem.objects.filter(is_active=True))
    for resident in chosen:
        resident.lacking_items = need.resident_needs(resident, items)
        resident.other_items = [i for i in items if i not in resident.lacking_items]
    extras = extensions.form_items(household, header["visited_on"] or timezone.localdate())
    for extra in extras:  # a refused form comes back with the boxes as they were ticked
        ticked = set(posted.getlist(f"extra-{extra['key']}")) if posted else set()
        for choice in extra["choices"]:
            choice["ticked"] = str(choice["value"]) in ticked
    return {"step": 3, "header": header, "household": household, "residents": chosen, "items": items,
            "outcomes": Outcome.choices, "error": error, "posted": posted or {}, "picks": FOLLOW_UP_PICKS,
            "extras": extras}


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request):
    """Screen 1: pick a household (+ date, who went); screen 2: residents present; screen 3: outcomes."""
    if request.method == "GET":
        header = {
            "uuid": str(uuid_lib.uuid4()), "household_id": int_or_none(request.GET.get("household")),
            "visited_on": timezone.localdate(),
            "member_ids": [i for i in [int_or_none(request.GET.get("member"))] if i is not None],
            "from_paper": request.GET.get("paper") == "1",
        }
        return render(request, "outreach/visit_step1.html", _step1_context(request, header))
    header = _header(request.POST)
    step = request.POST.get("step")
    if step == "1" and not header["uuid"]:  # the work list's one-tap button starts a new form
        header["uuid"] = str(uuid_lib.uuid4())
    if step == "1" and not header["household_id"]:
        error = _("Choose a household.")
        return render(request, "outreach/visit_step1.html", _step1_context(request, header, error))
    household = _household_or_403(request.user, header["household_id"])
    try:
        visit_services.visit_check_start(actor=request.user, household=household,
                                         visited_on=header["visited_on"], member_ids=header["member_ids"])
    except DomainError as exc:
        forbid_if(exc)
        return render(request, "outreach/visit_step1.html", _step1_context(request, header, exc.message))
    if step == "1":
        return render(request, "outreach/visit_step2.html", _step2_context(request, header, household))
    ticked = [i for i in (int_or_none(v) for v in request.POST.getlist("residents")) if i is not None]
    if step == "2":
        if not ticked:
            context = _step2_context(request, header, household, _("Tick at least one resident who was checked."))
            return render(request, "outreach/visit_step2.html", context)
        return render(request, "outreach/visit_step3.html", _step3_context(request, header, household, ticked))
    items = list(ServiceItem.objects.filter(is_active=True))
    try:
        visit = visit_services.visit_record(
            actor=request.user, uuid=header["uuid"], household=household, visited_on=header["visited_on"],
            member_ids=header["member_ids"],
            residents=_outcomes_from_post(request.POST, ticked, items, header["visited_on"]),
            note=request.POST.get("note", ""), from_paper=header["from_paper"],
            extras=_extras_from_post(request.POST),
        )
    except DomainError as exc:
        forbid_if(exc)
        context = _step3_context(request, header, household, ticked, exc.message, request.POST)
        return render(request, "outreach/visit_step3.html", context)
    if getattr(visit, "created", True):
        messages.success(request, _("Visit saved."))
    else:
        messages.info(request, _("This visit was already saved."))
    return redirect("outreach:visit", uuid=visit.uuid)


# --- visit pages -----------------------------------------------------------------------------------


@login_required
def visit_list(request):
    household = None
    if request.GET.get("household"):
        household = get_object_or_404(scoped(request.user, Household.objects.all()),
                                      pk=int_or_none(request.GET.get("household")) or 0)
    visits = selectors.visits_in_scope(request.user, household=household)
    return render(request, "outreach/visit_list.html", {"page": paginate(request, visits), "household": household})


@login_required
def visit_detail(request, uuid):
    visit = get_object_or_404(selectors.visit_detail_queryset(request.user), uuid=uuid)
    return render(request, "outreach/visit_detail.html", {
        "visit": visit, "can_change": rules.can_change_visit(request.user, visit),
        "on_behalf": rules.entered_on_behalf(visit),
    })


def _edit_context(request, visit, error=None, posted=None):
    household = visit.household
    rows = {vr.resident_id: vr for vr in visit.visit_residents.all()}
    residents = _residents_of(household)
    residents += [vr.resident for rid, vr in rows.items() if rid not in {r.pk for r in residents}]
    used = {o.item_id for vr in rows.values() for o in vr.outcomes.all()}
    items = list(ServiceItem.objects.filter(is_active=True) | ServiceItem.objects.filter(pk__in=used))
    if posted is None:
        posted = {"visited_on": visit.visited_on.isoformat(), "note": visit.note}
        for rid, vr in rows.items():
            posted[f"r{rid}_note"] = vr.note
            for o in vr.outcomes.all():
                posted[f"r{rid}_i{o.item_id}"] = o.outcome
                if o.follow_up_on:
                    posted[f"r{rid}_follow_up"] = o.follow_up_on.isoformat()
        member_ids = [m.pk for m in visit.members.all()]
        ticked = set(rows)
    else:
        member_ids = [int_or_none(v) for v in posted.getlist("members")]
        ticked = {int_or_none(v) for v in posted.getlist("residents")}
    return {"visit": visit, "household": household, "residents": residents, "items": items,
            "outcomes": Outcome.choices, "posted": posted, "ticked": ticked, "member_ids": member_ids,
            "picks": FOLLOW_UP_PICKS,
            "members": [m for m in member_choices(request.user) if m.team_id == visit.team_id]
            or list(visit.members.all()), "error": error}


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request, uuid):
    visit = get_object_or_404(selectors.visit_detail_queryset(request.user), uuid=uuid)
    if not rules.can_change_visit(request.user, visit):
        raise PermissionDenied(_("Only the member who recorded this visit or the team leader can change it, "
                                 "within 7 days."))
    if request.method == "GET":
        return render(request, "outreach/visit_edit.html", _edit_context(request, visit))
    ticked = [i for i in (int_or_none(v) for v in request.POST.getlist("residents")) if i is not None]
    items = _edit_context(request, visit)["items"]
    try:
        visit_services.visit_correct(
            actor=request.user, visit=visit, visited_on=parse_day(request.POST.get("visited_on")),
            member_ids=request.POST.getlist("members"),
            residents=_outcomes_from_post(request.POST, ticked, items, parse_day(request.POST.get("visited_on"))),
            note=request.POST.get("note", ""), reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        forbid_if(exc)
        return render(request, "outreach/visit_edit.html", _edit_context(request, visit, exc.message, request.POST))
    messages.success(request, _("Visit corrected; the previous version is kept."))
    return redirect("outreach:visit", uuid=visit.uuid)


@login_required
@require_POST
def visit_delete(request, uuid):
    visit = get_object_or_404(selectors.visit_detail_queryset(request.user), uuid=uuid)
    try:
        visit_services.visit_delete(actor=request.user, visit=visit, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        forbid_if(exc)
        messages.error(request, str(exc.message))
        return redirect("outreach:visit", uuid=visit.uuid)
    messages.success(request, _("Visit deleted."))
    return redirect("outreach:visit", uuid=visit.uuid)
