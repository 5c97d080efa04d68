"""Outreach endpoints (visits, sessions, assignments, work lists) under /api/v1/."""

from ninja import Router

router = Router(tags=["outreach"])
