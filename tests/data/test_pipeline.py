"""The step-indexed training pipeline: deterministic, resumable, epoch-complete, disjoint per worker."""

import numpy as np
import pytest
import tensorflow as tf

from zoo.data.pipeline import image_arrays, make_train_dataset, step_indices

N = 50


def _images():
    # image i is filled with value i, so a batch tells which examples it holds
    return np.broadcast_to(np.arange(N, dtype=np.uint8)[:, None, None, None], (N, 4, 4, 1)).copy()


def _ids(x):
    return np.rint((np.asarray(x)[:, 0, 0, 0] + 1.0) * 127.5).astype(int)


def _take(ds, k):
    return [(_ids(b["images"]), np.asarray(b["labels"])) for b in ds.take(k)]


def test_same_seed_same_batches_and_labels_follow_images():
    labels = np.arange(N) * 2
    a = _take(make_train_dataset(image_arrays(_images(), labels), examples_per_step=8, seed=3), 5)
    b = _take(make_train_dataset(image_arrays(_images(), labels), examples_per_step=8, seed=3), 5)
    c = _take(make_train_dataset(image_arrays(_images(), labels), examples_per_step=8, seed=4), 5)
    for (xa, ya), (xb, _) in zip(a, b):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, xa * 2)
    assert any(not np.array_equal(xa, xc) for (xa, _), (xc, _) in zip(a, c))


def test_resume_at_step_sees_the_same_batches():
    full = _take(make_train_dataset(image_arrays(_images(), None), examples_per_step=8, seed=0), 10)
    resumed = _take(make_train_dataset(image_arrays(_images(), None), examples_per_step=8, seed=0, start_step=6), 4)
    for (xa, _), (xb, _) in zip(full[6:], resumed):
        np.testing.assert_array_equal(xa, xb)


def test_an_epoch_visits_distinct_examples_and_epochs_differ():
    per_epoch = N // 8
    e0 = np.concatenate([step_indices(s, N, 8, 0).numpy() for s in range(per_epoch)])
    e1 = np.concatenate([step_indices(s, N, 8, 0).numpy() for s in range(per_epoch, 2 * per_epoch)])
    assert len(set(e0)) == len(e0) == per_epoch * 8
    assert not np.array_equal(e0, e1)


class _Context:
    def __init__(self, pipelines, pipeline_id, replicas):
        self.num_input_pipelines, self.input_pipeline_id, self.num_replicas_in_sync = pipelines, pipeline_id, replicas


def test_workers_get_disjoint_slices_of_the_global_batch():
    full = _take(make_train_dataset(image_arrays(_images(), None), examples_per_step=8, seed=1), 3)
    w0 = _take(make_train_dataset(image_arrays(_images(), None), examples_per_step=8, seed=1, input_context=_Context(2, 0, 2)), 3)
    w1 = _take(make_train_dataset(image_arrays(_images(), None), examples_per_step=8, seed=1, input_context=_Context(2, 1, 2)), 3)
    for (g, _), (a, _), (b, _) in zip(full, w0, w1):
        assert len(a) == len(b) == 4
        np.testing.assert_array_equal(np.concatenate([a, b]), g)


def test_one_pipeline_serves_its_local_replicas_in_turn():
    full = _take(make_train_dataset(image_arrays(_images(), None), examples_per_step=8, seed=1), 2)
    local = _take(make_train_dataset(image_arrays(_images(), None), examples_per_step=8, seed=1, input_context=_Context(1, 0, 2)), 4)
    np.testing.assert_array_equal(np.concatenate([local[0][0], local[1][0]]), full[0][0])
    np.testing.assert_array_equal(np.concatenate([local[2][0], local[3][0]]), full[1][0])


def test_values_are_scaled_to_minus_one_one():
    x = next(iter(make_train_dataset(image_arrays(_images() * 5, None), examples_per_step=8, seed=0)))["images"]
    assert x.dtype == tf.float32 and float(tf.reduce_min(x)) >= -1.0 and float(tf.reduce_max(x)) <= 1.0


def test_bad_inputs_are_clear_errors():
    with pytest.raises(ValueError, match="uint8 NHWC"):
        make_train_dataset(image_arrays(np.zeros((10, 4, 4), np.uint8)), examples_per_step=2, seed=0)
    with pytest.raises(ValueError, match="fewer than one step"):
        make_train_dataset(image_arrays(_images()[:4], None), examples_per_step=8, seed=0)
    with pytest.raises(ValueError, match="replicas"):
        make_train_dataset(image_arrays(_images(), None), examples_per_step=9, seed=0, input_context=_Context(1, 0, 2))


def test_structured_batches_carry_video_and_float_codes():
    """Any dict of arrays: uint8 clips (NTHWC) are scaled to [-1, 1], float codes pass as float32, integer
    labels as int32, and every key follows the same example order."""
    video = np.broadcast_to(np.arange(N, dtype=np.uint8)[:, None, None, None, None], (N, 3, 4, 4, 1)).copy()
    codes = np.arange(N, dtype=np.float64)[:, None, None, None] * np.ones((1, 2, 2, 3)) - 0.5
    ds = make_train_dataset({"video": video, "codes": codes, "labels": np.arange(N)}, examples_per_step=8, seed=2)
    for b in ds.take(3):
        assert b["video"].shape == (8, 3, 4, 4, 1) and b["video"].dtype == tf.float32
        assert b["codes"].dtype == tf.float32 and b["labels"].dtype == tf.int32
        ids = np.rint((b["video"].numpy()[:, 0, 0, 0, 0] + 1.0) * 127.5).astype(int)
        np.testing.assert_array_equal(ids, b["labels"].numpy())
        np.testing.assert_array_equal(b["codes"].numpy()[:, 0, 0, 0], ids - 0.5)
