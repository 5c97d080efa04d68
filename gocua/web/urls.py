from django.urls import path

from gocua.web.views import auth, health, households, priority, reorg, residents, search, teams, units

app_name = "web"

urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("health/", health.health, name="health"),
    path("search/", search.search, name="search"),
    # Units are addressed by their official code (villages: <commune>-NNN), not a database id.
    path("units/<str:code>/", units.unit_detail, name="unit"),
    path("units/<str:code>/villages/new/", units.village_create, name="village_create"),
    path("units/<str:code>/rename/", units.village_rename, name="village_rename"),
    path("units/<str:code>/map-changes/", reorg.reorg_page, name="reorg"),
    path("units/<str:code>/households/new/", households.household_create, name="household_create"),
    path("units/<str:code>/teams/new/", teams.team_create, name="team_create"),
    path("units/<str:code>/priority-groups/", priority.commune_priority, name="commune_priority"),
    path("units/<str:code>/priority-groups/export.csv", priority.priority_export, name="priority_export"),
    path("households/<int:pk>/", households.household_detail, name="household"),
    path("households/<int:pk>/edit/", households.household_edit, name="household_edit"),
    path("households/<int:pk>/move/", households.household_move, name="household_move"),
    path("households/<int:pk>/head/", households.household_set_head, name="household_set_head"),
    path("households/<int:pk>/residents/new/", residents.resident_create, name="resident_create"),
    path("residents/<int:pk>/", residents.resident_detail, name="resident"),
    path("residents/<int:pk>/edit/", residents.resident_edit, name="resident_edit"),
    path("residents/<int:pk>/indicators/", residents.resident_indicators, name="resident_indicators"),
    path("residents/<int:pk>/move/", residents.resident_move, name="resident_move"),
    path("residents/<int:pk>/citizen-id/", residents.resident_reveal, name="resident_reveal"),
    path("residents/<int:pk>/priority/", priority.resident_priority, name="resident_priority"),
    path("teams/<int:pk>/", teams.team_detail, name="team"),
    path("teams/<int:pk>/edit/", teams.team_edit, name="team_edit"),
    path("teams/<int:pk>/members/new/", teams.member_create, name="member_create"),
    path("members/<int:pk>/edit/", teams.member_edit, name="member_edit"),
]
