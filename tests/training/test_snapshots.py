"""Generator snapshots (`run.snapshot_every`, `zoo.training.snapshots`): what `benchmarks/time_to_quality.py`
evaluates after the fact. One 4-step run of the tiny recipe stopped at step 3 and resumed: snapshots at steps 2
and 4 with their log lines, the step-4 snapshot is the exported generator, and a redone snapshot keeps its last
line."""

import json
import os

import numpy as np
import pytest

from tests.training.helpers import read_weights, tiny_recipe
from zoo.models.parts import GENERATOR, weights_file
from zoo.training.loop import train
from zoo.training.recipe import RecipeError
from zoo.training.snapshots import SNAPSHOT_LOG, read_snapshots


def test_snapshots_every_k_steps_across_a_resume(tmp_path):
    recipe = tiny_recipe(snapshot_every=2, checkpoint_every=1)
    workdir = str(tmp_path / "run")
    train(recipe, workdir, steps=3, stream=open(os.devnull, "w"))
    train(recipe, workdir, steps=4, resume=True, stream=open(os.devnull, "w"))
    snaps = read_snapshots(workdir)
    assert [s["step"] for s in snaps] == [2, 4]
    batch = recipe.data.batch_size * recipe.task.batches_per_step
    assert [s["images_seen"] for s in snaps] == [2 * batch, 4 * batch]
    assert 0 < snaps[0]["wall_clock_s"] < snaps[1]["wall_clock_s"]
    with open(os.path.join(workdir, "train_state.json")) as f:
        assert snaps[1]["wall_clock_s"] <= json.load(f)["wall_clock_s"]
    last = read_weights(os.path.join(snaps[1]["folder"], weights_file(GENERATOR)))
    export = read_weights(os.path.join(workdir, "export", weights_file(GENERATOR)))
    assert last.keys() == export.keys()
    for key in last:
        np.testing.assert_array_equal(last[key], export[key], err_msg=key)
    assert not any(name.endswith(".partial") for name in os.listdir(os.path.join(workdir, "snapshots")))


def test_read_snapshots_keeps_the_last_line_per_step_and_skips_a_cut_line(tmp_path):
    for step in (2, 4):
        os.makedirs(tmp_path / "snapshots" / f"step_{step:07d}")
    lines = [{"step": 2, "wall_clock_s": 1.0, "images_seen": 8, "path": "snapshots/step_0000002"},
             {"step": 4, "wall_clock_s": 2.0, "images_seen": 16, "path": "snapshots/step_0000004"},
             {"step": 4, "wall_clock_s": 3.5, "images_seen": 16, "path": "snapshots/step_0000004"},
             {"step": 6, "wall_clock_s": 4.0, "images_seen": 24, "path": "snapshots/step_0000006"}]  # folder gone
    text = "".join(json.dumps(line) + "\n" for line in lines) + '{"step": 8, "wall'
    (tmp_path / SNAPSHOT_LOG).write_text(text)
    snaps = read_snapshots(str(tmp_path))
    assert [(s["step"], s["wall_clock_s"]) for s in snaps] == [(2, 1.0), (4, 3.5)]


def test_snapshot_every_must_not_be_negative():
    with pytest.raises(RecipeError, match="snapshot_every"):
        tiny_recipe(snapshot_every=-1)
