"""The scope rule, in one place: which rows of any registry table a user may see.

Every scoped table carries `province_code`, `commune_code` and `village_code` (see
households.models.ScopedCodes). A user's scope unit is one node of the hierarchy; the
rows they may see are those whose code at that node's level equals the node's code.
Lists, details, forms, exports and the API all call `scoped()`; a view that does not
has no queryset to show.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from gocua.places.models import Level, code_field


@dataclass(frozen=True)
class Scope:
    level: int
    code: str

    def q(self, prefix: str = "") -> Q:
        """Return the filter for rows inside this scope; `prefix` follows a relation ("team__")."""
        if self.level == Level.NATION:
            return Q()
        return Q(**{f"{prefix}{code_field(self.level)}": self.code})

    def contains(self, obj) -> bool:
        """Return whether a row carrying the three codes (or a Unit) lies in this scope."""
        if self.level == Level.NATION:
            return True
        return getattr(obj, code_field(self.level)) == self.code


NOTHING = None


def scope_of(user) -> Scope | None:
    """Return the user's scope, or None (sees nothing) for anonymous or inactive users."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    unit = user.scope_unit
    if unit is None or unit.valid_to is not None:
        return None
    return Scope(level=unit.level, code=unit.code)


def scoped(user, queryset: QuerySet, *, via: str = "") -> QuerySet:
    """Return `queryset` narrowed to the rows `user` may see (none when they have no scope)."""
    scope = scope_of(user)
    if scope is None:
        return queryset.none()
    return queryset.filter(scope.q(via))


def in_scope(user, obj) -> bool:
    """Return whether `obj` (a row with the three codes, or a Unit) is inside the user's scope."""
    scope = scope_of(user)
    return scope is not None and scope.contains(obj)
