"""Writing a latent walk: one grid video of the walks (`zoo.images.save_video_grid`), GIF or MP4."""

from __future__ import annotations

import os

from zoo.images import VIDEO_SUFFIXES, save_video_grid


def save_walk(videos, path: str, fps: float = 16, ncols: int | None = None) -> str:
    """Write uint8 walks [num, frames, H, W, C] (`interpolate`) as one grid video, a `.gif` (Pillow,
    `zoo.images.encode_gif`) or an `.mp4` (OpenCV); returns the path."""
    if os.path.splitext(path)[1].lower() not in VIDEO_SUFFIXES:
        raise ValueError(f"a walk is written as {' or '.join(VIDEO_SUFFIXES)}; got {path!r}")
    return save_video_grid(videos, path, ncols=ncols, fps=fps)
