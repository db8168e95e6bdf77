"""Noto Color Emoji from the Debian font: shapes, split, determinism, white background, cache, missing font."""

import os

import numpy as np
import pytest

from zoo.data import DatasetNotFoundError, dataset_info, emoji, load_arrays

from .conftest import requires_emoji

pytestmark = requires_emoji


@pytest.fixture
def cached(emoji_cache, monkeypatch):
    monkeypatch.setenv("ZOO_CACHE", str(emoji_cache))
    monkeypatch.delenv(emoji.ENV_VAR, raising=False)
    return emoji_cache


def test_shapes_dtype_and_split_sizes(cached):
    train, train_labels = load_arrays("emoji", "train")
    test, test_labels = load_arrays("emoji", "test")
    assert train.shape == (3534, 64, 64, 3) and test.shape == (392, 64, 64, 3)
    assert train.dtype == test.dtype == np.uint8
    assert train_labels is None and test_labels is None


def test_split_interleaves_sorted_glyph_ids(cached):
    images, glyph_ids = emoji.load_all()
    assert len(images) == 3926 and np.all(np.diff(glyph_ids) > 0)
    test, _ = emoji.load_emoji("test")
    np.testing.assert_array_equal(test, images[9::10])
    train, _ = emoji.load_emoji("train")
    np.testing.assert_array_equal(train[:9], images[:9])
    np.testing.assert_array_equal(train[9], images[10])


def test_cache_file_matches_a_fresh_decode(cached):
    images, glyph_ids = emoji.load_all()
    path = emoji.font_path()
    names = os.listdir(cached / "emoji")
    assert names == [os.path.basename(emoji.cache_file(emoji.cache.file_sha256(path), (64, 64)))]
    fresh_ids, pngs = emoji.read_bitmaps(path)
    np.testing.assert_array_equal(fresh_ids, glyph_ids)
    for i in (0, 9, 1234, len(pngs) - 1):
        np.testing.assert_array_equal(emoji.render(pngs[i], (64, 64)), images[i])


def test_white_background(cached):
    images, _ = emoji.load_all()
    corners = images[:, [0, 0, -1, -1], [0, -1, 0, -1]]
    assert (corners == 255).all(axis=(1, 2)).mean() > 0.99


def test_other_resolution_and_corrupt_cache_is_rebuilt(cached):
    path = emoji.cache_file(emoji.cache.file_sha256(emoji.font_path()), (16, 16))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"not an npz")
    images, _ = load_arrays("emoji", "test", resolution=16)
    assert images.shape == (392, 16, 16, 3)
    again, _ = load_arrays("emoji", "test", resolution=(16, 16))
    np.testing.assert_array_equal(images, again)
    with np.load(path, allow_pickle=False) as data:
        assert data["images"].shape == (3926, 16, 16, 3)


def test_dataset_info(cached):
    assert dataset_info("emoji") == {"num_classes": None, "resolution": [64, 64], "channels": 3,
                                     "splits": ["train", "test", "all", "half_a", "half_b"],
                                     "num_examples": {"train": 3534, "test": 392, "all": 3926, "half_a": 1963,
                                                      "half_b": 1963}}


def test_halves_partition_all(cached):
    """`half_a` / `half_b` (FID and its floor at the same n): the even and odd glyph positions of `all`."""
    everything, _ = load_arrays("emoji", "all")
    a, _ = load_arrays("emoji", "half_a")
    b, _ = load_arrays("emoji", "half_b")
    assert a.shape == b.shape == (1963, 64, 64, 3)
    np.testing.assert_array_equal(a, everything[0::2])
    np.testing.assert_array_equal(b, everything[1::2])


def test_all_split_is_train_and_test_in_glyph_order(cached):
    """`all` (the few-shot FID reference) = every glyph by glyph id: train and test interleaved as in the font."""
    everything, labels = load_arrays("emoji", "all")
    images, _ = emoji.load_all()
    assert labels is None and everything.shape == (3926, 64, 64, 3)
    np.testing.assert_array_equal(everything, images)
    test, _ = load_arrays("emoji", "test")
    train, _ = load_arrays("emoji", "train")
    np.testing.assert_array_equal(everything[9::10], test)
    np.testing.assert_array_equal(np.delete(everything, np.s_[9::10], axis=0), train)


def test_missing_font_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv(emoji.ENV_VAR, str(tmp_path))
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))
    with pytest.raises(DatasetNotFoundError, match="apt-get install fonts-noto-color-emoji"):
        load_arrays("emoji", "train")
    with pytest.raises(DatasetNotFoundError, match="apt-get install fonts-noto-color-emoji"):
        dataset_info("emoji")
    assert not (tmp_path / "cache").exists()


def test_unknown_split(cached):
    known = r"\['train', 'test', 'all', 'half_a', 'half_b'\]"
    with pytest.raises(ValueError, match=r"unknown emoji split 'validation'; known: " + known):
        load_arrays("emoji", "validation")
