"""Lottery tickets (IMP): what is prunable, global magnitude pruning, density 0.8^k, masks enforced after every
optimizer step and in the EMA generator (default and mirrored, two- and one-stage), checkpoints / resume,
export / load / published manifest, and the IMP pipeline with exact rewinding."""

import json
import os

import h5py
import numpy as np
import pytest
import tensorflow as tf

from tests.training.helpers import rng, tiny_recipe, tiny_task
from zoo.data.pipeline import image_arrays, make_train_dataset
from zoo.models import build_from_preset
from zoo.models.serialization import load_masks, load_model_files, save_masks, save_model_files
from zoo.training.imp import run_imp, trained_kernels
from zoo.training.loop import make_step_fn, train
from zoo.training.pruning import PARTS, add_masks, global_magnitude_masks, imp_keep, prunable_kernels, prune
from zoo.training.strategy import mirrored_strategy


def _recipe(**changes):
    # the smoke sizes (16 channels) of the other training tests: MirroredStrategy instances in one process
    # share collective instance keys, so a synchronized-BN collective of another width would clash with theirs
    return tiny_recipe(dataset="fmnist1pct", **changes)


def _ticket(strategy=None, rounds=1, **changes):
    """A tiny trainer pruned by `rounds` IMP rounds of its initial weights."""
    strategy = strategy or tf.distribute.get_strategy()
    trainer = tiny_task(strategy, recipe=_recipe(**changes))
    masks = None
    for k in range(rounds):
        masks = prune(trained_kernels(trainer), masks, 0.2, k)
    with strategy.scope():
        add_masks(trainer, masks)
    return trainer, masks


def _copies(variable):
    values = getattr(variable.value, "values", None)
    return [c.numpy() for c in values] if values is not None else [variable.numpy()]


def assert_pruned(model, masks, survivors_nonzero=True):
    kernels = prunable_kernels(model)
    assert set(kernels) == set(masks)
    for key, kernel in kernels.items():
        for copy in _copies(kernel):
            assert np.all(copy[masks[key] == 0] == 0), f"{model.name}: {key} has non-zero pruned weights"
            if survivors_nonzero:
                assert np.any(copy[masks[key] == 1] != 0), key


def _count(masks):
    return sum(int(m.sum()) for m in masks.values()), sum(m.size for m in masks.values())


def test_prunable_kernels_are_conv_and_dense_kernels_only():
    g, d = build_from_preset("biggan", "biggan_32_small", generator={"channels": 4}, discriminator={"channels": 4})
    g.build_for_inputs()
    d(np.zeros((1, 32, 32, 1), np.float32), labels=np.zeros((1,), np.int32))
    for model in (g, d):
        keys = list(prunable_kernels(model))
        assert keys and all(k.endswith("/kernel") for k in keys)
        assert not any("cbn" in k or "embed" in k or "shared" in k for k in keys), keys
        assert any(k.startswith("attention") for k in keys) and any(k.startswith("linear/") for k in keys)
    others = [v.path for v in g.weights if "gamma" in v.path or "shared" in v.path or v.path.endswith("bias")]
    assert others and not set(others) & {v.path for v in prunable_kernels(g).values()}


def test_custom_layers_declare_their_prunable_kernels_and_conv3d_is_prunable():
    """Conv3D kernels are found like Conv2D ones; a layer with `prunable_kernels()` decides for itself and its
    sublayers (ConditionalBatchNorm declares none, a custom kernel-holding layer declares its own)."""
    import keras

    class Modulated(keras.layers.Layer):
        def build(self, shape):
            self.weight = self.add_weight(shape=(3, 3, shape[-1], 4), name="weight")
            self.inner = keras.layers.Dense(4, name="inner")  # not searched: the layer decided

        def call(self, x):
            return x

        def prunable_kernels(self):
            return [self.weight]

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.video = keras.layers.Conv3D(2, 3, name="video")
            self.mod = Modulated(name="mod")

        def call(self, x):
            return self.mod(self.video(x))

    net = Net()
    net(np.zeros((1, 4, 6, 6, 1), np.float32))
    assert list(prunable_kernels(net)) == ["video/kernel", "mod/weight"]


def test_global_magnitude_removes_the_smallest_weights_across_layers():
    rng = np.random.default_rng(0)
    weights = {"a": rng.normal(0, 0.01, (10, 10)),  # |w| < 0.1: every removed weight comes from "a"
               "b": rng.uniform(0.5, 1.0, (3, 3, 4, 5)) * rng.choice([-1, 1], (3, 3, 4, 5))}
    total = 100 + 180
    masks = global_magnitude_masks(weights, None, imp_keep(total, 0.2, 1))
    kept = np.concatenate([np.abs(weights[k])[masks[k] == 1] for k in weights])
    removed = np.concatenate([np.abs(weights[k])[masks[k] == 0] for k in weights])
    assert len(removed) == round(0.2 * total) and removed.max() <= kept.min()
    assert masks["a"].sum() < 0.5 * 100 and masks["b"].sum() == 180  # global, not 20% of every layer
    again = global_magnitude_masks({k: w * 10 for k, w in weights.items()}, masks, imp_keep(total, 0.2, 2))
    assert all(np.all(again[k] <= masks[k]) for k in weights)  # pruned weights stay pruned


def test_density_follows_0_8_power_k():
    trainer = tiny_task(recipe=_recipe())
    weights = trained_kernels(trainer)
    rng = np.random.default_rng(1)
    masks = None
    for k in (1, 2, 3):
        weights = {p: {key: w + rng.normal(0, 0.01, w.shape) for key, w in ws.items()} for p, ws in weights.items()}
        new = prune(weights, masks, 0.2, k - 1)
        for part in PARTS:
            kept, total = _count(new[part])
            assert abs(kept - total * 0.8 ** k) <= 1, (part, k, kept, total)
            if masks is not None:
                assert all(np.all(new[part][key] <= masks[part][key]) for key in new[part])
        masks = new


@pytest.mark.parametrize("strategy_name, mode", [("default", "two_stage"), pytest.param("mirrored", "two_stage", marks=pytest.mark.slow(
                                                     reason="~12 s; the masks are kernel constraints, applied by every strategy")),
                                                 ("default", "one_stage")])
def test_pruned_weights_stay_zero_after_training_steps(strategy_name, mode):
    strategy = (tf.distribute.get_strategy() if strategy_name == "default"
                else mirrored_strategy(["/cpu:0", "/cpu:1"]))
    trainer, masks = _ticket(strategy, rounds=2, training_mode=mode, ema_decay=0.5)
    before = {k: v.numpy().copy() for k, v in prunable_kernels(trainer.discriminator).items()}
    images = np.random.default_rng(0).integers(0, 255, (64, 32, 32, 1), dtype=np.uint8)
    ds = strategy.distribute_datasets_from_function(
        lambda ctx: make_train_dataset(image_arrays(images, None), examples_per_step=4, seed=0, input_context=ctx))
    step_fn, it = make_step_fn(trainer, strategy), iter(ds)
    for _ in range(2):
        assert all(np.isfinite(float(v)) for v in step_fn(it).values())
    assert_pruned(trainer.generator, masks["generator"])
    assert_pruned(trainer.ema_generator, masks["generator"])
    assert_pruned(trainer.discriminator, masks["discriminator"])
    after = prunable_kernels(trainer.discriminator)
    assert any(not np.array_equal(before[k], after[k].numpy()) for k in before)  # it did train


def test_ema_generator_is_masked_after_every_update():
    trainer, masks = _ticket(ema_decay=0.5)
    ema = prunable_kernels(trainer.ema_generator)
    key = next(iter(ema))
    ema[key].assign(ema[key] + 1.0)  # pruned positions now non-zero in the EMA copy only
    trainer.g_step(4, rng())
    assert_pruned(trainer.ema_generator, masks["generator"])


def test_ticket_checkpoint_resume_export_and_load(tmp_path):
    _, masks = _ticket()
    path = save_masks(str(tmp_path / "masks.h5"), masks, attrs={"round": 1})
    recipe = _recipe(init_masks=path, steps=3, checkpoint_every=2)
    train(recipe, str(tmp_path / "run"), steps=2)
    names = [n for n, _ in tf.train.list_variables(str(tmp_path / "run" / "checkpoints" / "ckpt-2"))]
    assert any(n.startswith("g_masks/") for n in names) and any(n.startswith("d_masks/") for n in names)

    os.remove(path)  # resuming must take the masks from the checkpoint
    save_masks(path, {p: {k: np.ones_like(m) for k, m in ms.items()} for p, ms in masks.items()})
    state = train(recipe, str(tmp_path / "run"), resume=True)
    assert state["step"] == 3
    export = str(tmp_path / "run" / "export")
    saved, _ = load_masks(os.path.join(export, "masks.h5"))
    for part in PARTS:
        assert saved[part].keys() == masks[part].keys()
        assert all(np.array_equal(saved[part][k], masks[part][k]) for k in masks[part])
        assert_pruned(load_model_files(export, part), masks[part])
    with h5py.File(os.path.join(export, "masks.h5")) as f:
        assert f["generator"][next(iter(masks["generator"]))].dtype == np.uint8


def test_published_ticket_loads_exactly_sparse(tmp_path, monkeypatch):
    import zoo
    from zoo.hub.model_card import make_model_card
    from zoo.hub.publish import write_manifest

    trainer, masks = _ticket(rounds=3)
    folder = tmp_path / "weights_manifest" / "sngan-fmnist10pct-32.lth"
    # weights written without masking: loading must still give exact zeros
    for part in PARTS:
        getattr(trainer, part).set_weights([w + 0.5 for w in getattr(trainer, part).get_weights()])
    save_model_files(str(folder), trainer.generator, trainer.discriminator, masks=masks)
    manifest = write_manifest(str(folder), dataset={"name": "fmnist10pct", "split": "train", "num_examples": 6000},
                              license="apache-2.0", repo_id="zoo-test/sngan-fmnist10pct-32.lth",
                              recipe={"path": "recipes/x.py", "steps": 2, "wall_clock_s": 1.0, "hardware": "cpu"})
    assert "masks.h5" in manifest["files"]
    for part in PARTS:
        kept, total = _count(masks[part])
        assert manifest["sparsity"][part] == pytest.approx(1 - kept / total, abs=1e-6)
        assert manifest["sparsity"][part] == pytest.approx(1 - 0.8 ** 3, abs=2 / total)
    assert f"lottery ticket: {100 * manifest['sparsity']['generator']:.1f}% of the generator's" in \
        make_model_card(manifest)
    monkeypatch.setenv("ZOO_WEIGHTS_DIR", str(tmp_path / "weights_manifest"))
    assert_pruned(zoo.load("sngan-fmnist10pct-32.lth"), masks["generator"])
    assert_pruned(zoo.load("sngan-fmnist10pct-32.lth", part="discriminator"), masks["discriminator"])


def test_imp_pipeline_prunes_per_round_and_rewinds_exactly(tmp_path):
    # ema_decay 1 after step 0: each round's exported EMA generator is its starting (rewound, masked) generator
    recipe = _recipe(steps=2, prune_rounds=2, ema_decay=1.0, ema_start=0, rewind_step=0)
    summary = run_imp(recipe, str(tmp_path))
    assert [info["round"] for info in summary] == [0, 1, 2]
    assert json.load(open(tmp_path / "imp.json")) == json.loads(json.dumps(summary))
    rewind = load_model_files(str(tmp_path / "rewind"), "generator")
    previous = None
    for k in (1, 2):
        masks, attrs = load_masks(str(tmp_path / f"masks_round_{k}.h5"))
        assert attrs["round"] == k
        for part in PARTS:
            kept, total = _count(masks[part])
            assert abs(kept - total * 0.8 ** k) <= 1
            assert summary[k]["density"][part] == pytest.approx(kept / total)
            if previous is not None:
                assert all(np.all(masks[part][key] <= previous[part][key]) for key in masks[part])
        previous = masks
        start = load_model_files(str(tmp_path / f"round_{k}" / "export"), "generator")
        kernels = prunable_kernels(start)
        for w0, w in zip(rewind.weights, start.weights):
            key = w.path.split("/", 1)[1]
            expected = w0.numpy() * masks["generator"][key] if key in kernels else w0.numpy()
            np.testing.assert_array_equal(w.numpy(), expected, err_msg=key)
    assert os.path.isfile(tmp_path / "round_2" / "export" / "masks.h5")
    assert not os.path.exists(tmp_path / "round_0" / "export" / "masks.h5")


def test_imp_cli_is_registered():
    from zoo.cli import build_parser

    args = build_parser().parse_args(["imp", "recipes/x.py", "--rounds", "3", "--strategy", "mirrored"])
    assert (args.rounds, args.strategy, args.func.__name__) == (3, "mirrored", "run_imp")
