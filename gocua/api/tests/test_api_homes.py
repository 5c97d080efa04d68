"""Moving endpoints to their apps' api.py (issue 20) kept every URL, method and operation id."""

import pytest

from gocua.testing import ApiClient

# Written down from /api/v1/openapi.json of the commit before the move (gocua/api/routes.py still
# served the registry): a list to compare against, not one computed from the code under test.
OPERATIONS_BEFORE_THE_MOVE = {
    ('DELETE', '/api/v1/auth/token', 'gocua_field_api_token_revoke_own'),
    ('DELETE', '/api/v1/auth/tokens/{id}', 'gocua_field_api_token_revoke'),
    ('DELETE', '/api/v1/outreach/sessions/{uuid}', 'gocua_outreach_api_session_delete'),
    ('DELETE', '/api/v1/outreach/visits/{uuid}', 'gocua_outreach_api_visit_delete'),
    ('GET', '/api/v1/auth/tokens', 'gocua_field_api_token_list'),
    ('GET', '/api/v1/community/contributions', 'gocua_community_api_contributions'),
    ('GET', '/api/v1/exports/{code}', 'gocua_imports_api_export_unit'),
    ('GET', '/api/v1/households', 'gocua_api_routes_household_list'),
    ('GET', '/api/v1/households/{id}', 'gocua_api_routes_household_detail'),
    ('GET', '/api/v1/imports/template.xlsx', 'gocua_imports_api_import_template'),
    ('GET', '/api/v1/imports/{uuid}', 'gocua_imports_api_import_detail'),
    ('GET', '/api/v1/imports/{uuid}/problems', 'gocua_imports_api_import_problems'),
    ('GET', '/api/v1/imports/{uuid}/problems.xlsx', 'gocua_imports_api_import_problem_rows'),
    ('GET', '/api/v1/me', 'gocua_api_routes_me'),
    ('GET', '/api/v1/members/{id}', 'gocua_api_routes_member_detail'),
    ('GET', '/api/v1/outreach/assignments', 'gocua_outreach_api_assignment_list'),
    ('GET', '/api/v1/outreach/catalogue', 'gocua_outreach_api_catalogue'),
    ('GET', '/api/v1/outreach/left-behind', 'gocua_outreach_api_left_behind'),
    ('GET', '/api/v1/outreach/sessions', 'gocua_outreach_api_session_list'),
    ('GET', '/api/v1/outreach/sessions/{uuid}', 'gocua_outreach_api_session_detail'),
    ('GET', '/api/v1/outreach/teams/{id}/progress', 'gocua_outreach_api_team_progress'),
    ('GET', '/api/v1/outreach/visits', 'gocua_outreach_api_visit_list'),
    ('GET', '/api/v1/outreach/visits/{uuid}', 'gocua_outreach_api_visit_detail'),
    ('GET', '/api/v1/outreach/work-list', 'gocua_outreach_api_work_list'),
    ('GET', '/api/v1/projects', 'gocua_community_api_project_list'),
    ('GET', '/api/v1/projects/{id}', 'gocua_community_api_project_detail'),
    ('GET', '/api/v1/projects/{id}/entries', 'gocua_community_api_entry_list'),
    ('GET', '/api/v1/residents', 'gocua_api_routes_resident_list'),
    ('GET', '/api/v1/residents/{id}', 'gocua_api_routes_resident_detail'),
    ('GET', '/api/v1/sync', 'gocua_field_api_sync_down'),
    ('GET', '/api/v1/sync/conflicts', 'gocua_field_api_conflict_list'),
    ('GET', '/api/v1/teams', 'gocua_api_routes_team_list'),
    ('GET', '/api/v1/teams/{id}', 'gocua_api_routes_team_detail'),
    ('GET', '/api/v1/units/{code}', 'gocua_api_routes_unit_detail'),
    ('GET', '/api/v1/units/{code}/children', 'gocua_api_routes_unit_children'),
    ('GET', '/api/v1/units/{code}/children/indicators', 'gocua_indicators_api_children_indicators'),
    ('GET', '/api/v1/units/{code}/indicators', 'gocua_indicators_api_unit_indicators'),
    ('PATCH', '/api/v1/households/{id}', 'gocua_api_routes_household_update'),
    ('PATCH', '/api/v1/members/{id}', 'gocua_api_routes_member_update'),
    ('PATCH', '/api/v1/projects/{id}', 'gocua_community_api_project_update'),
    ('PATCH', '/api/v1/residents/{id}', 'gocua_api_routes_resident_update'),
    ('PATCH', '/api/v1/residents/{id}/indicators', 'gocua_api_routes_resident_set_indicators'),
    ('PATCH', '/api/v1/teams/{id}', 'gocua_api_routes_team_update'),
    ('PATCH', '/api/v1/units/{code}', 'gocua_api_routes_village_rename'),
    ('POST', '/api/v1/auth/token', 'gocua_field_api_token_create'),
    ('POST', '/api/v1/households', 'gocua_api_routes_household_create'),
    ('POST', '/api/v1/households/{id}/move', 'gocua_api_routes_household_move'),
    ('POST', '/api/v1/imports', 'gocua_imports_api_import_upload'),
    ('POST', '/api/v1/imports/{uuid}/choices', 'gocua_imports_api_import_choices'),
    ('POST', '/api/v1/imports/{uuid}/confirm', 'gocua_imports_api_import_confirm'),
    ('POST', '/api/v1/outreach/assignments', 'gocua_outreach_api_assignment_bulk'),
    ('POST', '/api/v1/outreach/assignments/remove', 'gocua_outreach_api_assignment_remove'),
    ('POST', '/api/v1/outreach/sessions', 'gocua_outreach_api_session_create'),
    ('POST', '/api/v1/outreach/visits', 'gocua_outreach_api_visit_create'),
    ('POST', '/api/v1/projects', 'gocua_community_api_project_create'),
    ('POST', '/api/v1/projects/{id}/contributions', 'gocua_community_api_contribution_create'),
    ('POST', '/api/v1/projects/{id}/entries/{entry_id}/reverse', 'gocua_community_api_entry_reverse'),
    ('POST', '/api/v1/projects/{id}/expenses', 'gocua_community_api_expense_create'),
    ('POST', '/api/v1/projects/{id}/status', 'gocua_community_api_project_status'),
    ('POST', '/api/v1/residents', 'gocua_api_routes_resident_create'),
    ('POST', '/api/v1/residents/{id}/move', 'gocua_api_routes_resident_move'),
    ('POST', '/api/v1/sync', 'gocua_field_api_sync_up'),
    ('POST', '/api/v1/sync/conflicts/{id}/settle', 'gocua_field_api_conflict_settle'),
    ('POST', '/api/v1/teams', 'gocua_api_routes_team_create'),
    ('POST', '/api/v1/teams/{id}/members', 'gocua_api_routes_member_create'),
    ('POST', '/api/v1/units/{code}/villages', 'gocua_api_routes_village_create'),
    ('PUT', '/api/v1/households/{id}/head', 'gocua_api_routes_household_set_head'),
    ('PUT', '/api/v1/outreach/households/{id}/assignments', 'gocua_outreach_api_assignment_set'),
    ('PUT', '/api/v1/outreach/visits/{uuid}', 'gocua_outreach_api_visit_correct'),
}


@pytest.fixture
def spec(db):
    return ApiClient().get("/openapi.json").json()


def test_every_operation_keeps_its_method_path_and_operation_id(spec):
    operations = {
        (method.upper(), path, operation["operationId"])
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    }
    assert OPERATIONS_BEFORE_THE_MOVE <= operations
    # Endpoints added since take their own module's name, never the old home's.
    assert not [op for op in operations - OPERATIONS_BEFORE_THE_MOVE if op[2].startswith("gocua_api_routes_")]


def test_the_registry_endpoints_are_served_from_their_apps(spec):
    from gocua.api.api import api

    modules = {op.view_func.__module__ for router in api._routers for op in _operations(router[1])}
    assert {"gocua.accounts.api", "gocua.places.api", "gocua.teams.api", "gocua.households.api"} <= modules
    assert not any(module.startswith("gocua.api.") for module in modules)


def _operations(router):
    for path_view in router.path_operations.values():
        yield from path_view.operations
