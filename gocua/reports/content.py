"""What a periodic report says, as one JSON-ready dict (the form it is frozen in when sent).

Built from the dashboards' report (indicators.reports: figures against the targets in force,
children, teams), the teams' activity in the period read from the visits (outreach), the
community projects (community) and the sections other apps register (reports.sections). The A4
page and the workbook are drawn from this dict only, so a report sent, returned or accepted reads
exactly as it was built, whatever changes afterwards.
"""

import datetime as dt
from types import SimpleNamespace

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from gocua.community.models import Project
from gocua.indicators import reports as indicator_reports
from gocua.indicators.selectors import MAP_NOW
from gocua.outreach.models import Outcome, Visit, VisitOutcome
from gocua.places.models import code_field
from gocua.reports import sections

VERSION = 1


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    return str(value)


def _table(table) -> dict:
    return {"title": str(table.title), "headers": [str(h) for h in table.headers],
            "rows": [[_plain(v) for v in row] for row in table.rows], "percent_columns": sorted(table.percent_columns)}


def activity(unit, period) -> dict:
    """Return the teams' work in `period` inside `unit`, counted from the live visits."""
    where = {code_field(unit.level): unit.code} if code_field(unit.level) else {}
    visits = Visit.objects.live().filter(visited_on__gte=period.start, visited_on__lte=period.end, **where)
    outcomes = VisitOutcome.objects.filter(visit_resident__visit__in=visits)
    guided = outcomes.exclude(outcome=Outcome.NOT_APPLICABLE).values("visit_resident__resident").distinct().count()
    done = outcomes.filter(outcome=Outcome.DONE).count()
    # A follow-up is closed by the household's next visit: count the visits of the period whose
    # previous live visit of the same household asked to come back.
    previous = Visit.objects.live().filter(household=OuterRef("household")).filter(
        Q(visited_on__lt=OuterRef("visited_on")) | Q(visited_on=OuterRef("visited_on"), id__lt=OuterRef("id"))
    ).order_by("-visited_on", "-id").values("follow_up_on")[:1]
    closed = visits.annotate(previous_follow_up=Subquery(previous)).filter(previous_follow_up__isnull=False).count()
    counts = visits.aggregate(n=Count("id"), households=Count("household", distinct=True))
    return {"visits": counts["n"], "households_visited": counts["households"], "residents_guided": guided,
            "services_done": done, "follow_ups_closed": closed}


def projects(unit, period) -> list[dict]:
    """Return the community projects of `unit` that were under way or done during `period`."""
    where = {code_field(unit.level): unit.code} if code_field(unit.level) else {}
    rows = Project.objects.filter(**where).exclude(status=Project.Status.CANCELLED).filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=period.end)).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=period.start)).select_related("unit").order_by("unit__name", "title")
    return [{"title": p.title, "place": p.unit.name, "status": str(p.get_status_display()),
             "kind": str(p.get_kind_display())} for p in rows[:200]]


# The parts `build` ticks after (figures, activity, projects), then one per registered section.
OWN_PARTS = 3


def parts() -> int:
    """Return how many times `build(tick=...)` will tick."""
    return OWN_PARTS + len(sections.providers())


def build(*, user, unit, period, tick=None) -> dict:
    """Return the report of `unit` for `period` as it stands now (JSON-ready); `tick()` after each part."""
    tick = tick or (lambda: None)
    context = indicator_reports.report_context(user, SimpleNamespace(unit=unit, on=None, period=period, map_era=MAP_NOW))
    tick()
    summary = context["summary"]
    indicators = []
    if summary is not None:
        for ind in summary.indicators:
            if not ind.has_target and ind.key not in ("household_target",):
                continue
            row = ind.target_row
            indicators.append({
                "key": ind.key, "label": str(ind.label), "yes": ind.yes, "denominator": ind.denominator,
                "counted_over": str(ind.denominator_label), "percent": ind.percent, "target": ind.target,
                "target_count": ind.target_count, "meets": ind.meets_target, "gap": ind.gap,
                "document": row.document if row else "", "target_period": row.period_label if row else "",
                "area": row.area_code if row else "",
            })
    tables = context["tables"]
    notice = context["figures"].notice
    work = activity(unit, period) | {"sessions": context["figures"].sessions}
    tick()
    listed = projects(unit, period)
    tick()
    return {
        "version": VERSION,
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "period": {"kind": period.kind, "token": period.token, "label": str(period.label),
                   "start": period.start.isoformat(), "end": period.end.isoformat()},
        "as_of": _plain(context["as_of"]),
        "built_at": timezone.now().isoformat(),
        "letterhead": {"issuer_parent": context["issuer_parent"], "issuer": context["issuer"],
                       "place": indicator_reports.place_name(unit)},
        "notice": str(notice.message) if notice else None,
        "headline": _table(tables["figures"]) if "figures" in tables else None,
        "indicators": indicators,
        "target_documents": context["target_documents"],
        "activity": work,
        "children": _table(tables["children"]) if tables.get("children") and tables["children"].rows else None,
        "projects": listed,
        "sections": sections.collect(unit, period, tick=tick),
    }
