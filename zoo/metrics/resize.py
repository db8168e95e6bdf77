"""Turning uint8 images of any size into the FID Inception input: float32 (N, 299, 299, 3) in [0, 255].

Resizing moves FID by several points, so the method is part of every result:
- 'tf1_bilinear' (default): `tf.compat.v1.image.resize_bilinear(align_corners=False, half_pixel_centers=False)`,
  the legacy TF-GAN / original TTUR behaviour behind most published FIDs;
- 'bilinear': `tf.image.resize(method='bilinear')` (half-pixel centres, no antialiasing).
Grayscale images are repeated to 3 channels; no rounding back to uint8 after resizing.
"""

from __future__ import annotations

import tensorflow as tf

from zoo.metrics.fid_inception import INPUT_SIZE

RESIZE_METHODS = ("tf1_bilinear", "bilinear")
DEFAULT_RESIZE = "tf1_bilinear"


def check_resize_method(method: str) -> str:
    if method not in RESIZE_METHODS:
        raise ValueError(f"unknown resize method {method!r}; expected one of {RESIZE_METHODS}")
    return method


def to_inception_input(images, method: str = DEFAULT_RESIZE, size: int = INPUT_SIZE) -> tf.Tensor:
    """uint8 (or float in [0, 255]) NHWC images with 1 or 3 channels -> float32 (N, size, size, 3) in [0, 255]."""
    check_resize_method(method)
    x = tf.convert_to_tensor(images)
    if x.shape.rank != 4 or x.shape[-1] not in (1, 3):
        raise ValueError(f"FID expects images NHWC with 1 or 3 channels, got shape {tuple(x.shape)}")
    x = tf.cast(x, tf.float32)
    if x.shape[-1] == 1:
        x = tf.tile(x, [1, 1, 1, 3])
    if x.shape[1] == size and x.shape[2] == size:
        return x
    if method == "tf1_bilinear":
        return tf.compat.v1.image.resize_bilinear(x, [size, size], align_corners=False, half_pixel_centers=False)
    return tf.image.resize(x, [size, size], method="bilinear", antialias=False)
