"""AdvAug (feature-level adversarial augmentation): PGD against a closed form, the bound, the loss it raises
on real G / D features of every family, the features/head and stem/render splits, the trainer terms (radius
-> 0 gives clean training; disabled = unchanged), training under the default and Mirrored strategies, and
the errors."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.training.helpers import tiny_recipe
from zoo.augment.advaug import AdvAug, pgd_perturbation
from zoo.losses import get_loss
from zoo.models import build_from_preset
from tests.training.helpers import rng, tiny_task
from zoo.training.tasks.gan import GANTask
from zoo.training.loop import train

LR = 1e-3
FAMILIES = {"sngan": ("sngan_32_small", 8), "biggan": ("biggan_32_small", 4), "sagan": ("sagan_32_small", 4)}


def _models(family):
    preset, ch = FAMILIES[family]
    keras.utils.set_random_seed(0)
    g, d = build_from_preset(family, preset, generator={"channels": ch, "image_channels": 1},
                             discriminator={"channels": ch, "image_channels": 1})
    labels = tf.constant([0, 3, 9, 1]) if g.num_classes else None
    x = tf.random.stateless_uniform((4, 32, 32, 1), (1, 2), -1, 1)
    z = tf.random.stateless_normal((4, g.latent_dim), (3, 4))
    g(z, labels=labels, training=False)
    d(x, labels=labels, training=False)
    return g, d, x, z, labels


def test_pgd_matches_the_closed_form_on_a_linear_loss():
    w = tf.constant([[0.5, -2.0, 1e-3], [-1.0, 3.0, -0.2]])
    h = tf.random.stateless_normal((2, 3), (0, 1))
    # 3 signed steps of 0.004 = 0.012, clipped to the radius 0.01
    delta = pgd_perturbation(h, lambda f: tf.reduce_sum(w * f), AdvAug(steps=3, step_size=0.004, radius=0.01))
    np.testing.assert_allclose(delta.numpy(), 0.01 * np.sign(w.numpy()), rtol=1e-6)
    # 2 steps of 0.004 stay inside the ball
    delta = pgd_perturbation(h, lambda f: tf.reduce_sum(w * f), AdvAug(steps=2, step_size=0.004, radius=0.01))
    np.testing.assert_allclose(delta.numpy(), 0.008 * np.sign(w.numpy()), rtol=1e-6)
    assert not np.any(pgd_perturbation(h, lambda f: tf.reduce_sum(w * f), AdvAug(steps=0)).numpy())


def test_pgd_stays_in_the_ball_and_raises_a_nonlinear_loss():
    h = tf.random.stateless_normal((16, 8), (5, 6))
    v = tf.random.stateless_normal((8, 1), (7, 8))

    def loss(f):
        return tf.reduce_mean(tf.nn.softplus(-(f @ v)))

    adv = AdvAug(steps=5, step_size=0.03, radius=0.05)
    delta = pgd_perturbation(h, loss, adv)
    assert np.abs(delta.numpy()).max() <= 0.05 + 1e-7
    assert float(loss(h + delta)) > float(loss(h)) + 1e-3


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_features_head_and_stem_render_compose_to_call(family):
    g, d, x, z, labels = _models(family)
    h = d.features(x, labels, training=False)
    assert len(h.shape) == 2 and h.shape[0] == 4
    np.testing.assert_allclose(d.head(h, labels, training=False).numpy(), d(x, labels=labels).numpy(), rtol=1e-5,
                               atol=1e-5)
    stem, context = g.stem(z, labels, training=False)
    assert stem.shape[:3] == (4, 4, 4)  # the 4x4 map after G's first layer
    np.testing.assert_allclose(g.render(stem, context, training=False).numpy(), g(z, labels=labels).numpy(),
                               atol=1e-6)


@pytest.mark.parametrize("family", ["sngan", "biggan"])
def test_perturbations_of_real_features_raise_the_targeted_losses(family):
    g, d, x, z, labels = _models(family)
    g_loss_fn, d_loss_fn = get_loss("non_saturating")
    adv = AdvAug(steps=2, step_size=0.05, radius=0.1)
    fake = g(z, labels=labels)
    both = None if labels is None else tf.concat([labels, labels], 0)
    h = d.features(tf.concat([x, fake], 0), both)

    def d_loss(f):
        out = d.head(f, both)
        return d_loss_fn(out[:4], out[4:])

    delta = pgd_perturbation(h, d_loss, adv)
    assert np.abs(delta.numpy()).max() <= 0.1 + 1e-7
    assert float(d_loss(h + delta)) > float(d_loss(h))

    stem, context = g.stem(z, labels)

    def g_loss(f):
        return g_loss_fn(d(g.render(f, context), labels=labels))

    delta = pgd_perturbation(stem, g_loss, adv)
    assert delta.shape == stem.shape and np.abs(delta.numpy()).max() <= 0.1 + 1e-7
    assert float(g_loss(stem + delta)) > float(g_loss(stem))


_CONVERGED = {}  # family -> (initial, converged) variable values of its trainer (the same for every AdvAug setting)


def _variables(trainer):
    return [v for model in (trainer.generator, trainer.discriminator, trainer.ema_generator) for v in model.weights]


def _trainer(family, **advaug):
    preset, ch = FAMILIES[family]
    recipe = tiny_recipe(family=family, preset=preset, generator_overrides={"channels": ch},
                         discriminator_overrides={"channels": ch}, **advaug)
    keras.utils.set_random_seed(0)
    trainer = tiny_task(recipe=recipe)
    # plain SGD: the weight change is lr * gradient (Adam's first step is about lr * sign(grad), which turns
    # rounding-level differences of near-zero gradients into +-lr)
    trainer.optimizers = {"generator": keras.optimizers.SGD(LR), "discriminator": keras.optimizers.SGD(LR)}
    for name, opt in trainer.optimizers.items():
        opt.build(trainer.networks[name].trainable_variables)
    # converge the spectral-norm power iterations: AdvAug's extra forward passes run extra iterations, which
    # change sigma only while the estimates still move (the first steps of a run). The seed-0 networks do not
    # depend on the AdvAug settings: converged once per family, the values are copied into later trainers.
    if family in _CONVERGED:
        initial, converged = _CONVERGED[family]
        for variable, start, value in zip(_variables(trainer), initial, converged, strict=True):
            np.testing.assert_array_equal(variable.numpy(), start, err_msg=variable.path)  # same starting point
            variable.assign(value)
        return trainer
    initial = [v.numpy() for v in _variables(trainer)]
    for model in (trainer.generator, trainer.discriminator):
        for layer in model._flatten_layers():
            for _ in range(60 if hasattr(layer, "sn_u") else 0):
                layer.normalized_kernel(training=True)
    _CONVERGED[family] = initial, [v.numpy() for v in _variables(trainer)]
    return trainer


def _one_step_weights(trainer):
    """The gradients of one training step (D step, then G step), as weight change / LR."""
    variables = trainer.generator.trainable_variables + trainer.discriminator.trainable_variables
    before = [w.numpy() for w in variables]
    images = tf.random.stateless_uniform((4, 32, 32, 1), (9, 9), -1, 1)
    trainer.replica_step({"images": images, "labels": tf.constant([1, 2, 3, 4])}, rng())
    return [(w.numpy() - b) / LR for w, b in zip(variables, before)]


@pytest.mark.parametrize("family", ["sngan", pytest.param("biggan", marks=pytest.mark.slow(
    reason="~30 s; the fast suite checks SNGAN, the same AdvAug code path"))])
def test_vanishing_radius_gives_the_clean_update_and_disabled_is_unchanged(family):
    clean = _one_step_weights(_trainer(family))
    scale = max(np.abs(g).max() for g in clean)  # rounding noise on zero-gradient biases (before BN) is absolute
    off = _one_step_weights(_trainer(family, advaug_d_steps=0, advaug_g_steps=0, advaug_d_radius=0.5))
    for a, b in zip(clean, off):
        np.testing.assert_array_equal(a, b)
    tiny = _one_step_weights(_trainer(family, advaug_d_steps=1, advaug_g_steps=1, advaug_d_step_size=1e-9,
                                      advaug_d_radius=1e-9, advaug_g_step_size=1e-9, advaug_g_radius=1e-9))
    for a, b in zip(clean, tiny):
        np.testing.assert_allclose(a, b, rtol=1e-2, atol=1e-3 * scale)
    big = _one_step_weights(_trainer(family, advaug_d_steps=1, advaug_g_steps=1, advaug_d_step_size=1.0,
                                     advaug_d_radius=1.0, advaug_g_step_size=1.0, advaug_g_radius=1.0))
    assert any(not np.allclose(a, b, rtol=1e-2, atol=1e-3 * scale) for a, b in zip(clean, big))


# BigGAN (38 s each) only in make test-slow: the fast suite has SNGAN under MirroredStrategy here, and trains BigGAN
# with AdvAug (and DiffAugment, class labels and LTH masks) for 20 steps in tests/training/test_smoke_weights.py's
# fast case, whose weights must equal the recorded ones bit for bit
@pytest.mark.parametrize("family,strategy", [("sngan", "mirrored"),
                                             pytest.param("biggan", "default", marks=pytest.mark.slow),
                                             pytest.param("biggan", "mirrored", marks=pytest.mark.slow)])
def test_training_with_advaug_logs_both_terms(tmp_path, family, strategy):
    """2 steps of the smoke run (a checkpoint and a preview at step 2): every step of a GAN task runs the same
    compiled function, so steps 3 and 4 would add time, not coverage."""
    preset, ch = FAMILIES[family]
    recipe = tiny_recipe(family=family, preset=preset, generator_overrides={"channels": ch},
                         discriminator_overrides={"channels": ch}, advaug_d_steps=2, advaug_g_steps=1,
                         diffaugment="translation", steps=2)
    state = train(recipe, str(tmp_path / "run"), strategy=strategy)
    assert state["step"] == recipe.run.steps
    for key in ("d_adv", "g_adv", "d_loss", "g_loss"):
        assert np.isfinite(state["losses"][key]), key


def test_bad_settings_are_rejected():
    with pytest.raises(ValueError, match="steps"):
        AdvAug(steps=-1)
    with pytest.raises(ValueError, match="radius"):
        AdvAug(steps=1, radius=0.0)
    g, d, *_ = _models("sngan")
    with pytest.raises(ValueError, match="AdvAug"):
        GANTask(g, d, optimizers={"generator": None, "discriminator": None}, loss="hinge",
                training_mode="one_stage", advaug_d=AdvAug(steps=1))
