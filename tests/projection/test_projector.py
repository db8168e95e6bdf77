"""Projection (`zoo.projection`) of every image family: projecting a generator's own sample recovers it (PSNR
stated and asserted), the class search finds the class, w+ is available for StyleGAN2, the Inception perceptual
term is zero for equal images and moves the latent otherwise; bad input and video generators are refused."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from tests.models.tiny_image_generators import IMAGE_FAMILIES, VIDEO_FAMILIES, tiny_generator
from zoo.images import to_uint8
from zoo.models.base import GANGenerator
from zoo.projection import project, psnr

STEPS = 200
MIN_PSNR = 25.0  # dB, uint8: every own sample of the tiny generators comes back at least this close
GAIN = 5.0  # dB over the starting point (the closest of 16 random z, or the mean w)


@pytest.mark.parametrize("family", IMAGE_FAMILIES)
def test_projecting_an_own_sample_recovers_it(family):
    g = tiny_generator(family)
    labels = 2 if g.num_classes else None
    targets = g.sample(2, seed=7, labels=labels)
    result = project(g, targets, steps=STEPS, labels=labels, perceptual_weight=0)
    assert np.all(result.psnr >= MIN_PSNR), f"{family}: PSNR {result.psnr} dB < {MIN_PSNR} dB"
    np.testing.assert_allclose(result.psnr, psnr(result.images, targets))
    assert np.all(psnr(result.frames[0], targets) < result.psnr - GAIN)
    assert result.frames.dtype == np.uint8 and result.frames.shape[1:] == targets.shape
    np.testing.assert_array_equal(result.frames[-1], result.images)
    assert len(result.losses) == STEPS and result.losses[-1] < result.losses[0]
    if family == "stylegan2":
        assert result.space == "w" and result.latents.shape == (2, g.w_dim)
    else:  # the latent is z: the generator's own pass on it gives the reconstruction
        assert result.space == "z" and result.latents.shape == (2, g.latent_dim)
        np.testing.assert_array_equal(to_uint8(g.generate(result.latents, result.labels)), result.images)


class ClassPatternGenerator(GANGenerator):
    """8x8x1 images: the top half from z, the bottom half a fixed pattern per class (z cannot imitate another
    class, so the class search must find the right one)."""

    def __init__(self, *, latent_dim=4, num_classes=5, **kwargs):
        super().__init__(latent_dim=latent_dim, num_classes=num_classes, **kwargs)
        self.dense = keras.layers.Dense(32)
        self.patterns = keras.layers.Embedding(num_classes, 32, embeddings_initializer="uniform")

    @property
    def image_shape(self):
        return (8, 8, 1)

    def call(self, z, labels=None, training=None):
        self.check_inputs(z, labels)
        top = keras.ops.tanh(self.dense(z))
        bottom = 20.0 * self.patterns(keras.ops.cast(labels, "int32"))
        return keras.ops.reshape(keras.ops.concatenate([top, keras.ops.tanh(bottom)], axis=-1), (-1, 8, 8, 1))


def test_the_class_is_searched_when_not_given():
    keras.utils.set_random_seed(0)
    g = ClassPatternGenerator().build_for_inputs()
    targets = g.sample(3, seed=3, labels=[4, 0, 2])
    result = project(g, targets, steps=30, search_steps=10, perceptual_weight=0)
    assert result.labels.tolist() == [4, 0, 2]
    assert len(result.losses) == 40 and len(result.frames) == 41
    np.testing.assert_array_equal(result.images[:, 4:], targets[:, 4:])  # the class half is exact


def test_stylegan2_projects_in_w_plus():
    g = tiny_generator("stylegan2")
    targets = g.sample(1, seed=7)
    result = project(g, targets, steps=STEPS, space="w+", perceptual_weight=0)
    assert result.space == "w+" and result.latents.shape == (1, g.num_ws, g.w_dim)
    # one w per layer starts from the same mean w but converges slower here (24.4 dB after 200 steps)
    assert result.psnr[0] >= 20.0 and psnr(result.frames[0], targets)[0] < result.psnr[0] - GAIN


def test_the_perceptual_term_is_inception_features():
    from zoo.projection.perceptual import InceptionPerceptual

    perceptual = InceptionPerceptual()
    rng = np.random.default_rng(0)
    a, b = rng.uniform(-1, 1, (2, 2, 8, 8, 3)).astype(np.float32)
    same, other = np.asarray(perceptual(a, a)), np.asarray(perceptual(a, b))
    np.testing.assert_allclose(same, 0.0, atol=1e-6)
    assert other.shape == (2,) and np.all(other > 0.1)
    g = tiny_generator("sngan")  # grayscale, 2 steps: the perceptual term runs in the optimisation
    result = project(g, g.sample(1, seed=1), steps=2, perceptual_weight=1.0, perceptual=perceptual)
    assert len(result.losses) == 2 and np.isfinite(result.losses).all() and result.losses[0] > 0


def test_bad_input_is_refused():
    g = tiny_generator("sngan")
    with pytest.raises(ValueError, match=r"uint8 images of shape \(N, 32, 32, 1\)"):
        project(g, np.zeros((1, 16, 16, 1), np.uint8), steps=1, perceptual_weight=0)
    with pytest.raises(ValueError, match="not w"):
        project(g, g.sample(1), steps=1, space="w", perceptual_weight=0)
    with pytest.raises(ValueError, match="unconditional"):
        project(g, g.sample(1), steps=1, labels=3, perceptual_weight=0)


@pytest.mark.parametrize("family", VIDEO_FAMILIES)
def test_video_generators_are_refused(family):
    g = tiny_generator(family)
    with pytest.raises(ValueError, match="image generators"):
        project(g, np.zeros((1, *g.image_shape), np.uint8), steps=1, perceptual_weight=0)
