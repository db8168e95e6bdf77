"""One-stage training (OSGAN): from the same weights and batch, its gradients equal the two-stage ones
(D: gradient of L_D with the fakes fixed; G: gradient of L_G on the same fakes at D's pre-update weights),
for a symmetric loss (wasserstein) and two asymmetric ones (non_saturating; hinge, exact on the samples where
D's fake hinge is active), for SNGAN and BigGAN (labels, projection D, orthogonal regularization), under the
default strategy and MirroredStrategy (2 logical CPUs), eager and traced; least_squares with DiffAugment and
WGAN-GP; plus the gamma table, the scaling op, the errors, Adam applying both updates from the same weights,
replica consistency, bit-for-bit resume and (slow) MultiWorkerMirroredStrategy."""

import contextlib
import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.conftest import REPO
from tests.training import test_loop
from tests.training.helpers import assert_same_export, rng, tiny_recipe, tiny_task
from zoo.data.pipeline import image_arrays, make_train_dataset
from zoo.losses import get_loss, gradient_penalty, orthogonal_regularization, r1_penalty
from zoo.training.tasks.gan import GANTask
from zoo.training.loop import make_step_fn, train
from zoo.training.objectives import OBJECTIVES, AdversarialLoss, make_objective
from zoo.training.one_stage import GAMMAS, gamma, scale_gradient
from zoo.training.strategy import mirrored_strategy

FAMILIES = {"sngan": ("sngan_32_small", 8, {}), "biggan": ("biggan_32_small", 4, {"objective": ({"kind": "orthogonal", "weight": 1e-2},)})}
_MIRRORED = []


def _strategy(name):
    if name == "default":
        return tf.distribute.get_strategy()
    if not _MIRRORED:  # one strategy for the module; mirrored_strategy gives it collective keys of its own
        _MIRRORED.append(mirrored_strategy(["/cpu:0", "/cpu:1"]))
    return _MIRRORED[0]


def _trainer(family, loss, strategy, **changes):
    preset, channels, extra = FAMILIES[family]
    keras.utils.set_random_seed(0)
    recipe = tiny_recipe(family=family, preset=preset, loss=loss, training_mode="one_stage",
                         generator_overrides={"channels": channels}, discriminator_overrides={"channels": channels},
                         **{**extra, **changes})
    return tiny_task(strategy, recipe=recipe)


R = rng(0)  # the randomness of step 0 of a seed-0 run: the draws of the one-stage step and of the references


def _batch(n=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, 32, 32, 1)).astype(np.float32), rng.integers(0, 10, (n,)).astype(np.int32)


def _fakes(t, n):
    fake_labels = t.fake_labels(n, R, "labels_d")
    return t.generator(t.latents(n, R, "z_d"), labels=fake_labels, training=True), fake_labels


def _d_input(t, real, fake):
    """D's input as the one-stage step and the two-stage D step build it: augment([real, fake]) with one draw."""
    return t.augment_images(tf.concat([real, fake], 0), R, 0)


def two_stage_d_grads(t, real, labels):
    n = tf.shape(real)[0]
    fake, fake_labels = _fakes(t, n)
    d_labels = None if labels is None else tf.concat([labels, fake_labels], 0)
    with tf.GradientTape() as tape:
        logits = t.discriminator(_d_input(t, real, tf.stop_gradient(fake)), labels=d_labels, training=True)
        loss = t.adversarial.discriminator(logits[:n], logits[n:]) * t.replica_scale()
    return tape.gradient(loss, t.discriminator.trainable_variables)


def two_stage_g_grads(t, real, labels, active_only=False):
    """G's gradient of L_G on the same fakes (same z, same augmentation draw), D's weights as they are.
    `active_only`: the hinge G loss restricted to the fakes with logit > -1."""
    n = tf.shape(real)[0]
    with tf.GradientTape() as tape:
        fake, fake_labels = _fakes(t, n)
        logits = t.discriminator(_d_input(t, real, fake)[n:], labels=fake_labels, training=True)
        if active_only:
            loss = -tf.reduce_mean(logits * tf.cast(tf.stop_gradient(logits) > -1.0, tf.float32))
        else:
            loss = t.adversarial.generator(logits)
        for term in t.objectives:
            if term.kind == "orthogonal":
                loss += term.weight * orthogonal_regularization(t.generator.orthogonal_kernels())
        loss = loss * t.replica_scale()
    return tape.gradient(loss, t.generator.trainable_variables)


def one_stage_grads(t, real, labels):
    d, g, _, _ = t.one_stage_gradients(real, labels, R)
    return list(d) + list(g)


def fake_logits(t, real, labels):
    n = tf.shape(real)[0]
    fake, fake_labels = _fakes(t, n)
    d_labels = None if labels is None else tf.concat([labels, fake_labels], 0)
    return t.discriminator(_d_input(t, real, fake), labels=d_labels, training=True)[n:]


@contextlib.contextmanager
def shifted_fake_logits(t, run, shift_of_sorted_logits):
    """Add shift(sorted fake logits) to D's final bias for the block; yields the shifted fake logits."""
    bias = t.discriminator.linear.bias
    original = bias.numpy()
    bias.assign(original + shift_of_sorted_logits(np.sort(run(fake_logits, reduce="concat"))))
    try:
        yield run(fake_logits, reduce="concat")
    finally:
        bias.assign(original)


class Runner:
    """Runs a per-replica function on the global batch under a strategy from the same trainer state every time
    (restores the non-trainable variables: BN statistics and spectral-norm vectors, which training calls
    advance), returning the sum over replicas (gradients) or the concatenation (per-sample values)."""

    def __init__(self, t, strategy, real, labels, graph=False):
        self.t, self.strategy, self.graph = t, strategy, graph
        self.state = [v.numpy() for m in (t.generator, t.discriminator) for v in m.non_trainable_variables]
        self.labels = labels if t.discriminator.num_classes else None
        r = strategy.num_replicas_in_sync
        per = len(real) // r
        self.real = strategy.experimental_distribute_values_from_function(
            lambda ctx: tf.constant(real[ctx.replica_id_in_sync_group * per:][:per]))
        self.dist_labels = None if self.labels is None else strategy.experimental_distribute_values_from_function(
            lambda ctx: tf.constant(self.labels[ctx.replica_id_in_sync_group * per:][:per]))

    def restore(self):
        for v, s in zip([v for m in (self.t.generator, self.t.discriminator) for v in m.non_trainable_variables],
                        self.state):
            v.assign(s)

    def __call__(self, fn, reduce="sum", **kwargs):
        self.restore()

        def replica_fn(a, b):
            out = fn(self.t, a, b, **kwargs)
            return [tf.convert_to_tensor(o) for o in out] if isinstance(out, (list, tuple)) else out

        run = lambda x, y: self.strategy.run(replica_fn, args=(x, y))  # noqa: E731
        out = (tf.function(run) if self.graph else run)(self.real, self.dist_labels)
        if self.strategy.num_replicas_in_sync == 1:
            return [np.asarray(o) for o in out] if isinstance(out, (list, tuple)) else np.asarray(out)
        if reduce == "concat":
            return np.concatenate([np.asarray(o) for o in self.strategy.experimental_local_results(out)])
        return [np.asarray(self.strategy.reduce(tf.distribute.ReduceOp.SUM, o, axis=None)) for o in out]


def assert_grads_close(actual, expected, variables, what):
    """allclose per variable, with atol relative to the largest gradient entry of the network (some
    gradients are zero in exact arithmetic, e.g. of a conv bias followed by batch norm, and only noise)."""
    assert len(actual) == len(expected) == len(variables) > 5
    scale = max(float(np.abs(e).max()) for e in expected)
    assert scale > 0
    for a, e, v in zip(actual, expected, variables):
        np.testing.assert_allclose(a, e, rtol=1e-4, atol=1e-5 * scale, err_msg=f"{what}: {v.path}")


_CACHE = {}


def _exactness_case(family, loss, strategy_name, graph=False, **changes):
    """A trainer with `loss`, and its Runner. The trainer is built once per family / strategy / `changes` (the
    loss only sets `t.adversarial`; the cases compute gradients and leave the weights as they are)."""
    strategy = _strategy(strategy_name)
    key = (family, strategy_name, repr(sorted(changes.items())))
    if key not in _CACHE:
        _CACHE[key] = _trainer(family, "hinge", strategy, **changes)
    t = _CACHE[key]
    t.adversarial = AdversarialLoss(loss)
    real, labels = _batch()
    return t, Runner(t, strategy, real, labels, graph=graph)


@pytest.mark.parametrize("strategy_name", ["default", "mirrored"])
@pytest.mark.parametrize("family", ["sngan", "biggan"])
@pytest.mark.parametrize("loss", ["wasserstein", "non_saturating"])
def test_one_stage_gradients_equal_two_stage(loss, family, strategy_name):
    t, run = _exactness_case(family, loss, strategy_name)
    one = run(one_stage_grads)
    n_d = len(t.discriminator.trainable_variables)
    assert_grads_close(one[:n_d], run(two_stage_d_grads), t.discriminator.trainable_variables, "D")
    assert_grads_close(one[n_d:], run(two_stage_g_grads), t.generator.trainable_variables, "G")


def test_exact_inside_tf_function_under_mirrored():
    """As the training loop runs it: traced, per replica (the gamma closure is read when the gradient graph
    is built)."""
    t, run = _exactness_case("sngan", "non_saturating", "mirrored", graph=True)
    one = run(one_stage_grads)
    n_d = len(t.discriminator.trainable_variables)
    assert_grads_close(one[:n_d], run(two_stage_d_grads), t.discriminator.trainable_variables, "D")
    assert_grads_close(one[n_d:], run(two_stage_g_grads), t.generator.trainable_variables, "G")


@pytest.mark.parametrize("strategy_name", ["default", "mirrored"])
@pytest.mark.parametrize("family", ["sngan", "biggan"])
def test_hinge_is_exact_on_the_samples_where_d_fake_hinge_is_active(family, strategy_name):
    """D's final bias is set so that half the fake logits are below -1: D's gradient is exact; G's equals the
    gradient of the G loss restricted to the fakes with logit > -1, and differs from the unrestricted one
    (for those samples D's backward pass carries 0 * dl/dx, which no rescaling recovers)."""
    t, run = _exactness_case(family, "hinge", strategy_name)
    with shifted_fake_logits(t, run, lambda logits: -1.0 - 0.5 * (logits[1] + logits[2])) as logits:
        assert (logits < -1).sum() == 2 and np.abs(logits + 1).min() > 1e-4, logits
        one = run(one_stage_grads)
        n_d = len(t.discriminator.trainable_variables)
        assert_grads_close(one[:n_d], run(two_stage_d_grads), t.discriminator.trainable_variables, "D")
        assert_grads_close(one[n_d:], run(two_stage_g_grads, active_only=True), t.generator.trainable_variables,
                           "G")
        full = run(two_stage_g_grads)
        assert max(np.abs(a - b).max() / (np.abs(b).max() + 1e-12) for a, b in zip(one[n_d:], full)) > 1e-2


def test_hinge_is_fully_exact_when_every_fake_logit_is_above_minus_one():
    t, run = _exactness_case("sngan", "hinge", "default")
    with shifted_fake_logits(t, run, lambda logits: -0.5 - logits[0]) as logits:
        assert (logits > -0.9).all(), logits
        one = run(one_stage_grads)
        n_d = len(t.discriminator.trainable_variables)
        assert_grads_close(one[:n_d], run(two_stage_d_grads), t.discriminator.trainable_variables, "D")
        assert_grads_close(one[n_d:], run(two_stage_g_grads), t.generator.trainable_variables, "G")


def test_exact_with_diffaugment_and_gradient_penalty():
    """DiffAugment (per-example, one draw for [real, fake]) between the scaling op and D; WGAN-GP is a D-only
    term; least_squares has a non-constant gamma."""
    t, run = _exactness_case("sngan", "least_squares", "default", diffaugment="color,translation,cutout",
                             objective=({"kind": "gradient_penalty", "weight": 10.0},))

    def d_grads_with_gp(t, real, labels):
        n = tf.shape(real)[0]
        fake, _ = _fakes(t, n)
        fake = tf.stop_gradient(fake)
        with tf.GradientTape() as tape:
            logits = t.discriminator(_d_input(t, real, fake), training=True)
            loss = t.adversarial.discriminator(logits[:n], logits[n:])
            loss += 10.0 * gradient_penalty(t.discriminator, real, fake, seed=R.seed("gp", 0))
        return tape.gradient(loss, t.discriminator.trainable_variables)

    one = run(one_stage_grads)
    n_d = len(t.discriminator.trainable_variables)
    assert_grads_close(one[:n_d], run(d_grads_with_gp), t.discriminator.trainable_variables, "D")
    assert_grads_close(one[n_d:], run(two_stage_g_grads), t.generator.trainable_variables, "G")


# one spec per registered regularizer kind: a new term is covered as soon as it is registered
TERM_SPECS = {"gradient_penalty": {"weight": 10.0}, "r1": {"gamma": 10.0}, "orthogonal": {"weight": 1e-2}}
# kinds that need another task than this file's GAN tasks, with the test that covers them
EXACTNESS_ELSEWHERE = {
    "path_length": "tests/training/test_stylegan2_task.py::test_one_stage_is_exact_with_the_path_length_term",
    # TGANv2's summed real penalty: the tganv2 task refuses one-stage training (test_tganv2_task checks the refusal)
    "levels_r1": "tests/training/test_tganv2_task.py::test_unsupported_techniques_are_refused_with_the_reason"}


def test_every_registered_objective_has_an_exactness_case():
    assert set(TERM_SPECS) | set(EXACTNESS_ELSEWHERE) == set(OBJECTIVES), \
        "add a spec for each new objective kind to TERM_SPECS (or its test to EXACTNESS_ELSEWHERE)"
    for kind, test in EXACTNESS_ELSEWHERE.items():
        path, name = test.split("::")
        assert f"def {name}(" in open(os.path.join(REPO, path)).read(), (kind, test)


def _reference_term(term, t, real, labels, fake):
    """Each term written out by hand, independent of the objective assembly."""
    if term.kind == "gradient_penalty":
        return term.weight * gradient_penalty(t.discriminator, real, fake, labels, seed=R.seed("gp", 0))
    if term.kind == "r1":
        return 0.5 * term.gamma * r1_penalty(t.discriminator, real, labels)
    if term.kind == "orthogonal":
        return term.weight * orthogonal_regularization(t.generator.orthogonal_kernels())
    raise AssertionError(term.kind)


@pytest.mark.parametrize("kind", sorted(TERM_SPECS))
def test_one_stage_is_exact_with_every_regularizer(kind):
    """Every objective term goes through the one assembly: one-stage gradients with the term equal the
    two-stage gradients of the same losses written out by hand (D-side terms on stop-gradient fakes)."""
    t, run = _exactness_case("biggan", "non_saturating", "default", objective=())
    t.objectives = [make_objective({"kind": kind, **TERM_SPECS[kind]})]
    term = t.objectives[0]

    def d_grads(t, real, labels):
        n = tf.shape(real)[0]
        fake, fake_labels = _fakes(t, n)
        fake = tf.stop_gradient(fake)
        with tf.GradientTape() as tape:
            logits = t.discriminator(_d_input(t, real, fake), labels=tf.concat([labels, fake_labels], 0),
                                     training=True)
            loss = t.adversarial.discriminator(logits[:n], logits[n:])
            if term.network == "discriminator":
                loss += _reference_term(term, t, real, labels, fake)
        return tape.gradient(loss, t.discriminator.trainable_variables)

    def g_grads(t, real, labels):
        n = tf.shape(real)[0]
        with tf.GradientTape() as tape:
            fake, fake_labels = _fakes(t, n)
            logits = t.discriminator(_d_input(t, real, fake)[n:], labels=fake_labels, training=True)
            loss = t.adversarial.generator(logits)
            if term.network == "generator":
                loss += _reference_term(term, t, real, labels, fake)
        return tape.gradient(loss, t.generator.trainable_variables)

    one = run(one_stage_grads)
    n_d = len(t.discriminator.trainable_variables)
    assert_grads_close(one[:n_d], run(d_grads), t.discriminator.trainable_variables, "D")
    assert_grads_close(one[n_d:], run(g_grads), t.generator.trainable_variables, "G")


@pytest.mark.parametrize("loss", sorted(GAMMAS))
def test_gamma_is_the_ratio_of_the_loss_derivatives(loss):
    g_fn, d_fn = get_loss(loss)
    logits = tf.constant([-30.0, -3.0, -1.5, -0.5, -1e-3, 0.7, 2.0, 9.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(logits)
        g, d = g_fn(logits), d_fn(tf.zeros(8), logits)
    dg, dd = tape.gradient(g, logits).numpy(), tape.gradient(d, logits).numpy()
    gam = gamma(loss, logits).numpy()
    active = dd != 0
    np.testing.assert_allclose(gam[active] * dd[active], dg[active], rtol=1e-5, atol=1e-12)
    np.testing.assert_array_equal(gam[~active], 0.0)
    assert np.isfinite(gam).all()
    if loss == "hinge":
        assert list(active) == [False, False, False, True, True, True, True, True]
    else:
        assert active.all()


def test_scale_gradient_scales_each_sample():
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(3, 2))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y, set_factor = scale_gradient(x)
        loss = tf.reduce_sum(y * y)
    set_factor(tf.constant([1.0, -1.0, 0.5]))
    np.testing.assert_array_equal(y.numpy(), x.numpy())
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), 2 * x.numpy() * [[1.0], [-1.0], [0.5]])


def test_unsupported_settings_raise_clear_errors():
    with pytest.raises(ValueError, match="n_dis=1"):
        _trainer("sngan", "hinge", tf.distribute.get_strategy(), n_dis=2)
    t = _trainer("sngan", "hinge", tf.distribute.get_strategy())
    with pytest.raises(ValueError, match="training_mode"):
        GANTask(t.generator, t.discriminator, optimizers=t.optimizers, training_mode="three_stage")


def test_one_stage_step_applies_both_updates_from_the_same_weights():
    """Adam's first step from zero moments moves every weight by -lr * sign(grad) (up to epsilon): the applied
    updates are the one-stage gradients computed before either network changed."""
    t = _trainer("sngan", "non_saturating", tf.distribute.get_strategy())
    real, labels = _batch()
    run = Runner(t, tf.distribute.get_strategy(), real, labels)
    grads = run(one_stage_grads)
    variables = t.discriminator.trainable_variables + t.generator.trainable_variables
    before = [v.numpy() for v in variables]
    for v, s in zip([v for m in (t.generator, t.discriminator) for v in m.non_trainable_variables], run.state):
        v.assign(s)
    out = t.replica_step({"images": tf.constant(real), "labels": tf.constant(labels)}, R)
    assert set(out) == {"d_loss", "g_loss", "d_real", "d_fake", "g_active"}
    d_opt, g_opt = t.optimizers["discriminator"], t.optimizers["generator"]
    assert int(d_opt.iterations.numpy()) == int(g_opt.iterations.numpy()) == 1
    n_d = len(t.discriminator.trainable_variables)
    for i, (v, b, g) in enumerate(zip(variables, before, grads)):
        lr = (d_opt if i < n_d else g_opt).learning_rate
        big = np.abs(g) > 1e-4
        np.testing.assert_allclose((v.numpy() - b)[big], -float(lr) * np.sign(g[big]), rtol=1e-2, err_msg=v.path)


@pytest.mark.slow(reason="~24 s; one-stage under Mirrored is checked fast by test_exact_inside_tf_function_under_mirrored")
def test_mirrored_steps_keep_replicas_identical():
    strategy = _strategy("mirrored")
    t = _trainer("biggan", "hinge", strategy)
    gen = np.random.default_rng(0)
    images, labels = gen.integers(0, 255, (32, 32, 32, 1), dtype=np.uint8), gen.integers(0, 10, (32,))
    ds = strategy.distribute_datasets_from_function(
        lambda ctx: make_train_dataset(image_arrays(images, labels), examples_per_step=4, seed=0, input_context=ctx))
    step_fn, it = make_step_fn(t, strategy), iter(ds)
    for _ in range(2):
        out = {k: float(v) for k, v in step_fn(it).items()}
        assert all(np.isfinite(v) for v in out.values()) and 0.0 <= out["g_active"] <= 1.0
    for var in t.generator.weights + t.discriminator.weights + t.ema_generator.weights:
        copies = [c.numpy() for c in var.value.values]
        np.testing.assert_array_equal(copies[0], copies[1], err_msg=var.path)


def test_one_stage_resume_continues_bit_for_bit(tmp_path):
    recipe = tiny_recipe(training_mode="one_stage", steps=4, diffaugment="translation")
    train(recipe, str(tmp_path / "a"))
    train(recipe, str(tmp_path / "b"), steps=2)
    state = train(recipe, str(tmp_path / "b"), resume=True)
    assert state["step"] == 4 and set(state["losses"]) >= {"g_active"}
    assert_same_export(tmp_path / "a", tmp_path / "b")


@pytest.mark.slow
def test_multiworker_one_stage_equals_mirrored(tmp_path, monkeypatch):
    """test_loop's MultiWorkerMirroredStrategy test (2 worker processes on 127.0.0.1, weights equal to
    MirroredStrategy with 2 devices) on the one-stage recipe."""
    monkeypatch.setattr(test_loop, "RECIPE_PATH", os.path.join(REPO, "recipes", "sngan_fmnist32_onestage.py"))
    test_loop.test_multiworker_two_local_workers(tmp_path)
    assert "g_active" in json.loads((tmp_path / "mw" / "train_state.json").read_text())["losses"]
