"""DiffAugment: differentiable augmentations applied to real and generated images before D.

Policies (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN Training", Sec. 3 and the
official implementation's defaults), on images in [-1, 1], NHWC, one random draw per example:
- color: brightness + U(-0.5, 0.5); saturation: (x - mean_c) * U(0, 2) + mean_c over channels;
  contrast: (x - mean_hwc) * U(0.5, 1.5) + mean_hwc.
- translation: shift by an integer in [-r*H, r*H] x [-r*W, r*W] (r = 1/8), zero padding.
- cutout: a zero square of side round(0.5 * H) x round(0.5 * W) at a uniform centre (clipped at the border).
All randomness is stateless from `seed` (shape (2,)), so augmentations repeat exactly on resume, and every
op is differentiable w.r.t. the images (G receives gradients through them).

Video clips (NTHWC) get one draw per clip, applied to every frame alike (consistent over time, as DiffAugment
is applied to video GANs: the same shift, cutout square and colour change in all frames; saturation and
contrast are taken about each frame's own means): translation and cutout run on the clip with its frames
folded into the channel axis, colour on the clip with per-clip factors.
"""

from __future__ import annotations

import tensorflow as tf

POLICIES = ("color", "translation", "cutout")


def _uniform(shape, seed, sub, minval=0.0, maxval=1.0, dtype=tf.float32):
    s = tf.random.experimental.stateless_fold_in(tf.cast(seed, tf.int64), sub)
    return tf.random.stateless_uniform(shape, seed=s, minval=minval, maxval=maxval, dtype=dtype)


def rand_color(x, seed):
    n = tf.shape(x)[0]
    x = x + (_uniform([n, 1, 1, 1], seed, 0) - 0.5)
    mean_c = tf.reduce_mean(x, axis=3, keepdims=True)
    x = (x - mean_c) * _uniform([n, 1, 1, 1], seed, 1, 0.0, 2.0) + mean_c
    mean = tf.reduce_mean(x, axis=[1, 2, 3], keepdims=True)
    return (x - mean) * _uniform([n, 1, 1, 1], seed, 2, 0.5, 1.5) + mean


def rand_translation(x, seed, ratio: float = 0.125):
    n, h, w = tf.shape(x)[0], x.shape[1], x.shape[2]
    sh, sw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    ty = _uniform([n, 1], seed, 3, -sh, sh + 1, tf.int32)
    tx = _uniform([n, 1], seed, 4, -sw, sw + 1, tf.int32)
    padded = tf.pad(x, [[0, 0], [sh, sh], [sw, sw], [0, 0]])
    rows = tf.range(h)[None, :] + sh - ty  # output row i reads padded row i + sh - ty
    cols = tf.range(w)[None, :] + sw - tx
    x = tf.gather(padded, rows, axis=1, batch_dims=1)
    return tf.gather(x, cols, axis=2, batch_dims=1)


def rand_cutout(x, seed, ratio: float = 0.5):
    n, h, w = tf.shape(x)[0], x.shape[1], x.shape[2]
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    cy = _uniform([n, 1, 1], seed, 5, 0, h + (1 - ch % 2), tf.int32)
    cx = _uniform([n, 1, 1], seed, 6, 0, w + (1 - cw % 2), tf.int32)
    ys = tf.range(h)[None, :, None]
    xs = tf.range(w)[None, None, :]
    inside = (ys >= cy - ch // 2) & (ys < cy - ch // 2 + ch) & (xs >= cx - cw // 2) & (xs < cx - cw // 2 + cw)
    return x * tf.cast(~inside, x.dtype)[..., None]


def rand_color_video(x, seed):
    """`rand_color` of NTHWC clips: the factors of `rand_color` drawn once per clip, means per frame."""
    n = tf.shape(x)[0]
    x = x + (_uniform([n, 1, 1, 1, 1], seed, 0) - 0.5)
    mean_c = tf.reduce_mean(x, axis=4, keepdims=True)
    x = (x - mean_c) * _uniform([n, 1, 1, 1, 1], seed, 1, 0.0, 2.0) + mean_c
    mean = tf.reduce_mean(x, axis=[2, 3, 4], keepdims=True)
    return (x - mean) * _uniform([n, 1, 1, 1, 1], seed, 2, 0.5, 1.5) + mean


def _frames_in_channels(spatial_op):
    """A spatial op of NHWC images applied to NTHWC clips with the frames folded into the channels, so that
    every frame of a clip gets the same draw."""

    def op(x, seed):
        t, h, w, c = x.shape[1], x.shape[2], x.shape[3], x.shape[4]
        folded = tf.reshape(tf.transpose(x, [0, 2, 3, 1, 4]), [-1, h, w, t * c])
        out = spatial_op(folded, seed)
        return tf.transpose(tf.reshape(out, [-1, h, w, t, c]), [0, 3, 1, 2, 4])

    return op


_FUNCTIONS = {"color": rand_color, "translation": rand_translation, "cutout": rand_cutout}
_VIDEO_FUNCTIONS = {"color": rand_color_video, "translation": _frames_in_channels(rand_translation),
                    "cutout": _frames_in_channels(rand_cutout)}


def parse_policy(policy: str) -> tuple:
    """'color,translation,cutout' -> ('color', 'translation', 'cutout'); '' -> (); unknown names are errors."""
    names = tuple(p.strip() for p in policy.split(",") if p.strip())
    unknown = [p for p in names if p not in _FUNCTIONS]
    if unknown:
        raise ValueError(f"unknown DiffAugment policy {unknown}; expected a comma-separated subset of {POLICIES}")
    return names


def diff_augment(x, seed, policy: str = "color,translation,cutout"):
    """Apply the policies in order to images `x` (NHWC, [-1, 1]; or clips NTHWC, one draw per clip) with
    stateless seed `seed` (shape (2,))."""
    functions = _VIDEO_FUNCTIONS if x.shape.rank == 5 else _FUNCTIONS
    for i, name in enumerate(parse_policy(policy)):
        x = functions[name](x, tf.random.experimental.stateless_fold_in(tf.cast(seed, tf.int64), 100 + i))
    return x


def make_diffaugment(policy: str):
    """`augment(x, seed)` for `GANTask(augment=...)`, or None for an empty policy."""
    if not parse_policy(policy):
        return None
    return lambda x, seed: diff_augment(x, seed, policy)
