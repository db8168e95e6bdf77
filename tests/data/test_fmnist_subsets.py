"""Small-data fmnist subsets ('fmnist10pct', 'fmnist1pct'): exact per-class counts, determinism, nesting,
subset of the full split, test split unchanged, sizes in dataset_info."""

import numpy as np
import pytest

from .conftest import requires_fmnist
from zoo.data import class_names, dataset_info, load_arrays, parse_name
from zoo.data.fmnist import SUBSET_SEED, subset_indices


@pytest.fixture(scope="module")
def full():
    return load_arrays("fmnist", "train")


def _rows(images):
    return {row.tobytes() for row in images.reshape(len(images), -1)}


@requires_fmnist
@pytest.mark.parametrize("name, per_class", [("fmnist10pct", 600), ("fmnist1pct", 60)])
def test_subset_has_exact_per_class_counts_and_comes_from_the_full_split(full, name, per_class):
    images, labels = load_arrays(name, "train")
    assert images.shape == (10 * per_class, 32, 32, 1) and images.dtype == np.uint8 and labels.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(labels, minlength=10), [per_class] * 10)
    idx = subset_indices(full[1], 10 if name == "fmnist10pct" else 1)
    np.testing.assert_array_equal(images, full[0][idx])
    np.testing.assert_array_equal(labels, full[1][idx])
    assert len(np.unique(idx)) == len(idx)


@requires_fmnist
def test_subsets_are_deterministic_and_nested(full):
    a, b = load_arrays("fmnist10pct", "train"), load_arrays("fmnist10pct", "train")
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    small = load_arrays("fmnist1pct", "train")[0]
    assert _rows(small) <= _rows(a[0])
    assert set(subset_indices(full[1], 1)) <= set(subset_indices(full[1], 10))


@requires_fmnist
def test_test_split_is_not_subsampled():
    full_test = load_arrays("fmnist", "test")
    for name in ("fmnist10pct", "fmnist1pct"):
        images, labels = load_arrays(name, "test")
        np.testing.assert_array_equal(images, full_test[0])
        np.testing.assert_array_equal(labels, full_test[1])


@requires_fmnist
def test_dataset_info_reports_subset_sizes():
    assert dataset_info("fmnist10pct")["num_examples"] == {"train": 6000, "test": 10000}
    assert dataset_info("fmnist1pct")["num_examples"] == {"train": 600, "test": 10000}
    assert dataset_info("fmnist1pct")["num_classes"] == 10


def test_subset_indices_fixed_seed_and_balance():
    labels = np.repeat(np.arange(3), [50, 30, 20])
    idx = subset_indices(labels, 10)
    np.testing.assert_array_equal(np.bincount(labels[idx]), [5, 3, 2])
    np.testing.assert_array_equal(idx, subset_indices(labels, 10, seed=SUBSET_SEED))
    assert not np.array_equal(idx, subset_indices(labels, 10, seed=SUBSET_SEED + 1))
    assert np.all(np.diff(idx) > 0)
    with pytest.raises(ValueError, match="percent"):
        subset_indices(labels, 0)


def test_names_parse_and_keep_class_names():
    assert parse_name("fmnist10pct") == ("fmnist", "10pct")
    assert parse_name("fmnist1pct") == ("fmnist", "1pct")
    assert class_names("fmnist10pct") == class_names("fmnist")
    with pytest.raises(KeyError, match="fmnist5pct"):
        parse_name("fmnist5pct")
