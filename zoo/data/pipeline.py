"""Deterministic, resumable, shardable tf.data pipeline over in-memory arrays.

The examples of training step `s` are a pure function of (seed, s): epoch e = s // steps_per_epoch uses the
permutation `stateless_shuffle(range(N), seed=(seed, e))`, and step s takes the slice of that permutation at
position s % steps_per_epoch (the last partial batch of an epoch is dropped). A run resumed at step s therefore
sees exactly the batches an uninterrupted run would, and every input pipeline (one per worker) takes its own
contiguous slice of each global batch, so workers never see the same example in one step.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf


def steps_per_epoch(num_examples: int, examples_per_step: int) -> int:
    if num_examples < examples_per_step:
        raise ValueError(f"dataset has {num_examples} examples, fewer than one step needs ({examples_per_step})")
    return num_examples // examples_per_step


def step_indices(step, num_examples: int, examples_per_step: int, seed: int):
    """Indices (examples_per_step,) of the examples of global step `step` (a scalar tensor)."""
    spe = steps_per_epoch(num_examples, examples_per_step)
    step = tf.cast(step, tf.int64)
    epoch = step // spe
    pos = step % spe
    perm = tf.random.experimental.stateless_shuffle(
        tf.range(num_examples, dtype=tf.int64), seed=tf.stack([tf.constant(seed, tf.int64), epoch]))
    return perm[pos * examples_per_step:(pos + 1) * examples_per_step]


def make_train_dataset(images: np.ndarray, labels, *, examples_per_step: int, seed: int, start_step: int = 0,
                       input_context: tf.distribute.InputContext | None = None) -> tf.data.Dataset:
    """Infinite dataset of (images float32 [-1, 1] NHWC, labels int32) per replica, from step `start_step` on.

    `examples_per_step` is the global number of real examples one training step consumes (all replicas,
    all discriminator steps). With an `input_context` (from `strategy.distribute_datasets_from_function`) each
    input pipeline yields, per step, one element for each of its local replicas.
    """
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim != 4:
        raise ValueError(f"images must be uint8 NHWC, got {images.dtype} {images.shape}")
    n = len(images)
    labels = np.zeros((n,), np.int32) if labels is None else np.asarray(labels, np.int32)
    num_pipelines = input_context.num_input_pipelines if input_context else 1
    pipeline_id = input_context.input_pipeline_id if input_context else 0
    num_replicas = input_context.num_replicas_in_sync if input_context else 1
    if examples_per_step % num_replicas:
        raise ValueError(f"{examples_per_step} examples per step do not split over {num_replicas} replicas")
    per_replica = examples_per_step // num_replicas
    per_pipeline = examples_per_step // num_pipelines
    local_replicas = per_pipeline // per_replica
    steps_per_epoch(n, examples_per_step)
    images_t = tf.constant(images)
    labels_t = tf.constant(labels)

    def batch_of_step(step):
        idx = step_indices(step, n, examples_per_step, seed)[pipeline_id * per_pipeline:(pipeline_id + 1) * per_pipeline]
        x = tf.cast(tf.gather(images_t, idx), tf.float32) / 127.5 - 1.0
        y = tf.gather(labels_t, idx)
        x = tf.reshape(x, [local_replicas, per_replica, *images.shape[1:]])
        y = tf.reshape(y, [local_replicas, per_replica])
        return tf.data.Dataset.from_tensor_slices((x, y))

    ds = tf.data.Dataset.range(int(start_step), np.iinfo(np.int64).max).flat_map(batch_of_step)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
    options.deterministic = True
    return ds.with_options(options).prefetch(2)
