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


VIDEO_SUFFIXES = (".gif", ".mp4")
MP4_FOURCC = "mp4v"  # MPEG-4 Part 2, encoded by the FFmpeg inside opencv-python-headless


def video_grid_frames(videos, ncols: int | None = None) -> list[np.ndarray]:
    """One `make_grid` picture (H, W, C) per frame of uint8 NTHWC videos (1 or 3 channels)."""
    videos = np.asarray(videos)
    if videos.ndim != 5 or videos.dtype != np.uint8 or videos.shape[-1] not in (1, 3) or 0 in videos.shape[:2]:
        raise ValueError(f"expected uint8 NTHWC videos with 1 or 3 channels and N, T >= 1, got dtype "
                         f"{videos.dtype} shape {videos.shape}")
    return [make_grid(videos[:, t], ncols) for t in range(videos.shape[1])]


def encode_gif(frames, fps: float = 8) -> bytes:
    """Animated GIF bytes (looping) of uint8 frames (H, W, 1 or 3), shown 1/fps s each.

    GIF stores delays in hundredths of a second, so Pillow writes int(100 / fps) (8 fps: 0.12 s a frame), and
    reduces each RGB frame to its own 256-colour adaptive palette; identical consecutive frames are merged
    into one longer frame. Reference: GIF89a, https://www.w3.org/Graphics/GIF/spec-gif89a.txt
    """
    import io

    from PIL import Image

    if not fps > 0:
        raise ValueError(f"fps must be > 0, got {fps!r}")
    images = [Image.fromarray(f[..., 0] if f.shape[-1] == 1 else f) for f in frames]
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:], duration=1000.0 / fps, loop=0)
    return buffer.getvalue()


def write_mp4(frames, path: str, fps: float = 8) -> str:
    """Write uint8 frames (H, W, 1 or 3; RGB) as an MP4 (fourcc `MP4_FOURCC`) with OpenCV's VideoWriter.

    Grayscale is repeated to 3 channels; an odd height or width is padded by one white row / column at the
    bottom / right, since the codec's YUV 4:2:0 needs even sizes.
    """
    import cv2

    if not fps > 0:
        raise ValueError(f"fps must be > 0, got {fps!r}")
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*MP4_FOURCC), float(fps), (w + w % 2, h + h % 2))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write {MP4_FOURCC!r} MP4 to {path} (is its FFmpeg backend missing?)")
    try:
        for frame in frames:
            frame = np.pad(frame, ((0, h % 2), (0, w % 2), (0, 0)), constant_values=255)
            writer.write(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR if frame.shape[-1] == 1 else cv2.COLOR_RGB2BGR))
    finally:
        writer.release()
    return path


def save_video_grid(videos, path: str, ncols: int | None = None, fps: float = 8) -> str:
    """Write uint8 NTHWC videos (1 or 3 channels) as one grid video (one `make_grid` per frame) at `fps`:
    an animated GIF for a `.gif` path (`encode_gif`), an MP4 for `.mp4` (`write_mp4`); returns the path."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in VIDEO_SUFFIXES:
        raise ValueError(f"video grids are written as {' or '.join(VIDEO_SUFFIXES)}; got {path!r}")
    frames = video_grid_frames(videos, ncols)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    if suffix == ".mp4":
        return write_mp4(frames, path, fps)
    with open(path, "wb") as f:
        f.write(encode_gif(frames, fps))
    return path
