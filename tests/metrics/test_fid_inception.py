"""The Keras FID Inception network against features computed once with the original TorchScript model."""

import os

import numpy as np
import pytest

from tests.metrics.make_reference_features import OUT, reference_images, torch_features
from zoo.metrics.fid_inception import ConvBN, build_fid_inception, fid_inception, load_fid_weights
from zoo.metrics.fid_weights import FID_WEIGHTS_SHA256, fid_weights_path, load_fid_tensors

ATOL = 1e-4


@pytest.fixture(scope="module")
def reference():
    with np.load(OUT, allow_pickle=False) as data:
        assert str(data["weights_sha256"]) == FID_WEIGHTS_SHA256
        return data["features"]


@pytest.fixture(scope="module")
def images():
    return reference_images()


@pytest.mark.parametrize("fold_batch_norm", [False, True])
def test_features_match_torchscript(fold_batch_norm, reference, images):
    model = fid_inception(fold_batch_norm=fold_batch_norm)
    features = np.asarray(model(images, training=False))
    assert features.shape == (4, 2048) and features.dtype == np.float32
    np.testing.assert_allclose(features, reference, atol=ATOL, rtol=0)


def test_every_tensor_is_used_and_shapes_are_checked():
    tensors = load_fid_tensors()
    assert len(tensors) == 4 * sum(isinstance(layer, ConvBN) for layer in build_fid_inception().layers) == 376
    broken = dict(tensors)
    broken["mixed_4.tower.conv_1.weight"] = np.zeros((128, 128, 7, 1), np.float32)
    with pytest.raises(ValueError, match=r"mixed_4.tower.conv_1/kernel expects shape \(1, 7, 128, 128\)"):
        load_fid_weights(build_fid_inception(), broken)
    extra = dict(tensors, **{"fc.weight": np.zeros(3, np.float32)})
    with pytest.raises(ValueError, match="no place for.*fc.weight"):
        load_fid_weights(build_fid_inception(), extra)


@pytest.mark.slow
def test_torchscript_parity_live(images):
    """Re-run the TorchScript model (needs torch, e.g. in a separate venv) and compare."""
    pytest.importorskip("torch")
    expected = torch_features(fid_weights_path(), images)
    got = np.asarray(fid_inception()(images, training=False))
    np.testing.assert_allclose(got, expected, atol=ATOL, rtol=0)


def test_reference_file_is_small():
    assert os.path.getsize(OUT) < 100_000


def test_fast_extractor_matches_torchscript(reference, images):
    """The library's default configuration (folded BN, frozen graph, in-graph resize) on uint8 299x299 input."""
    from zoo.metrics.features import ExtractorConfig, InceptionFeatures

    extractor = InceptionFeatures()
    assert extractor.config == ExtractorConfig()
    np.testing.assert_allclose(extractor(images.astype(np.uint8)), reference, atol=ATOL, rtol=0)
