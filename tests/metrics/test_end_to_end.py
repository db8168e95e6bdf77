"""The real network on real Fashion-MNIST, at tiny n (slow: several Inception passes plus a 2048-d matrix root)."""

import numpy as np
import pytest

from tests.metrics.fakes import FakeGenerator

pytestmark = pytest.mark.slow


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path))


def test_evaluate_generator_and_floor_on_fmnist(cache):
    pytest.importorskip("zoo.data.fmnist")
    from zoo.metrics import evaluate_generator, real_floor

    noise = evaluate_generator(FakeGenerator(shape=(32, 32, 1)), metric="kid", num=24, kid_subsets=10,
                               progress=False)
    floor = real_floor(num=24, metric="kid", kid_subsets=10, progress=False)
    assert noise["num_real"] == floor["num_real"] == 24
    assert noise["value"] > floor["value"] + 3 * floor["std"]
    fid = real_floor(num=24, fid_method="eigh", progress=False)  # features now cached: only the maths runs
    assert np.isfinite(fid["value"]) and fid["value"] > 0
