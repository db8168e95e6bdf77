"""Inception input: legacy TF-GAN bilinear by default, grayscale repeated to 3 channels."""

import numpy as np
import pytest
import tensorflow as tf

from zoo.metrics.resize import DEFAULT_RESIZE, to_inception_input


def images(c):
    return np.random.RandomState(0).randint(0, 256, (2, 32, 32, c)).astype(np.uint8)


def test_default_is_legacy_bilinear():
    assert DEFAULT_RESIZE == "tf1_bilinear"
    x = images(3)
    expected = tf.compat.v1.image.resize_bilinear(x.astype(np.float32), [299, 299], align_corners=False,
                                                  half_pixel_centers=False)
    np.testing.assert_array_equal(to_inception_input(x).numpy(), expected.numpy())


def test_half_pixel_bilinear_differs_from_legacy():
    x = images(3)
    new = to_inception_input(x, "bilinear").numpy()
    np.testing.assert_allclose(new, tf.image.resize(x.astype(np.float32), [299, 299]).numpy(), atol=1e-4)
    assert np.abs(new - to_inception_input(x).numpy()).max() > 1.0


def test_grayscale_is_repeated_to_rgb():
    gray = images(1)
    out = to_inception_input(gray).numpy()
    assert out.shape == (2, 299, 299, 3) and out.dtype == np.float32
    np.testing.assert_array_equal(out, to_inception_input(np.repeat(gray, 3, -1)).numpy())
    assert 0 <= out.min() and out.max() <= 255


def test_299_input_is_not_resized():
    x = np.random.RandomState(1).randint(0, 256, (1, 299, 299, 3)).astype(np.uint8)
    np.testing.assert_array_equal(to_inception_input(x).numpy(), x.astype(np.float32))


def test_errors():
    with pytest.raises(ValueError, match="1 or 3 channels"):
        to_inception_input(np.zeros((1, 8, 8, 2), np.uint8))
    with pytest.raises(ValueError, match="expected one of"):
        to_inception_input(images(3), "lanczos")
