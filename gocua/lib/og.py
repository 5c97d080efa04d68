"""Open Graph for public pages: the tags, and a generated 1200×630 preview PNG (title, place, a figure).

Zalo and Facebook show a pasted link as a card built from `og:title`, `og:description`,
`og:image` and `og:url`. The image is drawn here with Pillow, never by an online service, in
DejaVu Sans shipped in `gocua/lib/fonts/` (Bitstream Vera licence, `LICENSE-DejaVu.txt`):
Pillow's own bitmap font has no Vietnamese letters and would draw "Cảnh báo" as boxes.

Cached by content: a card's file name is the hash of everything it shows (`Card.key`), kept
under `DATA_DIR/og/`, so the same card is drawn once and a changed figure is a new file. A page
puts the key in the image URL (`?v=`), so a scraper that cached the old card fetches the new one.

Use: build a `Card` from the page's data, give `tags(...)` to the template (it includes
`web/_og.html`) and serve the image with `image_response(card)` from a view of your own.
"""

import hashlib
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import FileResponse
from django.utils.cache import patch_cache_control
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
FONT_DIR = Path(__file__).parent / "fonts"
REGULAR, BOLD = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
VERSION = "1"  # change when the drawing changes, so every cached card is drawn again
MARGIN = 64
ACCENTS = {
    "info": (21, 101, 192),
    "warning": (230, 126, 0),
    "danger": (198, 40, 40),
    "community": (46, 125, 50),
}
INK, MUTED, PAPER = (33, 33, 33), (97, 97, 97), (255, 255, 255)
IMAGE_MAX_AGE = 24 * 3600


@dataclass(frozen=True)
class Card:
    """What one preview shows; every field is plain text (no markup)."""

    title: str
    place: str = ""
    figure: str = ""
    figure_label: str = ""
    kicker: str = "GõCửa"
    accent: str = "community"

    def key(self) -> str:
        parts = [VERSION, self.title, self.place, self.figure, self.figure_label, self.kicker, self.accent]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


@cache
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    """Return the shipped font at `size` pixels (loaded once per size)."""
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Split `text` into at most `max_lines` lines no wider than `width`; the last one ends in … if cut."""
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if face.getlength(candidate) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and face.getlength(last + "…") > width:
            last = last[:-1].rstrip()
        lines[-1] = last + "…"
    return [_fit(lines_, face, width) for lines_ in lines]


def _fit(line: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    """Cut one over-long word (a URL, a code) so it fits."""
    if face.getlength(line) <= width:
        return line
    while line and face.getlength(line + "…") > width:
        line = line[:-1]
    return line + "…"


def render_png(card: Card) -> bytes:
    """Draw the card as PNG bytes."""
    accent = ACCENTS.get(card.accent, ACCENTS["community"])
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH, 96], fill=accent)
    draw.text((MARGIN, 48), card.kicker, font=font(40, bold=True), fill=PAPER, anchor="lm")
    text_width = WIDTH - 2 * MARGIN
    size = 64 if len(card.title) <= 60 else 52
    title_font = font(size, bold=True)
    y = 140
    for line in wrap(card.title, title_font, text_width, 3):
        draw.text((MARGIN, y), line, font=title_font, fill=INK)
        y += int(size * 1.25)
    if card.place:
        for line in wrap(card.place, font(36), text_width, 1):
            draw.text((MARGIN, y + 12), line, font=font(36), fill=MUTED)
    if card.figure:
        draw.rectangle([0, HEIGHT - 150, WIDTH, HEIGHT], fill=(245, 245, 245))
        figure_font = font(72, bold=True)
        draw.text((MARGIN, HEIGHT - 75), card.figure, font=figure_font, fill=accent, anchor="lm")
        if card.figure_label:
            left = MARGIN + int(figure_font.getlength(card.figure)) + 28
            for line in wrap(card.figure_label, font(34), WIDTH - left - MARGIN, 1):
                draw.text((left, HEIGHT - 75), line, font=font(34), fill=MUTED, anchor="lm")
    draw.rectangle([0, HEIGHT - 12, WIDTH, HEIGHT], fill=accent)
    out = tempfile.SpooledTemporaryFile()
    image.save(out, format="PNG", optimize=True)
    out.seek(0)
    return out.read()


def cache_dir() -> Path:
    return Path(settings.DATA_DIR) / "og"


def png_path(card: Card) -> Path:
    """Return the card's PNG file, drawing it once (written to a temporary name, then renamed)."""
    path = cache_dir() / f"{card.key()}.png"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(render_png(card))
        os.replace(temporary, path)
    return path


def image_response(card: Card) -> FileResponse:
    """Serve the card's PNG, cacheable by anyone (it shows only what the public page shows)."""
    response = FileResponse(png_path(card).open("rb"), content_type="image/png")
    response["ETag"] = f'"{card.key()}"'
    patch_cache_control(response, public=True, max_age=IMAGE_MAX_AGE)
    return response


def tags(*, title: str, description: str, url: str, image_url: str, card: Card | None = None) -> dict:
    """Return the Open Graph values a template renders with `{% include "web/_og.html" %}` (absolute URLs)."""
    if card is not None:
        image_url = f"{image_url}{'&' if '?' in image_url else '?'}v={card.key()}"
    return {"title": title, "description": " ".join(description.split())[:300], "url": url, "image": image_url,
            "width": WIDTH, "height": HEIGHT}
