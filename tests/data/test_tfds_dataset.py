"""`load_arrays("tfds:<name>")` with `tfds.load` monkeypatched: nothing is downloaded."""

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

from zoo.data import load_arrays


class FakeLoad:
    """Stands in for `tfds.load`: records each call and returns `make(split)`."""

    def __init__(self):
        self.calls = []
        self.make = None

    def __call__(self, name, **kwargs):
        self.calls.append({"name": name, **kwargs})
        return self.make(kwargs["split"])


@pytest.fixture
def fake_load(monkeypatch):
    fake = FakeLoad()
    monkeypatch.setattr(tfds, "load", fake)
    return fake


def image_ds(n, h, w, c, with_label=True):
    rng = np.random.default_rng(0)
    features = {"image": rng.integers(0, 256, (n, h, w, c), dtype=np.uint8), "id": np.arange(n).astype(str)}
    if with_label:
        features["label"] = np.arange(n, dtype=np.int64) % 3
    return features, tf.data.Dataset.from_tensor_slices(features)


def test_images_and_labels(fake_load):
    features, ds = image_ds(5, 8, 8, 3)
    fake_load.make = lambda split: ds
    images, labels = load_arrays("tfds:fake_cifar", "test", data_dir="/tmp/nowhere")
    np.testing.assert_array_equal(images, features["image"])
    assert labels.dtype == np.int64 and labels.tolist() == [0, 1, 2, 0, 1]
    call = fake_load.calls[-1]
    assert call["name"] == "fake_cifar" and call["split"] == "test" and call["data_dir"] == "/tmp/nowhere"
    assert call["shuffle_files"] is False


def test_resize_and_channels(fake_load):
    _, ds = image_ds(3, 12, 16, 3, with_label=False)
    fake_load.make = lambda split: ds
    images, labels = load_arrays("tfds:fake", "train", resolution=6, channels=1)
    assert labels is None and images.shape == (3, 6, 6, 1) and images.dtype == np.uint8


def test_split_slices_are_passed_through(fake_load):
    _, ds = image_ds(4, 4, 4, 1)
    fake_load.make = lambda split: ds.take(2) if split == "train[:50%]" else ds
    images, _ = load_arrays("tfds:fake", "train[:50%]")
    assert images.shape == (2, 4, 4, 1)


def test_missing_image_feature(fake_load):
    ds = tf.data.Dataset.from_tensor_slices({"video": np.zeros((2, 3, 4, 4, 3), np.uint8)})
    fake_load.make = lambda split: ds
    with pytest.raises(ValueError, match=r"no image feature 'image' \(features: \['video'\]\)"):
        load_arrays("tfds:fake_video")


def test_variable_sizes_need_a_resolution(fake_load):
    ds = tf.data.Dataset.from_generator(
        lambda: iter([{"image": np.zeros((4, 4, 3), np.uint8)}, {"image": np.zeros((6, 5, 3), np.uint8)}]),
        output_signature={"image": tf.TensorSpec((None, None, 3), tf.uint8)})
    fake_load.make = lambda split: ds
    with pytest.raises(ValueError, match="differ in size"):
        load_arrays("tfds:fake")
    assert load_arrays("tfds:fake", resolution=(4, 2))[0].shape == (2, 4, 2, 3)
