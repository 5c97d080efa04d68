"""Uploaded images: refuse non-images and oversized files, re-encode to bounded JPEG, drop EXIF.

Re-encoding from decoded pixels is what removes EXIF (GPS position of a resident's house,
phone model, time): nothing but the pixels reaches the new file. The orientation tag is
applied to the pixels first, so portraits stay upright.
"""

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from gocua.community.errors import CommunityErrorCode
from gocua.errors import DomainError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 48-megapixel phone photo is refused; a decompression bomb never decodes
FULL_SIDE = 1600
THUMB_SIDE = 480
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"}


@dataclass
class CleanImage:
    full: ContentFile
    thumb: ContentFile
    width: int
    height: int


def max_bytes() -> int:
    return int(getattr(settings, "GOCUA_PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES))


def _read(upload, *, field: str) -> bytes:
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(field, limit)
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large(field, limit)
    if not data:
        raise DomainError(CommunityErrorCode.IMAGE_EMPTY, field=field)
    return data


def _too_large(field: str, limit: int) -> DomainError:
    return DomainError(
        CommunityErrorCode.IMAGE_TOO_LARGE,
        _("The photo is larger than %(mb)s MB; take it at a lower resolution.") % {"mb": round(limit / 2**20, 1)},
        field=field,
    )


def _not_an_image(field: str) -> DomainError:
    return DomainError(CommunityErrorCode.IMAGE_INVALID, field=field)


def _open(data: bytes, *, field: str) -> Image.Image:
    try:
        probe = Image.open(io.BytesIO(data))
        if probe.format not in ACCEPTED_FORMATS:
            raise _not_an_image(field)
        width, height = probe.size
        if width * height > MAX_PIXELS:
            raise DomainError(CommunityErrorCode.IMAGE_TOO_MANY_PIXELS, field=field)
        probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _not_an_image(field) from None
    return image


def _encode(image: Image.Image, side: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue(), copy.width, copy.height


def _rgb(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def clean_image(upload, *, field: str = "image") -> CleanImage:
    """Return the upload re-encoded as a bounded JPEG and a thumbnail, or raise a DomainError."""
    image = _open(_read(upload, field=field), field=field)
    try:
        image = _rgb(image)
    except (OSError, SyntaxError, ValueError):
        raise _not_an_image(field) from None
    full, width, height = _encode(image, FULL_SIDE)
    thumb, _w, _h = _encode(image, THUMB_SIDE)
    name = uuid.uuid4().hex
    return CleanImage(
        full=ContentFile(full, name=f"{name}.jpg"),
        thumb=ContentFile(thumb, name=f"{name}-t.jpg"),
        width=width,
        height=height,
    )
