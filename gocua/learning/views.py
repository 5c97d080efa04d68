"""Learning pages: thin adapters over learning.selectors and learning.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gocua.accounts.permissions import MANAGERS, can_edit_registry, can_manage_team
from gocua.accounts.scope import scope_of
from gocua.errors import DomainError, NotFound
from gocua.learning import selectors, services
from gocua.learning.course_import import course_import
from gocua.learning.forms import AssessmentForm, CourseFileForm, EnrolmentForm
from gocua.places.models import Unit
from gocua.web.views.common import attempt, form_page, require


def _resident(request, pk):
    try:
        return selectors.resident_for(request.user, pk)
    except NotFound:
        raise Http404 from None


def _crumbs(resident):
    return [(_("Learning"), reverse("learning:home")),
            (resident.full_name, reverse("web:resident", args=[resident.pk]))]


@login_required
@require_GET
def home(request):
    """Show the framework versions, the figures of the user's area and the import link."""
    scope = scope_of(request.user)
    unit = Unit.objects.filter(code=scope.code, valid_to__isnull=True).first() if scope else None
    counts = selectors.unit_counts([unit.code]).get(unit.code) if unit else None
    return render(request, "learning/home.html", {
        "frameworks": selectors.frameworks(), "unit": unit, "counts": counts,
        "can_import": request.user.role in MANAGERS, "crumbs": [(_("Learning"), None)],
    })


@login_required
@require_GET
def resident_page(request, pk: int):
    """Show a resident's assessments (each under its own framework version) and courses."""
    resident = _resident(request, pk)
    return render(request, "learning/resident.html", {
        "resident": resident, "assessments": selectors.assessments_of(resident),
        "enrolments": selectors.enrolments_of(resident=resident),
        "can_edit": can_edit_registry(request.user, resident), "crumbs": _crumbs(resident)[:1],
    })


@login_required
@require_http_methods(["GET", "POST"])
def resident_assess(request, pk: int):
    """Record a short assessment: the date and one tick per thing the resident shows they can do."""
    resident = _resident(request, pk)
    require(can_edit_registry(request.user, resident))
    try:
        framework = services.current_framework()
    except DomainError as exc:
        return render(request, "web/error.html", {"status": 409, "message": exc.message}, status=409)
    form = AssessmentForm(request.POST if request.method == "POST" else None, framework=framework)
    if request.method == "POST" and form.is_valid():
        attempt(form, lambda: services.assessment_record(
            actor=request.user, resident=resident, answers=form.answers(),
            assessed_on=form.cleaned_data["assessed_on"], framework=framework))
        if not form.errors:
            messages.success(request, _("Assessment recorded."))
            return redirect("learning:resident", pk=resident.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "learning/assess.html", {
        "form": form, "resident": resident, "framework": framework, "crumbs": _crumbs(resident),
    }, status=status)


def _course_form(request, *, title, crumbs, cancel_url, save):
    form = EnrolmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        attempt(form, lambda: save(form.cleaned_data))
        if not form.errors:
            messages.success(request, _("Course saved."))
            return redirect(cancel_url)
    return form_page(request, form, title=title, crumbs=crumbs, cancel_url=cancel_url)


@login_required
@require_http_methods(["GET", "POST"])
def resident_course(request, pk: int):
    """Enter or update a resident's Bình dân học vụ số course (enrolled, completed, certificate)."""
    resident = _resident(request, pk)
    require(can_edit_registry(request.user, resident))
    return _course_form(
        request, title=_("Course of %(name)s") % {"name": resident.full_name}, crumbs=_crumbs(resident),
        cancel_url=reverse("learning:resident", args=[resident.pk]),
        save=lambda data: services.enrolment_save(actor=request.user, data=data, resident=resident),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_course(request, pk: int):
    """Enter a team member's own training (a course and its certificate), shown on the team page."""
    try:
        member = selectors.member_for(request.user, pk)
    except NotFound:
        raise Http404 from None
    require(can_manage_team(request.user, member.team) or getattr(request.user, "member", None) == member)
    return _course_form(
        request, title=_("Training of %(name)s") % {"name": member.full_name},
        crumbs=[(member.team.name, reverse("web:team", args=[member.team.pk]))],
        cancel_url=reverse("web:team", args=[member.team.pk]),
        save=lambda data: services.enrolment_save(actor=request.user, data=data, member=member),
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_import_page(request):
    """Import the course platform's export; show what matched and every row that did not, with its reason."""
    require(request.user.role in MANAGERS)
    form = CourseFileForm(request.POST, request.FILES) if request.method == "POST" else CourseFileForm()
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = attempt(form, lambda: course_import(actor=request.user, data=upload.read(), filename=upload.name))
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "learning/import.html", {
        "form": form, "report": report, "crumbs": [(_("Learning"), reverse("learning:home"))],
    }, status=status)
