"""Form helpers shared by the pages."""

from django import forms

from gocua.errors import DomainError


def apply_domain_error(form: forms.Form, exc: DomainError, *, field_map: dict | None = None) -> None:
    """Show a service's DomainError on the form field it names (or on the form)."""
    field = (field_map or {}).get(exc.field, exc.field)
    form.add_error(field if field in form.fields else None, str(exc.message))
