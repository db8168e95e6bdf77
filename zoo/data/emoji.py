"""Noto Color Emoji as an RGB image dataset, read from the Debian package `fonts-noto-color-emoji` (no download).

The font's `CBDT`/`CBLC` tables hold one colour PNG per glyph (3,926 bitmaps of 136x128 RGBA at 109 ppem in
the Debian 2.042 font). Each bitmap is composited over white, center-cropped to 128x128 (the 4-pixel side
margins are empty in every glyph of that font), and resized with PIL's Lanczos filter (`zoo.data.resize`).
No labels. Split: glyphs are sorted by glyph id; the glyph at sorted position i is in `test` when
i % 10 == 9, else in `train` (3,534 train + 392 test for 3,926 bitmaps). Interleaving keeps both splits spread
over the whole font (the glyph order groups faces, flags, symbols...). `all` is the whole set, train + test
(3,926), in that same glyph-id order (so its first n images are spread over the font too, and its i-th image is
train or test by i % 10): the reference of few-shot FID / KID, which measures against every real image
(`zoo release --reference emoji/all`, with the floor test vs train).
`half_a` / `half_b` are two fixed disjoint halves of `all` (1,963 each): the glyph at sorted position i is in
`half_a` when i is even, else in `half_b`. They put a generator's FID and its real-data floor at the same n:
fakes vs half B beside half A vs half B (`zoo release --reference emoji/half_b --train emoji/half_a --num 1963`,
`benchmarks/time_to_quality.py`).

The decoded arrays are cached as `${ZOO_CACHE:-~/.cache/zoo}/emoji/emoji-<font sha256[:16]>-<H>x<W>-v<N>.npz`.
References: Noto Emoji, https://github.com/googlefonts/noto-emoji (SIL OFL 1.1); OpenType CBDT/CBLC,
https://learn.microsoft.com/en-us/typography/opentype/spec/cbdt ; fontTools, https://fonttools.readthedocs.io
"""

from __future__ import annotations

import io
import os

import numpy as np

from zoo.data import cache
from zoo.data.errors import DatasetNotFoundError
from zoo.data.resize import as_size, to_array

DEFAULT_FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
FONT_FILE = os.path.basename(DEFAULT_FONT)
ENV_VAR = "ZOO_EMOJI_FONT"
SPLITS = ("train", "test")  # disjoint; `ALL` is their union
ALL = "all"
HALVES = ("half_a", "half_b")  # disjoint; also a partition of `ALL` (even / odd positions)
KNOWN_SPLITS = (*SPLITS, ALL, *HALVES)
TEST_EVERY = 10
DEFAULT_RESOLUTION = 64
CACHE_FORMAT = 2  # bump when the decoding changes, so old cache files are not reused
INSTALL_HINT = ("Noto Color Emoji font not found at {path}. Install it with `apt-get install fonts-noto-color-emoji` "
                "(as root), or `apt-get download fonts-noto-color-emoji && dpkg -x fonts-noto-color-emoji_*.deb DIR` "
                "and set {env}=DIR/usr/share/fonts/truetype/noto/{file}.")


def font_path(font: str | None = None) -> str:
    """Path of the font: `font`, else `$ZOO_EMOJI_FONT`, else the Debian path.

    A directory stands for `<dir>/NotoColorEmoji.ttf`. Raises DatasetNotFoundError naming the package if missing.
    """
    path = font or os.environ.get(ENV_VAR) or DEFAULT_FONT
    if os.path.isdir(path):
        path = os.path.join(path, FONT_FILE)
    if not os.path.isfile(path):
        raise DatasetNotFoundError(INSTALL_HINT.format(path=path, env=ENV_VAR, file=FONT_FILE))
    return path


def largest_strike(font) -> dict:
    """{glyph name: CBDT bitmap} of the strike with the largest ppem of an open fontTools `TTFont`."""
    strikes = font["CBLC"].strikes
    largest = max(range(len(strikes)), key=lambda i: strikes[i].bitmapSizeTable.ppemY)
    return font["CBDT"].strikeData[largest]


def read_bitmaps(path: str) -> tuple[np.ndarray, list[bytes]]:
    """(glyph ids int64 sorted ascending, PNG bytes of each) from the largest strike of the font's CBDT table."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        if "CBDT" not in font or "CBLC" not in font:
            raise ValueError(f"{path} has no CBDT/CBLC colour bitmap tables (expected Noto Color Emoji in CBDT format)")
        glyphs = largest_strike(font)
        ids = {name: font.getGlyphID(name) for name in glyphs}
        names = sorted(glyphs, key=ids.__getitem__)
        pngs = [bytes(glyphs[name].imageData) for name in names]
        return np.array([ids[name] for name in names], dtype=np.int64), pngs


def render(png: bytes, size: tuple[int, int]) -> np.ndarray:
    """uint8 (H, W, 3) image of one glyph bitmap: over white, center-cropped to square, Lanczos-resized."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return to_array(image, 3, size)


def decode_font(path: str, resolution=DEFAULT_RESOLUTION) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (N, H, W, 3), glyph ids int64 (N,)) of every colour bitmap of the font, by glyph id."""
    size = as_size(resolution)
    glyph_ids, pngs = read_bitmaps(path)
    images = np.stack([render(png, size) for png in pngs]) if pngs else np.zeros((0, *size, 3), np.uint8)
    return images, glyph_ids


def split_mask(num_examples: int, split: str) -> np.ndarray:
    """Boolean mask over glyphs sorted by id: position i is `test` iff i % 10 == 9, otherwise `train`; `all`
    selects every glyph; `half_a` the even positions, `half_b` the odd ones."""
    check_split(split)
    if split == ALL:
        return np.ones(num_examples, bool)
    if split in HALVES:
        return np.arange(num_examples) % 2 == HALVES.index(split)
    is_test = np.arange(num_examples) % TEST_EVERY == TEST_EVERY - 1
    return is_test if split == "test" else ~is_test


def check_split(split: str) -> str:
    """`split` if it is one of `KNOWN_SPLITS`, else a ValueError naming them."""
    if split not in KNOWN_SPLITS:
        raise ValueError(f"unknown emoji split {split!r}; known: {list(KNOWN_SPLITS)}")
    return split


def cache_file(sha256: str, size: tuple[int, int], directory: str | None = None) -> str:
    directory = directory or cache.cache_dir("emoji")
    return os.path.join(directory, f"emoji-{sha256[:16]}-{size[0]}x{size[1]}-v{CACHE_FORMAT}.npz")


def load_all(resolution=DEFAULT_RESOLUTION, font: str | None = None, cache_dir: str | None = None):
    """(images, glyph ids) of all glyphs, decoded once then read from the `.npz` cache."""
    path = font_path(font)
    size = as_size(resolution)
    sha256 = cache.file_sha256(path)
    target = cache_file(sha256, size, cache_dir)
    cached = cache.load_npz(target)
    if (cached is not None and str(cached.get("font_sha256")) == sha256
            and cached.get("images", np.zeros(0)).shape[1:] == (*size, 3)):
        return cached["images"], cached["glyph_ids"]
    images, glyph_ids = decode_font(path, size)
    cache.save_npz(target, images=images, glyph_ids=glyph_ids, font_sha256=np.array(sha256))
    return images, glyph_ids


def load_emoji(split: str = "train", resolution=DEFAULT_RESOLUTION, font: str | None = None,
               cache_dir: str | None = None):
    """(images uint8 (N, H, W, 3), None) of split 'train', 'test', 'all' (both, by glyph id), 'half_a' or 'half_b';
    `resolution` an int or (height, width)."""
    check_split(split)
    images, _ = load_all(resolution, font, cache_dir)
    return images[split_mask(len(images), split)], None


def num_examples(font: str | None = None) -> dict[str, int]:
    """{split: number of glyphs} of every split in `KNOWN_SPLITS`, without decoding any bitmap."""
    from fontTools.ttLib import TTFont

    with TTFont(font_path(font), lazy=True) as f:
        n = len(largest_strike(f)) if "CBDT" in f and "CBLC" in f else 0
    return {split: int(split_mask(n, split).sum()) for split in KNOWN_SPLITS}
