import numpy as np
import pytest
import tensorflow as tf

from tests.training.helpers import tiny_recipe
from zoo.augment import diff_augment, make_diffaugment, parse_policy
from zoo.augment.diffaugment import rand_color, rand_cutout, rand_translation
from zoo.training.loop import train

SEED = tf.constant([3, 4], tf.int64)


def _ramp(n=4, h=32, w=32, c=1):
    # strictly positive, all values distinct within an image: a pixel tells where it came from
    x = np.arange(1, h * w * c + 1, dtype=np.float32).reshape(1, h, w, c) / (h * w * c)
    return tf.constant(np.repeat(x, n, axis=0))


def test_shapes_determinism_and_seed_dependence():
    x = _ramp()
    a = diff_augment(x, SEED)
    b = diff_augment(x, SEED)
    c = diff_augment(x, tf.constant([3, 5], tf.int64))
    assert a.shape == x.shape
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.array_equal(a.numpy(), c.numpy())
    # one draw per example: identical inputs get different augmentations
    assert not np.array_equal(a.numpy()[0], a.numpy()[1])


def test_translation_is_a_shift_with_zero_padding():
    x = _ramp(n=8)
    out = rand_translation(x, SEED).numpy()
    src = x.numpy()[0, ..., 0]
    pos = {v: (i, j) for (i, j), v in np.ndenumerate(src)}
    for img in out[..., 0]:
        shifts = {(i - pos[v][0], j - pos[v][1]) for (i, j), v in np.ndenumerate(img) if v != 0}
        assert len(shifts) == 1
        dy, dx = shifts.pop()
        assert abs(dy) <= 4 and abs(dx) <= 4  # 1/8 of 32
        assert (img == 0).sum() == 32 * 32 - (32 - abs(dy)) * (32 - abs(dx))


def test_cutout_zeroes_one_rectangle_of_at_most_half_size():
    x = _ramp(n=8)
    out = rand_cutout(x, SEED).numpy()
    for img, orig in zip(out[..., 0], x.numpy()[..., 0]):
        zero = img == 0
        ys, xs = np.nonzero(zero)
        assert zero.any()
        assert ys.max() - ys.min() + 1 <= 16 and xs.max() - xs.min() + 1 <= 16
        assert zero[ys.min():ys.max() + 1, xs.min():xs.max() + 1].all()  # a full rectangle
        np.testing.assert_array_equal(img[~zero], orig[~zero])


def test_color_keeps_a_constant_image_constant_and_shifts_brightness():
    x = tf.fill((4, 8, 8, 3), 0.2)
    out = rand_color(x, SEED).numpy()
    for img in out:
        assert np.allclose(img, img.flat[0], atol=1e-6)  # saturation / contrast act around the mean
        assert -0.3 - 1e-6 <= img.flat[0] <= 0.7 + 1e-6  # brightness in [-0.5, 0.5]


def test_gradients_flow_through_every_policy():
    x = tf.Variable(_ramp(n=2, c=3))
    for policy in ("color", "translation", "cutout", "color,translation,cutout"):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(diff_augment(x, SEED, policy) ** 2)
        g = tape.gradient(y, x).numpy()
        assert np.isfinite(g).all() and np.abs(g).sum() > 0, policy


def test_policy_parsing():
    assert parse_policy("color, cutout") == ("color", "cutout")
    assert make_diffaugment("") is None
    with pytest.raises(ValueError, match="translation"):
        parse_policy("colour")


@pytest.mark.slow(reason="~29 s; DiffAugment draws from the step's stateless stream, and resume is checked fast by "
                         "tests/training/test_loop.py")
def test_training_with_diffaugment_resumes_bit_for_bit(tmp_path, smoke_run):
    from tests.training.helpers import assert_same_export

    recipe = tiny_recipe(diffaugment="color,translation,cutout")
    train(recipe, str(tmp_path / "a"))
    train(recipe, str(tmp_path / "b"), steps=2)
    train(recipe, str(tmp_path / "b"), resume=True)
    assert_same_export(tmp_path / "a", tmp_path / "b")
    with pytest.raises(ValueError, match="diffaugment"):
        train(tiny_recipe(), str(tmp_path / "b"), resume=True, steps=5)
    # the policy really reaches D: weights differ without it (smoke_run: the same recipe without DiffAugment)
    with pytest.raises(AssertionError):
        assert_same_export(tmp_path / "a", smoke_run)
