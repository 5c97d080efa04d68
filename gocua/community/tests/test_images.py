"""Photos and receipts: re-encoded, bounded, EXIF gone; non-images and oversized files refused."""

import io

import pytest
from PIL import Image

from gocua.accounts.models import AuditEvent
from gocua.community import audit, services
from gocua.community.models import LedgerEntry, ProjectPhoto
from gocua.community.services.projects import MAX_PHOTOS
from gocua.community.tests.helpers import jpeg_with_exif, snapshot, spend, upload
from gocua.errors import DomainError, Forbidden


def stored_image(field) -> Image.Image:
    with field.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def test_a_photo_with_exif_is_stored_as_a_bounded_jpeg_without_exif(project, leader, media_in_tmp):
    original = jpeg_with_exif((4000, 3000))
    assert b"GocuaTestCam" in original and Image.open(io.BytesIO(original)).getexif()
    photo = services.photo_add(actor=leader, project=project, upload=upload(original), caption="Cột đèn số 1")
    full, thumb = stored_image(photo.image), stored_image(photo.thumb)
    assert full.format == "JPEG" and max(full.size) == 1600 and max(thumb.size) == 480
    assert (photo.width, photo.height) == full.size
    for field in (photo.image, photo.thumb):
        with field.open("rb") as handle:
            data = handle.read()
        assert b"GocuaTestCam" not in data and b"Exif" not in data
        assert not Image.open(io.BytesIO(data)).getexif()
    assert str(media_in_tmp) in photo.image.path
    assert AuditEvent.objects.filter(action=audit.PHOTO_ADDED, object_id=str(photo.pk)).exists()


def test_the_orientation_tag_is_applied_before_it_is_dropped(project, leader):
    # Orientation 6: the camera was turned; the stored picture must be upright (portrait).
    photo = services.photo_add(actor=leader, project=project, upload=upload(jpeg_with_exif((800, 600), orientation=6)))
    assert (photo.width, photo.height) == (600, 800)


def test_a_transparent_png_becomes_a_jpeg_on_white(project, leader):
    out = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 0, 0)).save(out, format="PNG")
    photo = services.photo_add(actor=leader, project=project, upload=upload(out.getvalue(), "a.png", "image/png"))
    image = stored_image(photo.image)
    assert image.format == "JPEG" and image.getpixel((10, 10))[0] > 240


@pytest.mark.parametrize(("data", "code"), [
    (b"<script>alert(1)</script>", "image_invalid"),
    (b"%PDF-1.4 not a photo", "image_invalid"),
    (jpeg_with_exif()[:200], "image_invalid"),  # a truncated JPEG
    (b"", "image_empty"),
])
def test_it_refuses_files_that_are_not_images_and_writes_nothing(project, leader, media_in_tmp, data, code):
    before = snapshot()
    with pytest.raises(DomainError) as info:
        services.photo_add(actor=leader, project=project, upload=upload(data, "x.jpg"))
    assert info.value.code == code
    assert snapshot() == before
    assert not media_in_tmp.exists() or not any(media_in_tmp.rglob("*.jpg"))


def test_it_refuses_an_image_over_the_size_limit(project, leader, settings):
    settings.GOCUA_PHOTO_MAX_BYTES = 10_000
    before = snapshot()
    with pytest.raises(DomainError) as info:
        services.photo_add(actor=leader, project=project, upload=upload(jpeg_with_exif((1200, 900)) + b"\0" * 20_000))
    assert info.value.code == "image_too_large" and snapshot() == before


def test_a_project_holds_a_bounded_number_of_photos(project, leader):
    small = jpeg_with_exif((40, 30))
    for _ in range(MAX_PHOTOS):
        services.photo_add(actor=leader, project=project, upload=upload(small))
    with pytest.raises(DomainError) as info:
        services.photo_add(actor=leader, project=project, upload=upload(small))
    assert info.value.code == "photos_full"


def test_members_cannot_add_photos(project, world):
    with pytest.raises(Forbidden):
        services.photo_add(actor=world.users["team_member"], project=project, upload=upload(jpeg_with_exif()))
    assert not ProjectPhoto.objects.exists()


def test_removing_a_photo_deletes_its_files(project, leader, django_capture_on_commit_callbacks):
    photo = services.photo_add(actor=leader, project=project, upload=upload(jpeg_with_exif()))
    storage, names = photo.image.storage, (photo.image.name, photo.thumb.name)
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_remove(actor=leader, photo=photo)
    assert not ProjectPhoto.objects.exists()
    assert not any(storage.exists(name) for name in names)


def test_an_expense_receipt_is_re_encoded_and_a_bad_one_refused(project, leader):
    entry = spend(leader, project, receipt=upload(jpeg_with_exif()))
    with entry.receipt.open("rb") as handle:
        assert b"GocuaTestCam" not in handle.read()
    with pytest.raises(DomainError) as info:
        spend(leader, project, receipt=upload(b"MZ\x90\x00 an exe", "r.jpg"))
    assert info.value.code == "image_invalid"
    assert LedgerEntry.objects.count() == 1
