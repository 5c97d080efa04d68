"""Search places, households and people inside the user's area, ignoring case and diacritics."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gocua.accounts.permissions import can_see_phone
from gocua.households.search import household_search, resident_search_ranked
from gocua.places.selectors import unit_search

LIMIT = 20
MAX_QUERY = 100


@login_required
@require_GET
def search(request):
    user = request.user
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    context = {
        "search_query": query,
        "searched": bool(query),
        "limit": LIMIT,
        "can_see_phone": can_see_phone(user),
    }
    if query:
        context.update(
            places=unit_search(user=user, query=query, limit=LIMIT),
            households=household_search(user=user, query=query, limit=LIMIT),
            people=resident_search_ranked(user=user, query=query, limit=LIMIT, by_phone=can_see_phone(user)),
        )
    return render(request, "web/search.html", context)
