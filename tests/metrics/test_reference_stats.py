"""Reference statistics cache: round trip, sidecar sha256, tampering, selection of the real subset."""

import os

import numpy as np
import pytest

import zoo.data
from tests.metrics.fakes import DIM, FakeExtractor, fake_dataset
from zoo.metrics.reference_stats import (CacheChecksumError, cache_dir, cache_path, load_stats, parse_reference,
                                         reference_statistics, select_indices)


@pytest.fixture
def fake_data(tmp_path, monkeypatch):
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))
    data = {"test": fake_dataset(60, seed=1), "train": fake_dataset(80, seed=2)}
    monkeypatch.setattr(zoo.data, "load_arrays", lambda name, split: data[split])
    return data


def test_cache_dir_follows_env(tmp_path, monkeypatch):
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path))
    assert cache_dir() == os.path.join(str(tmp_path), "fid_stats")


def test_computes_then_loads_from_cache(fake_data):
    first = FakeExtractor()
    stats = reference_statistics("fmnist/test", 50, extractor=first, progress=False)
    assert sum(first.batches) == 50 and int(stats["num"]) == 50
    assert stats["mu"].shape == (DIM,) and stats["sigma"].shape == (DIM, DIM) and stats["mu"].dtype == np.float64
    path = cache_path("fmnist/test", 50, "tf1_bilinear")
    assert os.path.isfile(path) and os.path.isfile(path + ".sha256")
    second = FakeExtractor()
    again = reference_statistics("fmnist/test", 50, extractor=second, progress=False)
    assert second.batches == []
    np.testing.assert_array_equal(again["features"], stats["features"])
    np.testing.assert_array_equal(again["sigma"], stats["sigma"])
    assert str(again["feature_extractor"]).startswith("fid-inception-2015-12-05 sha256:")


@pytest.mark.parametrize("permutation_seed", [None, 5])
def test_smaller_num_is_a_prefix_of_a_larger_cache(fake_data, permutation_seed):
    big = reference_statistics("fmnist/train", 40, extractor=FakeExtractor(), permutation_seed=permutation_seed,
                               progress=False)
    unused = FakeExtractor()
    small = reference_statistics("fmnist/train", 25, extractor=unused, permutation_seed=permutation_seed,
                                 progress=False)
    assert unused.batches == []
    np.testing.assert_array_equal(small["features"], big["features"][:25])
    direct = FakeExtractor().batch(fake_data["train"][0][select_indices(80, 25, permutation_seed)])
    np.testing.assert_allclose(small["features"], direct, rtol=1e-6)
    assert os.path.isfile(cache_path("fmnist/train", 25, "tf1_bilinear", permutation_seed))


def test_first_n_and_permutation_select_different_images(fake_data):
    first = reference_statistics("fmnist/train", 20, extractor=FakeExtractor(), progress=False)
    perm = reference_statistics("fmnist/train", 20, extractor=FakeExtractor(), permutation_seed=0, progress=False)
    assert not np.allclose(first["mu"], perm["mu"])
    expected = FakeExtractor().batch(fake_data["train"][0][np.random.RandomState(0).permutation(80)[:20]])
    np.testing.assert_allclose(perm["features"], expected, rtol=1e-6)


def test_tampered_cache_is_recomputed_or_raises(fake_data):
    reference_statistics("fmnist/test", 30, extractor=FakeExtractor(), progress=False)
    path = cache_path("fmnist/test", 30, "tf1_bilinear")
    with open(path, "r+b") as f:
        f.seek(-10, os.SEEK_END)
        f.write(b"0123456789")
    with pytest.raises(CacheChecksumError, match="the cache was modified"):
        load_stats(path)
    with pytest.raises(CacheChecksumError):
        reference_statistics("fmnist/test", 30, extractor=FakeExtractor(), strict=True, progress=False)
    again = FakeExtractor()
    with pytest.warns(UserWarning, match="recomputing"):
        reference_statistics("fmnist/test", 30, extractor=again, progress=False)
    assert sum(again.batches) == 30
    load_stats(path)  # rewritten with a valid checksum


def test_missing_sidecar_is_an_error(fake_data):
    reference_statistics("fmnist/test", 10, extractor=FakeExtractor(), progress=False)
    path = cache_path("fmnist/test", 10, "tf1_bilinear")
    os.remove(path + ".sha256")
    with pytest.raises(CacheChecksumError, match="no checksum file"):
        load_stats(path)


def test_errors():
    with pytest.raises(ValueError, match="'<dataset>/<split>'"):
        parse_reference("fmnist")
    with pytest.raises(ValueError, match="2 <= num <= 10"):
        select_indices(10, 11)
    with pytest.raises(ValueError, match="resizes with 'tf1_bilinear' but resize='bilinear'"):
        reference_statistics("fmnist/test", 10, extractor=FakeExtractor(), resize="bilinear")
