import numpy as np
import pytest
import tensorflow as tf

from tests.training.helpers import rng, tiny_task
from zoo.training.ema import ema_update
from zoo.training.loop import make_step_fn
from zoo.training.strategy import mirrored_strategy
from zoo.data.pipeline import image_arrays, make_train_dataset


def _trainer(strategy=None, **changes):
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


@pytest.mark.parametrize("strategy_name", ["default", "mirrored"])
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
