"""Real clips at TGANv2's levels: subsampled in time and batch like the generator's clips, pooled in space."""

from __future__ import annotations

import tensorflow as tf


def subsample_frames(clips, offsets):
    """Every 2nd frame of each clip (N, T, H, W, C) from its own offset, `offsets` (N,) int32 in {0, 1}."""
    frames = clips.shape[1]
    keep = tf.cast(offsets, tf.int32)[:, None] + 2 * tf.range(frames // 2)[None, :]
    return tf.gather(clips, keep, axis=1, batch_dims=1)


def pool_space(clips, factor: int):
    """Average pooling of H and W by `factor` (N, T, H, W, C) -> (N, T, H / factor, W / factor, C)."""
    if factor == 1:
        return clips
    n, t, h, w, c = (tf.shape(clips)[0], *clips.shape[1:])
    x = tf.reshape(clips, [n, t, h // factor, factor, w // factor, factor, c])
    return tf.reduce_mean(x, axis=[3, 5])


def real_levels(video, offsets, level_shapes, subsample_batch: bool = True) -> list:
    """[(N_k, T_k, H_k, W_k, C)] of a real batch `video` (N, T, H, W, C) for levels with `level_shapes`.

    Level 0 has all frames; level k > 0 keeps every 2nd frame of level k - 1, from a per-clip offset
    `offsets[:, k - 1]` ((N, levels - 1) int32 in {0, 1}: one random offset per example, as the official
    `MultiLevelDataset`), and, with `subsample_batch`, every 2nd clip (the official updater's `x[::2 ** k]`).
    Each level is then average-pooled to its resolution (`pool_space`).

    Reference: Saito et al., IJCV 2020, Sec. 3.3; official `tgan2/datasets/multi_level.py` and
    `tgan2/updaters/dirac_updater.py`.
    """
    full = video.shape[2]
    clips, out = video, []
    for k, shape in enumerate(level_shapes):
        if k > 0:
            clips = subsample_frames(clips, offsets[:, k - 1])
        level = clips
        if subsample_batch:
            level = level[::2 ** k]
        if level.shape[1] != shape[0] or full % shape[1]:
            raise ValueError(f"real clips {tuple(video.shape)} do not fit level {k} of shape {shape}")
        out.append(pool_space(level, full // shape[1]))
    return out
