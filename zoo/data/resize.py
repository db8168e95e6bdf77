"""Image conversions shared by the loaders: channels on a white background, center crop, Lanczos resize.

Every loader in `zoo.data` turns a decoded image into training data the same way:
1. `to_channels`: 16-bit grayscale is scaled to 8 bits, transparent pixels are composited over opaque white
   (straight alpha, `Image.alpha_composite`), then converted to 1 (`L`, ITU-R 601-2 luma), 3 (`RGB`) or 4
   (`RGBA`) channels;
2. `fit`: center crop to the target aspect ratio (never pad, never stretch), then resize with PIL's
   antialiased Lanczos filter (`Image.Resampling.LANCZOS`, a = 3), rounded to uint8.
Reference: Pillow handbook, "Filters" (https://pillow.readthedocs.io/en/stable/handbook/concepts.html#filters).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

RESAMPLE = Image.Resampling.LANCZOS
MODES = {1: "L", 3: "RGB", 4: "RGBA"}


def as_size(resolution) -> tuple[int, int] | None:
    """`resolution` (None, int side or (height, width)) as a (height, width) tuple, or None."""
    if resolution is None:
        return None
    if isinstance(resolution, (int, np.integer)):
        size = (int(resolution), int(resolution))
    else:
        size = tuple(int(r) for r in resolution)
    if len(size) != 2 or min(size) < 1:
        raise ValueError(f"resolution must be a positive int or (height, width), got {resolution!r}")
    return size


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def to_8bit(image: Image.Image) -> Image.Image:
    """16-bit grayscale (modes I;16*, or I with values above 255) scaled to 8-bit `L` by round(v / 257);
    PIL's own `convert` would clip them at 255 instead."""
    if not (image.mode.startswith("I;16") or image.mode == "I"):
        return image
    values = np.asarray(image).astype(np.int64)
    if image.mode == "I" and values.max(initial=0) <= 255:
        return Image.fromarray(np.clip(values, 0, 255).astype(np.uint8))
    return Image.fromarray(np.clip(np.rint(values / 257.0), 0, 255).astype(np.uint8))


def to_channels(image: Image.Image, channels: int) -> Image.Image:
    """`image` with `channels` channels (1, 3 or 4); for 1 and 3, transparency is composited over white."""
    if channels not in MODES:
        raise ValueError(f"channels must be one of {sorted(MODES)}, got {channels!r}")
    image = to_8bit(image)
    if channels == 4:
        return image.convert("RGBA")
    if has_alpha(image):
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    return image.convert(MODES[channels])


def center_crop_box(width: int, height: int, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The largest centered (left, top, right, bottom) box of `width` x `height` with the aspect of `size` (h, w)."""
    target_h, target_w = size
    crop_w = min(width, round(height * target_w / target_h))
    crop_h = min(height, round(width * target_h / target_w))
    left, top = (width - crop_w) // 2, (height - crop_h) // 2
    return left, top, left + crop_w, top + crop_h


def fit(image: Image.Image, size: tuple[int, int] | None) -> Image.Image:
    """Center crop `image` to the aspect of `size` (height, width), then Lanczos-resize to it; None keeps it."""
    if size is None or (image.height, image.width) == tuple(size):
        return image
    box = center_crop_box(image.width, image.height, size)
    if box != (0, 0, image.width, image.height):
        image = image.crop(box)  # crop first: `resize(box=...)` would blend in pixels from outside the box
    return image.resize((size[1], size[0]), resample=RESAMPLE)


def to_array(image: Image.Image, channels: int, size: tuple[int, int] | None) -> np.ndarray:
    """uint8 (H, W, channels) array of `image` after `to_channels` and `fit`."""
    array = np.asarray(fit(to_channels(image, channels), size), dtype=np.uint8)
    return array[..., None] if array.ndim == 2 else array
