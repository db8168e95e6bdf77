"""The local TFDS builders `zoo_fmnist` / `zoo_emoji`: prepared from Debian files with the network refused."""

import numpy as np
import pytest
import tensorflow_datasets as tfds

from zoo.data import DatasetNotFoundError, dataset_info, emoji, load_arrays, load_fmnist
from zoo.data.tfds_builders import ZooConfig, ZooEmoji, ZooFmnist

from .conftest import requires_emoji, requires_fmnist


def sorted_rows(images):
    """Images as a sorted list of byte strings: compares two datasets as multisets (TFDS reorders examples)."""
    return sorted(image.tobytes() for image in images)


@requires_fmnist
def test_tfds_load_small_config_offline(no_network, tmp_path):
    ds = tfds.load("zoo_fmnist/small", split="test", data_dir=str(tmp_path))
    examples = list(tfds.as_numpy(ds))
    assert len(examples) == 1000
    assert examples[0]["image"].shape == (32, 32, 1) and examples[0]["image"].dtype == np.uint8
    images, labels = load_fmnist("test")
    assert sorted_rows(e["image"] for e in examples) == sorted_rows(images[:1000])
    assert sorted(int(e["label"]) for e in examples) == sorted(labels[:1000].tolist())
    arrays, arr_labels = load_arrays("tfds:zoo_fmnist/small", "test", data_dir=str(tmp_path))
    np.testing.assert_array_equal(arrays, np.stack([e["image"] for e in examples]))
    assert arr_labels.dtype == np.int64 and arr_labels.max() <= 9


@requires_fmnist
@pytest.mark.slow  # ~13 s: writes all 70,000 images; test_tfds_load_small_config_offline covers the builder path
def test_full_fmnist_builder(no_network, tmp_path):
    builder = ZooFmnist(data_dir=str(tmp_path))
    builder.download_and_prepare()
    assert {k: v.num_examples for k, v in builder.info.splits.items()} == {"train": 60000, "test": 10000}
    assert builder.info.features["label"].num_classes == 10
    batch = next(iter(tfds.as_numpy(builder.as_dataset(split="train", batch_size=64))))
    assert batch["image"].shape == (64, 32, 32, 1)
    info = dataset_info("tfds:zoo_fmnist", data_dir=str(tmp_path))
    assert info == {"num_classes": 10, "resolution": [32, 32], "channels": 1, "splits": ["test", "train"],
                    "num_examples": {"test": 10000, "train": 60000}}


@requires_emoji
def test_emoji_builder_custom_config(no_network, tmp_path, emoji_cache, monkeypatch):
    monkeypatch.setenv("ZOO_CACHE", str(emoji_cache))
    builder = ZooEmoji(data_dir=str(tmp_path), config=ZooConfig(name="first50", max_examples=50))
    builder.download_and_prepare()
    assert builder.info.splits["train"].num_examples == 50 and builder.info.splits["test"].num_examples == 50
    images = [e["image"] for e in tfds.as_numpy(builder.as_dataset(split="test"))]
    assert images[0].shape == (64, 64, 3)
    assert sorted_rows(images) == sorted_rows(emoji.load_emoji("test")[0][:50])


def test_missing_debian_files_name_the_package(no_network, tmp_path, monkeypatch):
    monkeypatch.setenv("ZOO_FMNIST_DIR", str(tmp_path / "empty"))
    with pytest.raises(DatasetNotFoundError, match="apt-get install dataset-fashion-mnist"):
        tfds.load("zoo_fmnist/small", split="train", data_dir=str(tmp_path / "tfds"))


def test_network_guard_catches_a_downloading_builder(no_network, tmp_path):
    """The guard is not vacuous: TFDS's own `mnist` builder looks up GCS metadata and is stopped."""
    with pytest.raises(AssertionError, match="network access attempted"):
        tfds.builder("mnist", data_dir=str(tmp_path))
