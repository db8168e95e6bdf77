"""Batching of feature extraction from arrays and streams."""

import numpy as np
import pytest

from tests.metrics.fakes import DIM, FakeExtractor
from zoo.metrics.features import ExtractorConfig, check_images, extract_features, iter_batches


def test_iter_batches_rechunks_a_stream_and_stops_at_num():
    stream = (np.full((k, 2, 2, 1), i, np.uint8) for i, k in enumerate([3, 5, 1, 6, 2]))
    sizes = [len(b) for b in iter_batches(stream, 4, num=14)]
    assert sizes == [4, 4, 4, 2]


def test_iter_batches_keeps_order_of_an_array():
    x = np.arange(10, dtype=np.uint8).reshape(10, 1, 1, 1)
    out = np.concatenate(list(iter_batches(x, 3)))
    np.testing.assert_array_equal(out, x)
    assert [len(b) for b in iter_batches(x, 3, num=5)] == [3, 2]


def test_extract_features_streams_in_batches():
    x = np.random.RandomState(0).randint(0, 256, (20, 4, 4, 1)).astype(np.uint8)
    fake = FakeExtractor(batch_size=6)
    from_array = extract_features(x, fake, progress=False)
    assert fake.batches == [6, 6, 6, 2]
    from_stream = extract_features((x[i:i + 5] for i in range(0, 20, 5)), FakeExtractor(6), progress=True)
    np.testing.assert_allclose(from_array, from_stream, rtol=1e-6)
    assert from_array.shape == (20, DIM)


def test_image_checks():
    with pytest.raises(ValueError, match="uint8 images NHWC with 1 or 3 channels"):
        check_images(np.zeros((2, 4, 4, 3), np.float32))
    with pytest.raises(ValueError, match="got dtype uint8 shape \\(2, 5, 4, 4, 3\\)"):
        check_images(np.zeros((2, 5, 4, 4, 3), np.uint8))


def test_plain_config():
    plain = ExtractorConfig.plain()
    assert (plain.batch_size, plain.fold_batch_norm, plain.fuse_resize, plain.jit_compile) == (100, False, False,
                                                                                               False)
