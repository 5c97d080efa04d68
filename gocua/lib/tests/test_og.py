"""The Open Graph preview: a 1200×630 PNG drawn with the shipped font, Vietnamese letters and all."""

import io

from PIL import Image, ImageChops, ImageDraw

from gocua.lib import og

MISSING = "\U000f0000"  # a private-use code point no font draws: the box ("tofu") a missing glyph gets


def _ink(text: str, *, bold: bool = False) -> Image.Image:
    image = Image.new("L", (200, 200), 0)
    ImageDraw.Draw(image).text((40, 40), text, font=og.font(100, bold=bold), fill=255)
    return image


def test_vietnamese_letters_are_drawn_not_boxes():
    tofu = _ink(MISSING)
    for letter in ("Ệ", "ư", "ợ", "Đ", "ấ"):
        glyph = _ink(letter)
        assert glyph.getbbox() is not None
        assert ImageChops.difference(glyph, tofu).getbbox() is not None, letter
    # "Ệ" is an E with a circumflex above and a dot below: taller than "E" on both sides.
    e, e_marked = og.font(100).getbbox("E"), og.font(100).getbbox("Ệ")
    assert e_marked[1] < e[1] and e_marked[3] > e[3]
    # and different from the plain letter (a font without the glyph would fall back to a box or nothing)
    assert ImageChops.difference(_ink("Ệ", bold=True), _ink("E", bold=True)).getbbox() is not None


def test_the_card_is_a_1200_by_630_png_and_the_same_card_is_drawn_once(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    card = og.Card(title="Cảnh báo: giả danh công an gọi điện yêu cầu chuyển tiền để “xác minh” tài khoản",
                   place="Thôn Tháp Thượng, Xã Đan Phượng", figure="12.500.000 ₫", figure_label="người dân đóng góp",
                   accent="danger")
    path = og.png_path(card)
    image = Image.open(path)
    assert image.format == "PNG" and image.size == (og.WIDTH, og.HEIGHT) == (1200, 630)
    stamp = path.stat().st_mtime_ns
    assert og.png_path(card) == path and path.stat().st_mtime_ns == stamp
    other = og.Card(title=card.title, place=card.place, figure="12.600.000 ₫")
    assert other.key() != card.key()


def test_long_titles_are_wrapped_inside_the_card_and_cut_with_an_ellipsis():
    face = og.font(64, bold=True)
    lines = og.wrap("Lừa đảo " * 60, face, 1000, 3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(face.getlength(line) <= 1000 for line in lines)
    assert og.wrap("https://" + "x" * 300, face, 1000, 2)[0].endswith("…")


def test_the_tags_carry_the_card_key_and_a_short_description():
    card = og.Card(title="Thôn Tháp Thượng")
    tags = og.tags(title="T", description="Một  dòng\n" * 100, url="https://x/p/1/", image_url="https://x/c.png",
                   card=card)
    assert tags["image"] == f"https://x/c.png?v={card.key()}"
    assert len(tags["description"]) <= 300 and "\n" not in tags["description"]
    assert Image.open(io.BytesIO(og.render_png(card))).mode == "RGB"
