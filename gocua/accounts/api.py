"""The caller's own account under /api/v1/."""

from ninja import Router

from gocua.api.auth import api_user
from gocua.api.schemas import MeOut, responses

router = Router(tags=["accounts"])


@router.get("/me", response=responses(200, MeOut), summary="The logged-in user")
def me(request):
    user = api_user(request)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "scope_unit": user.scope_unit,
    }
