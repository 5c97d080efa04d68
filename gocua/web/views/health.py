"""The process answers: a health check for load balancers and the load benchmark's floor."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def health(request):
    """Answer "ok" without reading the database or a session (the cheapest request the app serves)."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
