"""Public randomness of a training step: every random draw is a stateless function of
(seed, step, replica, purpose, sub).

A task never holds random state. The loop passes `StepRandomness(seed, step)` to `Task.replica_step`, and the
task (or a family plugged into it) draws each stream it needs by naming its purpose: the GAN task's latents
for D's and G's updates, their labels, the gradient-penalty mixing weights and the DiffAugment draws; a
StyleGAN2 task adds a second z for style mixing ("mixing_z"), a TGANv2 task a frame offset per level
("frame_offset"). Because a draw depends only on those five values, a resumed run repeats an uninterrupted
one exactly, replicas differ, and adding a stream never shifts another.

Seed derivation (unchanged since zoo's first trainer, so recorded runs keep their numbers):
    s = [seed, step]  (int64), then s = stateless_fold_in(s, x) for x in (replica, purpose id, sub).
`step` is the loop's count of completed training steps before this one. Purpose ids: the six GAN streams keep
their historical ids 0..5 (`GAN_PURPOSES`); any other purpose name gets the CRC-32 of its UTF-8 bytes plus
2^32, so new names never collide with the historical ids, and the id of a name is the same on every machine.
"""

from __future__ import annotations

import zlib

import tensorflow as tf

GAN_PURPOSES = {"z_d": 0, "z_g": 1, "labels_d": 2, "labels_g": 3, "gp": 4, "aug": 5}


def purpose_id(purpose: str) -> int:
    """The integer folded into the seed for a purpose name (see the module docstring)."""
    if not isinstance(purpose, str) or not purpose:
        raise ValueError(f"a random purpose is a non-empty name, e.g. 'mixing_z'; got {purpose!r}")
    if purpose in GAN_PURPOSES:
        return GAN_PURPOSES[purpose]
    return (1 << 32) + zlib.crc32(purpose.encode("utf-8"))


def replica_id():
    """This replica's index in its sync group (0 outside a replica context)."""
    ctx = tf.distribute.get_replica_context()
    return ctx.replica_id_in_sync_group if ctx is not None else 0


def stream_seed(seed: int, step, replica, purpose: str, sub=0):
    """int64[2] stateless seed of (seed, step, replica, purpose, sub)."""
    s = tf.stack([tf.constant(int(seed), tf.int64), tf.cast(step, tf.int64)])
    for extra in (replica, purpose_id(purpose), sub):
        s = tf.random.experimental.stateless_fold_in(s, tf.cast(extra, tf.int64))
    return s


class StepRandomness:
    """The random streams of one training step on one replica.

    Args:
        seed: the run's base seed (the recipe's `seed`).
        step: completed training steps before this one (a scalar int tensor or int).

    Example:
        >>> rng = StepRandomness(seed=0, step=tf.constant(10, tf.int64))
        >>> z = rng.normal((8, 128), "z_d")                  # D step's latents
        >>> z2 = rng.normal((8, 128), "mixing_z")           # a family's own stream
        >>> offset = rng.uniform((), "frame_offset", maxval=2, dtype=tf.int32)
    """

    def __init__(self, seed: int, step):
        self.base_seed = int(seed)
        self.step = tf.cast(step, tf.int64)

    def seed(self, purpose: str, sub=0):
        """int64[2] seed of this step, this replica, `purpose` and `sub` (e.g. the index of a D step)."""
        return stream_seed(self.base_seed, self.step, replica_id(), purpose, sub)

    def normal(self, shape, purpose: str, sub=0, dtype=tf.float32):
        return tf.random.stateless_normal(shape, seed=self.seed(purpose, sub), dtype=dtype)

    def uniform(self, shape, purpose: str, sub=0, minval=0, maxval=None, dtype=tf.float32):
        return tf.random.stateless_uniform(shape, seed=self.seed(purpose, sub), minval=minval, maxval=maxval,
                                           dtype=dtype)
