"""Outreach pages under /outreach/ (the lead links them from the menu)."""

from django.urls import path

from gocua.outreach.views import assignments, catalogue, lists, sessions, visits

app_name = "outreach"

urlpatterns = [
    path("", lists.home, name="home"),
    path("work/", lists.my_work, name="work"),
    path("work/print/", lists.work_print, name="work_print"),
    path("work/today/", lists.digest, name="digest"),
    path("members/<int:member_id>/work/", lists.member_work, name="member_work"),
    path("members/<int:member_id>/work/print/", lists.work_print, name="member_work_print"),
    path("left-behind/", lists.left_behind, name="left_behind"),
    path("progress/", lists.progress, name="progress"),
    path("teams/<int:team_id>/progress/", lists.team_progress, name="team_progress"),
    path("assignments/", assignments.own_team, name="assignments"),
    path("teams/<int:team_id>/assignments/", assignments.team_assignments, name="team_assignments"),
    path("visits/", visits.visit_list, name="visits"),
    path("visits/new/", visits.visit_new, name="visit_new"),
    path("visits/<uuid:uuid>/", visits.visit_detail, name="visit"),
    path("visits/<uuid:uuid>/edit/", visits.visit_edit, name="visit_edit"),
    path("visits/<uuid:uuid>/delete/", visits.visit_delete, name="visit_delete"),
    path("sessions/", sessions.session_list, name="sessions"),
    path("sessions/new/", sessions.session_new, name="session_new"),
    path("teams/<int:team_id>/sessions/new/", sessions.team_session_new, name="team_session_new"),
    path("sessions/<uuid:uuid>/", sessions.session_detail, name="session"),
    path("sessions/<uuid:uuid>/delete/", sessions.session_delete, name="session_delete"),
    path("catalogue/", catalogue.catalogue, name="catalogue"),
    path("catalogue/new/", catalogue.item_new, name="item_new"),
    path("catalogue/<int:pk>/retire/", catalogue.item_retire, name="item_retire"),
]
