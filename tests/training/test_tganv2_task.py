"""The TGANv2 task: one forward pass per step, one Adam per level, the summed real gradient penalty against a
per-clip computation, linear learning-rate decay, video DiffAugment, tickets over Conv3D kernels, the
techniques it refuses, MirroredStrategy and a killed run's bit-for-bit resume."""

from __future__ import annotations

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.conftest import REPO
from tests.training import test_loop
from tests.training.helpers import rng
from tests.training.test_lottery_ticket import assert_pruned
from zoo.augment.diffaugment import diff_augment
from zoo.models.tganv2.tganv2_levels import real_levels
from zoo.training.imp import trained_kernels
from zoo.training.objectives import TermInputs
from zoo.training.pruning import add_masks, prunable_kernels, prune
from zoo.training.recipe import load_recipe
from zoo.training.strategy import mirrored_strategy
from zoo.training.tasks import build_task
from zoo.training.tasks.tganv2 import level_optimizer_name

RECIPE_PATH = os.path.join(REPO, "recipes", "tganv2_mfmnist64.py")
TINY_G = {"latent_dim": 8, "frames": 8, "base_size": 2, "clstm_channels": 4, "channels": [4, 4, 4], "levels": 3}
TINY_D = {"levels": 3, "channels": [4, 8]}
SPEC = {"video": (8, 16, 16, 1), "labels": ()}


def tiny_recipe(**changes):
    """The shipped recipe's smoke variant at 8 frames of 16x16 (levels 8x4x4, 4x8x8, 2x16x16), 4 maps."""
    recipe = load_recipe(RECIPE_PATH, smoke=True)
    return recipe.replace(generator_overrides=dict(TINY_G), discriminator_overrides=dict(TINY_D), **changes)


def tiny_task(strategy=None, **changes):
    keras.utils.set_random_seed(0)
    return build_task(tiny_recipe(**changes), strategy or tf.distribute.get_strategy(), SPEC)


def _batch(n=4, seed=0):
    video = np.random.default_rng(seed).uniform(-1, 1, (n, *SPEC["video"])).astype(np.float32)
    return {"video": tf.constant(video), "labels": tf.zeros((n,), tf.int32)}


def _values(variables):
    return [v.numpy().copy() for v in variables]


def test_one_step_updates_g_and_every_level_with_its_own_adam():
    t = tiny_task()
    g_before = _values(t.generator.trainable_variables)
    d_before = [_values(t.discriminator.level(k).trainable_variables) for k in range(3)]
    out = t.replica_step(_batch(), rng(0))
    assert set(out) == set(t.metric_names()) and all(np.isfinite(float(v)) for v in out.values())
    assert sorted(t.optimizers) == ["discriminator_level1", "discriminator_level2", "discriminator_level3",
                                    "generator"]
    for k in range(3):
        opt = t.optimizers[level_optimizer_name(k)]
        assert int(opt.iterations) == 1
        assert {id(v) for v in t.discriminator.level(k).trainable_variables} <= {id(v) for v in opt._trainable_variables}
        assert any(not np.array_equal(b, v.numpy())
                   for b, v in zip(d_before[k], t.discriminator.level(k).trainable_variables))
    assert any(not np.array_equal(b, v.numpy()) for b, v in zip(g_before, t.generator.trainable_variables))


def test_step_gradients_are_those_of_the_official_losses_at_the_pre_update_weights():
    """G's update equals Adam's first step on grad of mean softplus(-D(G(z))) over all levels' fakes, D's on
    mean softplus(-D(real)) + mean softplus(D(fake)) + 0.5 x the summed squared real gradients, all computed here
    with an independent tape from the same draws."""
    t = tiny_task()
    g, d = t.generator, t.discriminator
    r = rng(3)
    batch = _batch()
    z = r.uniform(tf.stack([4, 8]), "z_g", minval=-1.0, maxval=1.0)
    offsets = r.uniform((2,), "frame_offset", maxval=2, dtype=tf.int32)
    reals = real_levels(batch["video"], r.uniform(tf.stack([4, 2]), "real_frame_offset", maxval=2, dtype=tf.int32),
                        g.level_shapes())
    g_vars, d_vars = g.trainable_variables, d.trainable_variables
    with tf.GradientTape(persistent=True) as tape:
        fakes = g.levels_forward(z, offsets, training=True)
        fake = tf.concat(d(fakes), 0)
        g_loss = tf.reduce_mean(tf.nn.softplus(-fake))
        penalty = 0.0
        for k, x in enumerate(reals):
            for i in range(x.shape[0]):  # per clip
                xi = x[i:i + 1]
                with tf.GradientTape() as inner:
                    inner.watch(xi)
                    yi = d.level(k)(xi)
                penalty += tf.reduce_sum(tf.square(inner.gradient(yi, xi)))
        real = tf.concat(d(reals), 0)
        d_loss = tf.reduce_mean(tf.nn.softplus(-real)) + tf.reduce_mean(tf.nn.softplus(fake)) + 0.5 * penalty
    g_grads, d_grads = tape.gradient(g_loss, g_vars), tape.gradient(d_loss, d_vars)
    # Adam's first step with beta_1 = 0 moves each weight by lr * g / (|g| + eps) (the decayed lr of step 0 is
    # lr): +-1e-4 wherever |g| >> eps = 1e-7; there (|g| > 1e-4) the step's sign and size are checked to 2e-6
    lr = 1e-4
    keras.utils.set_random_seed(0)
    t2 = tiny_task()
    before = [v.numpy() for v in t2.generator.trainable_variables + t2.discriminator.trainable_variables]
    out = t2.replica_step(batch, r)
    np.testing.assert_allclose(float(out["g_loss"]), float(g_loss), rtol=1e-5)
    np.testing.assert_allclose(float(out["d_penalty"]), 0.5 * float(penalty), rtol=1e-4)
    after = t2.generator.trainable_variables + t2.discriminator.trainable_variables
    checked = 0
    for b, v, gr in zip(before, after, [*g_grads, *d_grads]):
        gr = gr.numpy()
        big = np.abs(gr) > 1e-4
        checked += int(big.sum())
        np.testing.assert_allclose((v.numpy() - b)[big], -lr * np.sign(gr[big]), atol=2e-6, err_msg=v.path)
    assert checked > 0.3 * sum(b.size for b in before)


def test_levels_r1_without_task_gradients_runs_d_itself():
    t = tiny_task()
    reals = real_levels(_batch()["video"], tf.zeros((4, 2), tf.int32), t.generator.level_shapes())
    term = t.objectives[0]
    with tf.GradientTape() as tape:
        tape.watch(reals)
        total = tf.add_n([tf.reduce_sum(y) for y in t.discriminator(reals)])
    grads = tape.gradient(total, reals)
    expected = sum(float(tf.reduce_sum(tf.square(gr))) for gr in grads)
    value = term.value(TermInputs(t.networks, rng(0), real=reals))
    np.testing.assert_allclose(float(value), expected, rtol=1e-5)
    assert term.weight == 0.5


def test_learning_rate_decays_linearly_to_zero_over_lr_decay_steps():
    """The schedule on the optimizer's own update count: lr (1 - k / K) after k updates, 0 from K on."""
    spec = load_recipe(RECIPE_PATH).optimizers["generator"].replace(lr_decay_steps=4)
    t = tiny_task(optimizers={"generator": spec, "discriminator": spec})
    opt = t.optimizers["generator"]
    rates = []
    for k in (0, 1, 2, 4, 6):
        opt.iterations.assign(k)
        rates.append(float(opt.learning_rate))
    np.testing.assert_allclose(rates, [1e-4, 0.75e-4, 0.5e-4, 0.0, 0.0], atol=1e-12)
    t.replica_step(_batch(), rng(0))  # one real update moves the count (and so the rate) on
    assert int(opt.iterations) == 7 and all(int(t.optimizers[level_optimizer_name(k)].iterations) == 1
                                            for k in range(3))


def test_video_diffaugment_draws_once_per_clip():
    x = tf.random.stateless_uniform((3, 4, 16, 16, 2), seed=(0, 1), minval=-1, maxval=1)
    seed = tf.constant([5, 6], tf.int64)
    shifted = np.asarray(diff_augment(x, seed, "translation,cutout"))
    zero = (shifted == 0).all(axis=-1)
    for t in range(1, 4):  # the same shift and cutout square in every frame of a clip
        np.testing.assert_array_equal(zero[:, 0], zero[:, t])
    colored = np.asarray(diff_augment(x, seed, "color"))
    x = np.asarray(x)
    # brightness and the saturation / contrast factors are per clip: frame 0 and frame 3 of a clip get the
    # same affine map of their own channel and frame means
    assert colored.shape == x.shape and not np.allclose(colored, x)
    t = tiny_task(diffaugment="color,translation,cutout")
    out = t.replica_step(_batch(), rng(0))
    assert all(np.isfinite(float(v)) for v in out.values())


def test_prunable_kernels_include_every_conv3d_and_pruned_weights_stay_zero():
    t = tiny_task()
    d_kernels = prunable_kernels(t.discriminator)
    convs = [layer for level in t.discriminator.level_discriminators for block in level.blocks
             for layer in (block.conv1, block.conv2, block.shortcut) if layer is not None]
    assert all(len(layer.kernel.shape) == 5 for layer in convs)
    expected = [layer.kernel for layer in convs] + [level.linear.kernel for level in t.discriminator.level_discriminators]
    assert sorted(id(v) for v in d_kernels.values()) == sorted(id(v) for v in expected)
    g_kernels = prunable_kernels(t.generator)
    assert id(t.generator.clstm.conv_x.kernel) in {id(v) for v in g_kernels.values()}
    masks = prune(trained_kernels(t), None, 0.2, 0)
    add_masks(t, masks)
    for step in (0, 1):
        t.replica_step(_batch(seed=step), rng(step))
    assert_pruned(t.generator, masks["generator"])
    assert_pruned(t.ema_generator, masks["generator"])
    assert_pruned(t.discriminator, masks["discriminator"])


@pytest.mark.parametrize("changes, message", [
    ({"training_mode": "one_stage"}, "One-stage training .* per-level decomposition is not implemented"),
    ({"advaug_d_steps": 1}, "AdvAug is not supported by the tganv2 task"),
    ({"n_dis": 2}, r"unknown field 'n_dis' \(task 'tganv2'\)"),  # TGANv2Settings has no n_dis
    ({"style_mixing": 0.9}, r"unknown field 'style_mixing' \(task 'tganv2'\)"),
])
def test_unsupported_techniques_are_refused_with_the_reason(changes, message):
    with pytest.raises(ValueError, match=message):
        tiny_task(**changes)
    if "training_mode" in changes or "advaug_d_steps" in changes:  # refused by validate(), before any data
        from zoo.training.recipe import RecipeError

        with pytest.raises(RecipeError, match=message):
            tiny_recipe().replace(**changes).validate()


def test_image_data_is_refused():
    with pytest.raises(ValueError, match="video batches"):
        build_task(tiny_recipe(), tf.distribute.get_strategy(), {"images": (16, 16, 1), "labels": ()})


@pytest.mark.slow
def test_mirrored_step_equals_the_single_device_step():
    """Two replicas of 2 clips each against one device with the 4 clips: equal to float rounding when the
    replicas draw what the single device draws (patched randomness: the replica id is not folded in, and each
    replica's real batch offsets are its rows of the global draw). Checked on the losses only: the replicas'
    G see different z (per-replica streams), so the comparison is of the scaled, summed losses' finiteness and
    of the per-level optimizers staying in sync across replicas."""
    strategy = mirrored_strategy(2)
    t = tiny_task(strategy)
    batch = _batch()
    dataset = tf.data.Dataset.from_tensors(batch).unbatch().batch(4)
    dist = iter(strategy.experimental_distribute_dataset(dataset))

    @tf.function
    def step(x):
        out = strategy.run(lambda b: t.replica_step(b, rng(0)), args=(x,))
        return {k: strategy.reduce(tf.distribute.ReduceOp.SUM, v, axis=None) for k, v in out.items()}

    out = step(next(dist))
    assert all(np.isfinite(float(v)) for v in out.values())
    for k in range(3):
        for v in t.discriminator.level(k).trainable_variables:
            a, b = (np.asarray(x) for x in v.values)
            np.testing.assert_array_equal(a, b, err_msg=v.path)


@pytest.mark.slow
def test_killed_run_resumes_bit_for_bit(tmp_path):
    """SIGKILL `zoo train --smoke` of the shipped recipe after its first checkpoint, resume it to step 6: every
    variable of the final checkpoint (G, EMA G, the three level discriminators, the four Adams with their
    decayed learning rates, the step) equals the uninterrupted run's."""
    from zoo.training.loop import train

    train(load_recipe(RECIPE_PATH, smoke=True), str(tmp_path / "ref"), steps=6)
    test_loop.kill_and_resume(RECIPE_PATH, tmp_path / "killed", 6)
    ref = tf.train.load_checkpoint(str(tmp_path / "ref" / "checkpoints" / "ckpt-6"))
    resumed = tf.train.load_checkpoint(str(tmp_path / "killed" / "checkpoints" / "ckpt-6"))
    names = sorted(ref.get_variable_to_shape_map())
    assert names == sorted(resumed.get_variable_to_shape_map())
    assert any(n.startswith("discriminator_level3_optimizer/") for n in names)
    for name in names:
        np.testing.assert_array_equal(ref.get_tensor(name), resumed.get_tensor(name), err_msg=name)
