"""Latent walks (`zoo.interpolation`) of every image family: the endpoints are the samples of the endpoint
latents (bit for bit, through the compiled sampler), a two-class walk ends on each class's samples, slerp keeps
norms, the written GIF / MP4 has one frame per step; video generators are refused."""

from __future__ import annotations

import numpy as np
import pytest

from tests.models.tiny_image_generators import IMAGE_FAMILIES, VIDEO_FAMILIES, tiny_generator
from zoo.interpolation import fractions, interpolate, lerp, save_walk, slerp

NUM, FRAMES, SEED = 3, 4, 5


@pytest.mark.parametrize("family", IMAGE_FAMILIES)
def test_walk_endpoints_are_the_samples_of_the_endpoint_latents(family):
    g = tiny_generator(family)
    classes = [1, 2] if g.num_classes else [None, None]
    walks = interpolate(g, num=NUM, frames=FRAMES, seed=SEED, labels=None if classes[0] is None else classes)
    assert walks.dtype == np.uint8 and walks.shape == (NUM, FRAMES, *g.image_shape)
    np.testing.assert_array_equal(walks[:, 0], g.sample(NUM, seed=SEED, labels=classes[0]))
    np.testing.assert_array_equal(walks[:, -1], g.sample(NUM, seed=SEED + 1, labels=classes[1]))
    assert not np.array_equal(walks[:, 1], walks[:, 0]) and not np.array_equal(walks[:, 1], walks[:, -1])
    if g.num_classes:  # one class: the same z path, the class fixed
        fixed = interpolate(g, num=NUM, frames=FRAMES, seed=SEED, labels=2)
        np.testing.assert_array_equal(fixed[:, -1], walks[:, -1])
        np.testing.assert_array_equal(fixed[:, 0], g.sample(NUM, seed=SEED, labels=2))


@pytest.mark.parametrize("family,labels", [("stylegan2", None), ("biggan", [1, 2]), ("sngan", None)])
def test_truncated_walk_ends_on_truncated_samples(family, labels):
    """psi in w (StyleGAN2); truncated z and the standing batch-norm statistics of T (BigGAN, SNGAN)."""
    g = tiny_generator(family)
    g.standing_stats(0.5, num_draws=2, batch_size=8)  # cached: used by sample and the walk alike
    ends = [None, None] if labels is None else labels
    walks = interpolate(g, num=2, frames=3, seed=0, labels=labels, truncation=0.5)
    np.testing.assert_array_equal(walks[:, 0], g.sample(2, seed=0, labels=ends[0], truncation=0.5))
    np.testing.assert_array_equal(walks[:, -1], g.sample(2, seed=1, labels=ends[1], truncation=0.5))


def test_slerp_keeps_norms_and_ends_exactly():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 5, 64)).astype(np.float32)
    b_same = b / np.linalg.norm(b, axis=1, keepdims=True) * np.linalg.norm(a, axis=1, keepdims=True)
    for t in fractions(9):
        np.testing.assert_allclose(np.linalg.norm(slerp(a, b_same, t), axis=1), np.linalg.norm(a, axis=1),
                                   rtol=1e-5)
        norms = np.linalg.norm(slerp(a, b, t), axis=1)  # different norms: between the two
        low, high = np.minimum(*[np.linalg.norm(x, axis=1) for x in (a, b)]), np.maximum(
            *[np.linalg.norm(x, axis=1) for x in (a, b)])
        assert np.all(norms >= low * (1 - 1e-5)) and np.all(norms <= high * (1 + 1e-5))
    # a straight line through Gaussian z loses norm in the middle; slerp does not
    assert np.all(np.linalg.norm(lerp(a, b_same, 0.5), axis=1) < 0.9 * np.linalg.norm(a, axis=1))
    np.testing.assert_array_equal(slerp(a, b, 0.0), a)
    np.testing.assert_array_equal(slerp(a, b, 1.0), b)
    np.testing.assert_allclose(slerp(a, 2 * a, 0.5), 1.5 * a, rtol=1e-6)  # parallel: linear


@pytest.mark.parametrize("suffix", [".gif", ".mp4"])
def test_the_written_walk_has_one_frame_per_step(suffix, tmp_path):
    walks = np.random.default_rng(0).integers(0, 256, (4, 6, 8, 8, 3), dtype=np.uint8)
    walks[:, :, :4] = np.arange(6, dtype=np.uint8)[None, :, None, None, None] * 40  # no two frames alike
    path = save_walk(walks, str(tmp_path / f"walk{suffix}"))
    if suffix == ".mp4":
        import cv2

        capture = cv2.VideoCapture(path)
        count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        capture.release()
    else:
        from PIL import Image

        with Image.open(path) as gif:
            count = gif.n_frames
    assert count == 6


def test_bad_requests_are_refused():
    g = tiny_generator("sngan")
    with pytest.raises(ValueError, match="at least 2 frames"):
        interpolate(g, num=2, frames=1)
    with pytest.raises(ValueError, match="unconditional"):
        interpolate(g, num=2, frames=2, labels=[1, 2])
    with pytest.raises(ValueError, match="written as"):
        save_walk(np.zeros((1, 2, 4, 4, 1), np.uint8), "walk.png")


@pytest.mark.parametrize("family", VIDEO_FAMILIES)
def test_video_generators_are_refused(family):
    with pytest.raises(ValueError, match="image generators"):
        interpolate(tiny_generator(family), num=1, frames=2)
