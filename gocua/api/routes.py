"""Registry endpoints (units, teams, households, residents) under /api/v1/."""

from ninja import Router

router = Router(tags=["registry"])
