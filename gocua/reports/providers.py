"""The report sections of the apps built beside the report: help requests, scam alerts, learning.

The report app sits above the domain apps (pyproject.toml layers), so it registers their sections
here (`ReportsConfig.ready`) instead of each app importing the report. Every figure is an aggregate
of the unit (a commune, or a province and all its communes) over the report's period; no row holds
a person's name, phone or ID (sections.py).
"""

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gocua.places.models import Level, code_field
from gocua.reports.sections import Section, register


def _in_unit(unit) -> Q:
    field = code_field(unit.level)
    return Q(**{field: unit.code}) if field else Q()


def _moments(period) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min))
    return start, end


def help_requests_section(unit, period) -> Section | None:
    from gocua.helprequests.models import CloseReason, HelpRequest

    start, end = _moments(period)
    mine = HelpRequest.objects.filter(_in_unit(unit), folded_into__isnull=True)
    received = mine.filter(created_at__gte=start, created_at__lt=end, is_spam=False)
    totals = received.aggregate(entries=Count("id"), asks=Sum("repeat_count"))
    closed = mine.filter(closed_at__gte=start, closed_at__lt=end, is_spam=False)
    by_reason = dict(closed.values_list("close_reason").annotate(n=Count("id")).order_by())
    open_at_end = mine.filter(created_at__lt=end, is_spam=False).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    spam = mine.filter(created_at__gte=start, created_at__lt=end, is_spam=True).count()
    if not (totals["entries"] or closed.exists() or spam):
        return None
    rows = [
        [_("Requests received (one per phone and village)"), totals["entries"] or 0],
        [_("Asks received, repeats included"), totals["asks"] or 0],
        [_("Requests closed"), sum(by_reason.values())],
        *[[f"— {label}", by_reason.get(value, 0)] for value, label in CloseReason.choices],
        [_("Still open at the end of the period"), open_at_end.count()],
        [_("Hidden as spam"), spam],
    ]
    return Section("help_requests", _("Help requests from residents (village QR)"), [_("Item"), _("Count")], rows)


def alerts_section(unit, period) -> Section | None:
    from gocua.alerts.models import Alert, HouseholdWarned
    from gocua.alerts.selectors import covering, inside

    reach = covering(unit) | inside(unit) if unit.level < Level.COMMUNE else covering(unit)
    in_force = (
        Alert.objects.filter(reach, created_at__date__lte=period.end, expires_on__gte=period.start)
        .exclude(withdrawn_at__date__lt=period.start)
        .select_related("unit").order_by("created_at")
    )
    alerts = list(in_force)
    if not alerts:
        return None
    warned = dict(
        HouseholdWarned.objects.filter(_in_unit(unit), alert__in=alerts, warned_on__gte=period.start,
                                       warned_on__lte=period.end)
        .values_list("alert_id").annotate(n=Count("id")).order_by()
    )
    rows = [[alert.title, alert.unit.name, alert.expires_on, warned.get(alert.pk, 0)] for alert in alerts]
    return Section(
        "alerts", _("Scam alerts: households warned in the period"),
        [_("Alert"), _("Area"), _("Last day"), _("Households warned")], rows,
    )


def learning_section(unit, period) -> Section | None:
    from gocua.learning.selectors import report_section

    values = report_section(unit, period)
    labels = [
        ("residents_assessed", _("Residents assessed on the skills framework")),
        ("residents_passed_framework", _("Residents with basic digital skills (framework)")),
        ("course_enrolments", _("Course enrolments (Bình dân học vụ số)")),
        ("courses_completed", _("Courses completed")),
        ("certificates", _("Certificates")),
        ("member_courses", _("Team members' courses")),
        ("member_certificates", _("Team members' certificates")),
    ]
    if not any(values.get(key) for key, _label in labels):
        return None
    return Section(
        "learning", _("Digital skills and Bình dân học vụ số (totals to date)"), [_("Item"), _("Count")],
        [[label, values.get(key) or 0] for key, label in labels],
        note=_("Totals as they stand when the report is made; an accepted report keeps them as sent."),
    )


def register_all() -> None:
    register("help_requests", help_requests_section)
    register("alerts", alerts_section)
    register("learning", learning_section)
