import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.training.helpers import rng, tiny_task
from zoo.training.ema import ema_update
from zoo.training.loop import make_step_fn
from zoo.training.strategy import mirrored_strategy
from zoo.data.pipeline import image_arrays, make_train_dataset


def _trainer(strategy=None, **changes):
    keras.utils.set_random_seed(0)  # the same initial weights whatever ran before in this process
    return tiny_task(strategy, **changes)


def _snapshot(variables):
    return [v.numpy().copy() for v in variables]


def _real(n=4, seed=0):
    return tf.constant(np.random.default_rng(seed).uniform(-1, 1, (n, 32, 32, 1)).astype(np.float32))


def test_d_step_leaves_generator_unchanged():
    t = _trainer()
    g0, d0 = _snapshot(t.generator.trainable_variables), _snapshot(t.discriminator.trainable_variables)
    t.d_step(_real(), None, rng())
    for a, v in zip(g0, t.generator.trainable_variables):
        np.testing.assert_array_equal(a, v.numpy())
    assert any(not np.array_equal(a, v.numpy()) for a, v in zip(d0, t.discriminator.trainable_variables))


def test_g_step_leaves_discriminator_unchanged():
    t = _trainer()
    g0, d0 = _snapshot(t.generator.trainable_variables), _snapshot(t.discriminator.trainable_variables)
    t.g_step(4, rng())
    for a, v in zip(d0, t.discriminator.trainable_variables):
        np.testing.assert_array_equal(a, v.numpy())
    assert any(not np.array_equal(a, v.numpy()) for a, v in zip(g0, t.generator.trainable_variables))


def test_n_dis_discriminator_updates_per_generator_update():
    t = _trainer(n_dis=3)
    images = tf.concat([_real(4, s) for s in range(3)], 0)
    t.replica_step({"images": images, "labels": tf.zeros((12,), tf.int32)}, rng())
    assert int(t.optimizers["discriminator"].iterations.numpy()) == 3
    assert int(t.optimizers["generator"].iterations.numpy()) == 1


def test_ema_update_formula():
    a = tf.Variable([1.0, 2.0])
    b = tf.Variable([3.0, 6.0])
    ema_update([a], [b], 0.75)
    np.testing.assert_allclose(a.numpy(), [0.75 * 1 + 0.25 * 3, 0.75 * 2 + 0.25 * 6])


def test_ema_generator_follows_generator_after_start():
    t = _trainer(ema_start=0, ema_decay=0.5)
    before = _snapshot(t.ema_generator.weights)
    t.g_step(4, rng())
    for e0, e, w in zip(before, t.ema_generator.weights, t.generator.weights):
        np.testing.assert_allclose(e.numpy(), 0.5 * e0 + 0.5 * w.numpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("strategy_name", ["default", pytest.param("mirrored", marks=pytest.mark.slow(
    reason="~12 s; Mirrored steps are checked fast in test_one_stage / test_stylegan2_task"))])
def test_steps_have_finite_losses(strategy_name):
    strategy = (tf.distribute.get_strategy() if strategy_name == "default"
                else mirrored_strategy(["/cpu:0", "/cpu:1"]))
    t = _trainer(strategy)
    images = np.random.default_rng(0).integers(0, 255, (64, 32, 32, 1), dtype=np.uint8)
    ds = strategy.distribute_datasets_from_function(
        lambda ctx: make_train_dataset(image_arrays(images, None), examples_per_step=4, seed=0, input_context=ctx))
    step_fn = make_step_fn(t, strategy)
    it = iter(ds)
    for step in range(2):
        assert step_fn.step == step
        out = {k: float(v) for k, v in step_fn(it).items()}
        assert set(out) == {"d_loss", "g_loss", "d_real", "d_fake"}
        assert all(np.isfinite(v) for v in out.values())
    if strategy_name == "mirrored":
        for var in t.generator.weights + t.discriminator.weights + t.ema_generator.weights:
            copies = [c.numpy() for c in var.value.values]
            np.testing.assert_array_equal(copies[0], copies[1], err_msg=var.path)


def test_mirrored_update_equals_single_device_update():
    """Same global batch, same z: the 2-replica step must give the 1-device weights (sum-reduced gradients,
    losses scaled by 1/num_replicas, synchronized BN)."""
    real = _real(4, 3)
    single = _trainer()
    two_replicas = mirrored_strategy(["/cpu:0", "/cpu:1"])
    mirrored = _trainer(two_replicas)
    for model in ("generator", "discriminator"):
        getattr(mirrored, model).set_weights(getattr(single, model).get_weights())
    z = tf.random.stateless_normal((4, single.generator.latent_dim), seed=[1, 2])
    for t in (single, mirrored):
        t.latents = lambda n, rng_, purpose, sub=0, _z=z: _z[:n] if n == 4 else _z[
            tf.distribute.get_replica_context().replica_id_in_sync_group * n:][:n]
    single.d_step(real, None, rng())

    @tf.function
    def d_step_mirrored(x):
        return two_replicas.run(lambda r: mirrored.d_step(r, None, rng()), args=(x,))

    dist = two_replicas.experimental_distribute_values_from_function(
        lambda ctx: real[ctx.replica_id_in_sync_group * 2:][:2])
    d_step_mirrored(dist)
    for a, b in zip(single.discriminator.trainable_variables, mirrored.discriminator.trainable_variables):
        np.testing.assert_allclose(a.numpy(), b.value.values[0].numpy(), rtol=2e-4, atol=2e-6, err_msg=a.path)


def test_step_counter_belongs_to_the_loop_not_to_an_optimizer():
    """An extra optimizer update (e.g. a lazy regularization phase) does not move the step: the step counter
    is the loop's, and each step's draws are a function of it."""
    t = _trainer()
    images = np.random.default_rng(0).integers(0, 255, (64, 32, 32, 1), dtype=np.uint8)
    step_fn = make_step_fn(t, tf.distribute.get_strategy())
    it = iter(make_train_dataset(image_arrays(images, None), examples_per_step=4, seed=0))
    step_fn(it)
    t.optimizers["generator"].iterations.assign_add(5)
    step_fn(it)
    assert step_fn.step == 2 and int(step_fn.counter.numpy()) == 2
    z1 = t.latents(4, rng(1), "z_d")
    np.testing.assert_array_equal(z1.numpy(), tf.random.stateless_normal(
        (4, t.generator.latent_dim), seed=rng(1).seed("z_d")).numpy())
    assert not np.array_equal(z1.numpy(), t.latents(4, rng(2), "z_d").numpy())


def test_lazy_regularizer_runs_every_k_steps_with_weight_times_k_and_corrected_adam():
    """Lazy R1 (interval 2): the D optimizer's Adam is corrected by r = 2/3 (lr * r, betas ** r), the term
    runs as its own D update at steps with step % 2 == 0, with weight gamma / 2 * 2 (Karras et al. 2020,
    Appendix B)."""
    import keras

    from tests.training.helpers import tiny_recipe
    from zoo.losses import r1_penalty
    from zoo.training.objectives import TermInputs

    recipe = tiny_recipe(objective=({"kind": "r1", "gamma": 10.0, "interval": 2},))
    t = _trainer(objective=recipe.objective)
    d_opt, g_opt = t.optimizers["discriminator"], t.optimizers["generator"]
    r = 2 / 3
    d_spec, g_spec = recipe.optimizers["discriminator"], recipe.optimizers["generator"]
    np.testing.assert_allclose(float(d_opt.learning_rate), d_spec.lr * r, rtol=1e-6)
    np.testing.assert_allclose([float(d_opt.beta_1), float(d_opt.beta_2)], [d_spec.beta_1 ** r, d_spec.beta_2 ** r])
    np.testing.assert_allclose(float(g_opt.learning_rate), g_spec.lr, rtol=1e-6)
    np.testing.assert_allclose(float(g_opt.beta_2), g_spec.beta_2, rtol=1e-6)
    assert [t.due(s) for s in range(4)] == [(2,), (), (2,), ()]

    images = tf.concat([_real(4, 0)], 0)
    for step, expected in ((0, 2), (1, 3), (2, 5)):  # D updates so far: main + lazy at even steps
        t.replica_step({"images": images, "labels": tf.zeros((4,), tf.int32)}, rng(step), t.due(step))
        assert int(d_opt.iterations.numpy()) == expected

    sgd = keras.optimizers.SGD(0.1)
    sgd.build(t.discriminator.trainable_variables)
    t.optimizers["discriminator"] = sgd
    real = _real(4, 5)
    state = _snapshot(t.discriminator.non_trainable_variables)  # spectral-norm vectors advance per call
    with tf.GradientTape() as tape:
        expected_loss = 2 * 5.0 * r1_penalty(t.discriminator, real)
    grads = tape.gradient(expected_loss, t.discriminator.trainable_variables)
    for v, value in zip(t.discriminator.non_trainable_variables, state):
        v.assign(value)
    before = _snapshot(t.discriminator.trainable_variables)
    t.lazy_step("discriminator", TermInputs(t.networks, rng(0), real=real), (2,))
    for b, g, v in zip(before, grads, t.discriminator.trainable_variables):
        g = np.zeros_like(b) if g is None else g.numpy()  # R1 does not depend on the final bias
        np.testing.assert_allclose(v.numpy(), b - 0.1 * g, rtol=1e-4, atol=1e-6, err_msg=v.path)
    t.lazy_step("discriminator", TermInputs(t.networks, rng(1), real=real), ())  # not due: no update
    for a, v in zip([v.numpy() for v in t.discriminator.trainable_variables], t.discriminator.trainable_variables):
        np.testing.assert_array_equal(a, v.numpy())


def test_objective_specs_are_checked():
    import pytest

    from zoo.training.objectives import lazy_adam, make_objective

    with pytest.raises(ValueError, match="unknown objective kind 'r2'"):
        make_objective({"kind": "r2"})
    with pytest.raises(ValueError, match="interval must be an int >= 1"):
        make_objective({"kind": "r1", "gamma": 1.0, "interval": 0})
    with pytest.raises(ValueError, match="objective 'r1'"):
        make_objective({"kind": "r1", "gama": 1.0})
    with pytest.raises(ValueError, match="gradient_penalty interpolates the fakes"):
        make_objective({"kind": "gradient_penalty", "weight": 1.0, "interval": 4})
    terms = [make_objective({"kind": "r1", "gamma": 1.0, "interval": 16}),
             make_objective({"kind": "r1", "gamma": 1.0, "interval": 4})]
    with pytest.raises(ValueError, match="different intervals"):
        lazy_adam(1e-3, 0.0, 0.99, terms, "discriminator")


def test_randomness_streams_are_public_and_stable():
    """Named purposes: the six GAN streams keep their historical ids; a family's own purpose gets a stable id
    that differs from them and from other names."""
    from zoo.training.randomness import GAN_PURPOSES, purpose_id

    assert [purpose_id(p) for p in ("z_d", "z_g", "labels_d", "labels_g", "gp", "aug")] == list(range(6))
    own = {purpose_id("mixing_z"), purpose_id("frame_offset")}
    assert len(own) == 2 and not own & set(GAN_PURPOSES.values()) and min(own) >= 2 ** 32
    a = rng(3).normal((2, 3), "mixing_z").numpy()
    np.testing.assert_array_equal(a, rng(3).normal((2, 3), "mixing_z").numpy())
    assert not np.array_equal(a, rng(3).normal((2, 3), "frame_offset").numpy())
    assert not np.array_equal(a, rng(4).normal((2, 3), "mixing_z").numpy())
