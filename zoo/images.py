"""Pure helpers to turn generator outputs into pictures and write image / video grids."""

from __future__ import annotations

import math
import os

import numpy as np


def to_uint8(x) -> np.ndarray:
    """Map images in [-1, 1] (any float array) to uint8 in [0, 255]: round((x + 1) * 127.5), clipped."""
    x = np.asarray(x, dtype=np.float32)
    return np.clip(np.rint((x + 1.0) * 127.5), 0, 255).astype(np.uint8)


def to_float(x) -> np.ndarray:
    """Inverse of `to_uint8`: uint8 [0, 255] -> float32 [-1, 1]."""
    return np.asarray(x, dtype=np.float32) / 127.5 - 1.0


def make_grid(images, ncols: int | None = None, pad: int = 2, pad_value: int = 255) -> np.ndarray:
    """Tile uint8 images NHWC into one HWC picture, `ncols` per row (default: ceil(sqrt(N)))."""
    images = np.asarray(images)
    if images.ndim != 4 or images.dtype != np.uint8:
        raise ValueError(f"make_grid expects uint8 NHWC images, got dtype {images.dtype} shape {images.shape}")
    n, h, w, c = images.shape
    ncols = ncols or int(math.ceil(math.sqrt(n)))
    nrows = int(math.ceil(n / ncols))
    grid = np.full((nrows * (h + pad) + pad, ncols * (w + pad) + pad, c), pad_value, dtype=np.uint8)
    for i in range(n):
        r, q = divmod(i, ncols)
        y, x = pad + r * (h + pad), pad + q * (w + pad)
        grid[y:y + h, x:x + w] = images[i]
    return grid


def save_image_grid(images, path: str, ncols: int | None = None) -> str:
    """Write uint8 NHWC images (1 or 3 channels) as one PNG grid; returns the path."""
    from PIL import Image

    grid = make_grid(images, ncols)
    if grid.shape[-1] == 1:
        grid = grid[..., 0]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    Image.fromarray(grid).save(path)
    return path


def save_video_grid(videos, path: str, ncols: int | None = None, fps: int = 8) -> str:
    """Write uint8 NTHWC videos as one animated GIF grid (one grid per frame); returns the path."""
    import imageio.v2 as imageio

    videos = np.asarray(videos)
    if videos.ndim != 5 or videos.dtype != np.uint8:
        raise ValueError(f"save_video_grid expects uint8 NTHWC videos, got dtype {videos.dtype} shape {videos.shape}")
    frames = [make_grid(videos[:, t], ncols) for t in range(videos.shape[1])]
    frames = [f[..., 0] if f.shape[-1] == 1 else f for f in frames]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    imageio.mimsave(path, frames, duration=1.0 / fps, loop=0)
    return path
