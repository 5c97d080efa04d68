"""Helpers shared by the bench tests."""

from io import StringIO

from django.core.management import call_command

from gocua.places.models import Unit


def run(command: str, *args) -> str:
    """Run a management command and return what it printed."""
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def run_demo(*args) -> str:
    return run("demo", *args)


def thap_thuong() -> Unit:
    return Unit.objects.get(commune_code="09784", name="Thôn Tháp Thượng", valid_to__isnull=True)
