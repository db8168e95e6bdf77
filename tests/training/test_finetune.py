"""Fine-tuning (`zoo.training.finetune`): FreezeD keeps D's lowest blocks at their initial weights (default
strategy and MirroredStrategy), `init_parts` chooses what starts from the pretrained folder, and `zoo train`
starts a recipe's `init_from` from a published name."""

from __future__ import annotations

import os

import h5py
import numpy as np
import pytest

from tests.conftest import REPO
from tests.training.helpers import read_weights, tiny_recipe, tiny_task
from zoo.models import AUTOENCODERS, FAMILIES, build_from_preset, get_family, smoke_overrides
from zoo.models.parts import weights_file
from zoo.training.finetune import freeze_lowest_blocks, init_from_folder
from zoo.training.loop import train


@pytest.mark.parametrize("family", sorted({**FAMILIES, **AUTOENCODERS}))
def test_every_family_discriminator_lists_its_blocks_from_the_input(family):
    preset = sorted(get_family(family).PRESETS)[0]
    tiny = smoke_overrides(family, 16)
    _, d = build_from_preset(family, preset, generator=tiny["generator"], discriminator=tiny["discriminator"])
    blocks = d.input_blocks()
    assert len(blocks) >= 2 and all(blocks)
    frozen = freeze_lowest_blocks(d, 1)
    assert frozen == blocks[0] and not any(layer.trainable for layer in frozen)
    assert all(layer.trainable for layer in blocks[1])
    with pytest.raises(ValueError, match="freezing all of them"):
        freeze_lowest_blocks(d, len(blocks))


@pytest.fixture(scope="module")
def source(half_run):
    """A finished tiny run whose export/ is the pretrained folder: the session's `half_run` (2 steps), read only."""
    return os.path.join(str(half_run), "export")


def _d_weights(folder):
    return read_weights(os.path.join(folder, weights_file("discriminator")))


@pytest.mark.parametrize("strategy", ["default", "mirrored"])
def test_freeze_d_keeps_the_lowest_blocks_at_the_pretrained_weights(source, tmp_path, strategy):
    recipe = tiny_recipe(seed=1, init_from=source, freeze_d=2)
    workdir = str(tmp_path / "tuned")
    train(recipe, workdir, strategy=strategy)
    before, after = _d_weights(source), _d_weights(os.path.join(workdir, "export"))
    frozen = [k for k in before if k.startswith(("blocks/d_block/", "blocks/d_block_1/"))]  # D's blocks 1-2
    trained = [k for k in before if k not in frozen]
    assert frozen and trained
    for k in frozen:
        np.testing.assert_array_equal(before[k], after[k], err_msg=k)
    assert any(not np.array_equal(before[k], after[k]) for k in trained)


def test_init_parts_choose_what_starts_from_the_folder(source):
    task = tiny_task(seed=3)
    init_from_folder(task, source, parts=("discriminator",))
    src = _d_weights(source)
    d = {v.path: v.numpy() for v in task.discriminator.weights}
    assert len(src) == len(d)
    g_src = read_weights(os.path.join(source, weights_file("generator")))
    g_now = [w.numpy() for w in task.generator.weights]
    assert not all(any(np.array_equal(a, b) for b in g_src.values()) for a in g_now if a.size > 16)
    with pytest.raises(ValueError, match="init_parts"):
        init_from_folder(task, source, parts=("decoder",))


def test_zoo_train_starts_a_recipe_from_a_pretrained_name(tmp_path, capsys):
    from zoo.cli import main

    recipe = tmp_path / "finetune.py"
    recipe.write_text(
        '"""Fine-tune sngan-fmnist-32 (test). Reproduces: nothing. Command: zoo train finetune.py"""\n'
        "from zoo.training.recipe import base\n\n"
        'RECIPE = base("sngan_fmnist32").replace(name="sngan-fmnist-32.tuned", init_from="sngan-fmnist-32",\n'
        "                                        freeze_d=1, steps=1, batch_size=4, log_every=1)\n")
    workdir = tmp_path / "run"
    assert main(["train", str(recipe), "--workdir", str(workdir)]) == 0
    assert "init_from sngan-fmnist-32" in capsys.readouterr().err
    shipped = _d_weights(os.path.join(REPO, "weights_manifest", "sngan-fmnist-32"))
    tuned = _d_weights(str(workdir / "export"))
    block1 = [k for k in shipped if k.startswith("blocks/d_block/")]
    assert block1 and all(np.array_equal(shipped[k], tuned[k]) for k in block1)
