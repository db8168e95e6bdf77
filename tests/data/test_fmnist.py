"""Fashion-MNIST from the Debian package: sizes, dtypes, labels, zero padding, missing files."""

import os

import numpy as np
import pytest

from .conftest import requires_fmnist
from zoo.data import DatasetNotFoundError, dataset_info, load_arrays
from zoo.data.fmnist import DEFAULT_DIR
from zoo.data.idx import read_idx


@pytest.fixture(scope="module")
def train():
    return load_arrays("fmnist", "train")


@requires_fmnist
def test_train_split(train):
    images, labels = train
    assert images.shape == (60000, 32, 32, 1) and images.dtype == np.uint8
    assert labels.shape == (60000,) and labels.dtype == np.int64
    assert labels.min() == 0 and labels.max() == 9
    np.testing.assert_array_equal(np.bincount(labels), [6000] * 10)


@requires_fmnist
def test_padding_is_zero_and_content_unchanged(train):
    images = train[0][:1000, ..., 0]
    border = np.concatenate([images[:, :2].ravel(), images[:, -2:].ravel(), images[:, :, :2].ravel(),
                             images[:, :, -2:].ravel()])
    assert not border.any()
    raw = read_idx(os.path.join(DEFAULT_DIR, "train-images-idx3-ubyte.gz"))[:1000]
    np.testing.assert_array_equal(images[:, 2:30, 2:30], raw)


@requires_fmnist
def test_test_split():
    images, labels = load_arrays("fmnist", "test")
    assert images.shape == (10000, 32, 32, 1) and labels.shape == (10000,)
    np.testing.assert_array_equal(np.bincount(labels), [1000] * 10)


@requires_fmnist
def test_dataset_info():
    assert dataset_info("fmnist") == {"num_classes": 10, "resolution": [32, 32], "channels": 1,
                                      "splits": ["train", "test"], "num_examples": {"train": 60000, "test": 10000}}


def test_unknown_split_and_name():
    with pytest.raises(ValueError, match="unknown fmnist split 'validation'"):
        load_arrays("fmnist", "validation")
    with pytest.raises(KeyError, match="unknown dataset 'mnist'"):
        load_arrays("mnist")


def test_missing_files_name_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv("ZOO_FMNIST_DIR", str(tmp_path))
    with pytest.raises(DatasetNotFoundError, match="apt-get install dataset-fashion-mnist"):
        load_arrays("fmnist", "train")
    with pytest.raises(DatasetNotFoundError, match="apt-get install dataset-fashion-mnist"):
        dataset_info("fmnist")
