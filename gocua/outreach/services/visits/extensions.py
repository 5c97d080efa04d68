"""An extension point: another app adds its own part to a visit, checked and written in the visit's transaction.

The visit services know nothing of what an extension records. A visit input carries
`extras` ({extension key: value}); for each registered extension, `visit_record_many`

1. calls `prepare(requests)` once for the whole batch (one query per table, like the visit rules),
2. calls `clean(state, actor, request, visited_on)` per visit: it returns the cleaned value or
   raises a DomainError, which refuses that visit like any other rule (nothing written for it),
3. calls `write(state, actor, [(visit, cleaned value), …])` once, after the visits are inserted.

`visit_deleted(actor, visit)` is called in the transaction of a visit's deletion, to undo what
the extension wrote for it.

`form_items(household, on)` lets the web visit form offer the extension's checkboxes
(posted as `extra-<key>`). Registered once at start-up from the other app's `AppConfig.ready()`.
"""

from typing import Any, Protocol

from gocua.errors import DomainError
from gocua.outreach.errors import OutreachErrorCode


class VisitExtension(Protocol):
    key: str

    def prepare(self, requests: list) -> Any: ...

    def clean(self, state: Any, actor, request, visited_on) -> Any: ...

    def write(self, state: Any, actor, pairs: list) -> None: ...

    def form_items(self, household, on) -> dict | None: ...

    def visit_deleted(self, actor, visit) -> None: ...


_REGISTRY: dict[str, VisitExtension] = {}


def register(extension: VisitExtension) -> None:
    _REGISTRY[extension.key] = extension


def registered() -> list[VisitExtension]:
    return list(_REGISTRY.values())


def unknown_keys(extras: dict | None) -> list[str]:
    return sorted(set(extras or {}) - set(_REGISTRY))


def refuse_unknown(extras) -> None:
    """Raise for extras that are not a dict or name no registered extension."""
    if (extras is not None and not isinstance(extras, dict)) or unknown_keys(extras):
        raise DomainError(OutreachErrorCode.EXTRAS_INVALID, field="extras")


def form_items(household, on) -> list[dict]:
    """Return what each extension offers on the web visit form for this household (may be empty)."""
    found = []
    for extension in registered():
        item = extension.form_items(household, on)
        if item:
            found.append({"key": extension.key, **item})
    return found


def visit_deleted(actor, visit) -> None:
    """Let every extension undo its part of a visit being deleted (inside the deletion's transaction)."""
    for extension in registered():
        extension.visit_deleted(actor, visit)
