"""Builders for community tests: projects, entries, real JPEGs with EXIF, and a write snapshot."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.community import services
from gocua.community.models import LedgerEntry, Project, ProjectPhoto, UnitContribution

G, D = LedgerEntry.Giver, LedgerEntry.Display


def make_project(actor, unit, *, status=Project.Status.COLLECTING, **data) -> Project:
    fields = {"title": "Đèn năng lượng mặt trời", "kind": Project.Kind.SOLAR_LIGHTS, "goal_vnd": 20_000_000, **data}
    project = services.project_create(actor=actor, unit=unit, data=fields)
    if status != Project.Status.PROPOSED:
        services.project_set_status(actor=actor, project=project, status=status)
    return project


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def give(actor, project, **data) -> LedgerEntry:
    """Record a contribution with sensible defaults (anonymous, 100.000 đồng, yesterday)."""
    fields = {"entry_on": yesterday(), "giver": G.ANONYMOUS, "display": D.ANONYMOUS, "money_vnd": 100_000, **data}
    return services.contribution_record(actor=actor, project=project, **fields)


def spend(actor, project, **data) -> LedgerEntry:
    fields = {"entry_on": yesterday(), "description": "Mua đèn", "money_vnd": 50_000, **data}
    return services.expense_record(actor=actor, project=project, **fields)


def jpeg_with_exif(size=(800, 600), *, orientation: int | None = None) -> bytes:
    """Return a real JPEG whose EXIF holds a camera make, a GPS position and (optionally) an orientation."""
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "GocuaTestCam"  # Make
    exif[0x0132] = "2024:05:01 10:00:00"  # DateTime
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (21.0, 5.0, 30.0)  # latitude of a house in Đan Phượng
    gps[3], gps[4] = "E", (105.0, 40.0, 10.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def snapshot() -> tuple[int, int, int, int, list]:
    """Return counts of everything a community write may touch, to prove a refused write wrote nothing."""
    return (
        LedgerEntry.objects.count(),
        ProjectPhoto.objects.count(),
        AuditEvent.objects.count(),
        Project.objects.count(),
        list(UnitContribution.objects.order_by("unit_code").values_list(
            "unit_code", "money_vnd", "labour_days", "contributing_households", "projects_done")),
    )


english_client = f.logged_in  # the kit's client, under the name these tests use
