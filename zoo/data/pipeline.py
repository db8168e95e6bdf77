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


def image_arrays(images: np.ndarray, labels=None) -> dict:
    """{"images": uint8 NHWC, "labels": int32} of an image dataset (labels all 0 when it has none), checked."""
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim != 4:
        raise ValueError(f"images must be uint8 NHWC, got {images.dtype} {images.shape}")
    labels = np.zeros((len(images),), np.int32) if labels is None else np.asarray(labels, np.int32)
    return {"images": images, "labels": labels}


def video_arrays(video: np.ndarray, labels=None) -> dict:
    """{"video": uint8 NTHWC, "labels": int32} of a video dataset (labels all 0 when it has none), checked."""
    video = np.asarray(video)
    if video.dtype != np.uint8 or video.ndim != 5:
        raise ValueError(f"video must be uint8 NTHWC, got {video.dtype} {video.shape}")
    labels = np.zeros((len(video),), np.int32) if labels is None else np.asarray(labels, np.int32)
    return {"video": video, "labels": labels}


def example_arrays(data: np.ndarray, labels=None) -> dict:
    """The structured arrays of a dataset by the rank of its examples: `image_arrays` of NHWC images,
    `video_arrays` of NTHWC clips."""
    return video_arrays(data, labels) if np.ndim(data) == 5 else image_arrays(data, labels)


def _element_transform(array: np.ndarray):
    if array.dtype == np.uint8:
        return lambda t: tf.cast(t, tf.float32) / 127.5 - 1.0
    if np.issubdtype(array.dtype, np.floating):
        return lambda t: tf.cast(t, tf.float32)
    if np.issubdtype(array.dtype, np.integer):
        return lambda t: tf.cast(t, tf.int32)
    raise ValueError(f"batch arrays must be uint8 (images / clips), float (codes) or integer (labels), got "
                     f"{array.dtype}")


def make_train_dataset(arrays: dict, *, examples_per_step: int, seed: int, start_step: int = 0,
                       input_context: tf.distribute.InputContext | None = None) -> tf.data.Dataset:
    """Infinite dataset of structured batches per replica, from step `start_step` on.

    `arrays` is {key: array with the examples on axis 0}, all of the same length, e.g.
    {"images": uint8 NHWC, "labels": int}, {"video": uint8 NTHWC} or {"codes": float NHWC}. Each element is a
    dict with the same keys: uint8 arrays become float32 in [-1, 1] (x / 127.5 - 1), float arrays float32,
    integer arrays int32. `examples_per_step` is the global number of examples one training step consumes (all
    replicas, all discriminator steps). With an `input_context` (from
    `strategy.distribute_datasets_from_function`) each input pipeline yields, per step, one element for each
    of its local replicas.
    """
    if not isinstance(arrays, dict) or not arrays:
        raise ValueError(f"arrays must be a non-empty dict {{key: array}}, e.g. {{'images': ..., 'labels': ...}}; "
                         f"got {type(arrays).__name__}")
    arrays = {k: np.asarray(v) for k, v in arrays.items()}
    lengths = {k: len(v) for k, v in arrays.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"batch arrays must have the same number of examples, got {lengths}")
    if "images" in arrays and arrays["images"].ndim != 4:
        raise ValueError(f"images must be uint8 NHWC, got {arrays['images'].dtype} {arrays['images'].shape}")
    if "video" in arrays and arrays["video"].ndim != 5:
        raise ValueError(f"video must be NTHWC, got shape {arrays['video'].shape}")
    transforms = {k: _element_transform(v) for k, v in arrays.items()}
    n = next(iter(lengths.values()))
    num_pipelines = input_context.num_input_pipelines if input_context else 1
    pipeline_id = input_context.input_pipeline_id if input_context else 0
    num_replicas = input_context.num_replicas_in_sync if input_context else 1
    if examples_per_step % num_replicas:
        raise ValueError(f"{examples_per_step} examples per step do not split over {num_replicas} replicas")
    per_replica = examples_per_step // num_replicas
    per_pipeline = examples_per_step // num_pipelines
    local_replicas = per_pipeline // per_replica
    steps_per_epoch(n, examples_per_step)
    tensors = {k: tf.constant(v) for k, v in arrays.items()}

    def batch_of_step(step):
        idx = step_indices(step, n, examples_per_step, seed)[pipeline_id * per_pipeline:(pipeline_id + 1) * per_pipeline]
        out = {k: tf.reshape(transforms[k](tf.gather(t, idx)), [local_replicas, per_replica, *arrays[k].shape[1:]])
               for k, t in tensors.items()}
        return tf.data.Dataset.from_tensor_slices(out)

    ds = tf.data.Dataset.range(int(start_step), np.iinfo(np.int64).max).flat_map(batch_of_step)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
    options.deterministic = True
    return ds.with_options(options).prefetch(2)
