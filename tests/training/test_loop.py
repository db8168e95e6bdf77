"""The training loop end to end: smoke, resume identity, kill + resume, NaN stop, multiworker.

The finished 4-step run of the tiny recipe is the session's `smoke_run`, the run stopped at step 2 its `half_run`
and the uninterrupted 8-step run its `eight_step_run` (tests/conftest.py); tests that continue a run work on a
copy."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

from tests.conftest import REPO
from tests.training.helpers import RECIPE_PATH, assert_same_export, tiny_recipe
from zoo.training.loop import NonFiniteLossError, train
from zoo.training.recipe import load_recipe

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": REPO}


def zoo_cli(*args):
    return [sys.executable, "-m", "zoo.cli", *args]


def _copy_half_run(half_run, tmp_path):
    workdir = tmp_path / "run"
    shutil.copytree(half_run, workdir)
    return workdir


def test_recipe_smoke_writes_everything(smoke_run):
    state = json.loads((smoke_run / "train_state.json").read_text())
    assert state["step"] == 4
    for name in ("checkpoints/ckpt-4.index", "export/config.json", "export/model.weights.h5",
                 "export/discriminator/model.weights.h5", "samples/step_0000004.png", "recipe.json",
                 "train_state.json"):
        assert (smoke_run / name).exists(), name
    assert any(p.name.startswith("events.out.tfevents") for p in (smoke_run / "tb").iterdir())


def test_resume_continues_bit_for_bit(smoke_run, half_run, tmp_path):
    """The uninterrupted 4-step run (`smoke_run`) and the 2-step run resumed to 4 export the same weights."""
    workdir = _copy_half_run(half_run, tmp_path)
    state = train(tiny_recipe(), str(workdir), resume=True)
    assert state["step"] == 4
    assert_same_export(smoke_run, workdir)


def test_existing_checkpoints_need_resume(half_run, tmp_path):
    workdir = _copy_half_run(half_run, tmp_path)
    with pytest.raises(FileExistsError, match="--resume"):
        train(tiny_recipe(), str(workdir))


def test_resume_with_another_recipe_is_refused(half_run, tmp_path):
    workdir = _copy_half_run(half_run, tmp_path)
    from zoo.training.recipe import OptimizerSpec

    other = tiny_recipe()
    other = other.replace(optimizers={**other.optimizers, "discriminator": OptimizerSpec(1e-3, 0.0, 0.9)})
    with pytest.raises(ValueError, match=r"optimizers\.discriminator\.lr"):
        train(other, str(workdir), resume=True)


def test_non_finite_loss_stops_and_keeps_last_checkpoint(half_run, tmp_path):
    workdir = _copy_half_run(half_run, tmp_path)
    poison = lambda x, seed: x * np.float32("nan")  # noqa: E731
    with pytest.raises(NonFiniteLossError, match="ckpt-2"):
        train(tiny_recipe(), str(workdir), resume=True, augment=poison)
    assert sorted(p.name for p in (workdir / "checkpoints").glob("*.index")) == ["ckpt-2.index"]
    state = train(tiny_recipe(), str(workdir), resume=True)  # the intact checkpoint still resumes
    assert state["step"] == 4


def zoo_main(*args) -> int:
    """`zoo ARGS` run in this process through the CLI's `main` (`sys.argv` as the console script sees it), for
    the commands whose process needs no checking of its own: it saves a fresh process's TensorFlow import and
    first traces. The real entry point (`python -m zoo.cli`) runs in a subprocess in the tests that kill it."""
    from zoo.cli import main

    argv = sys.argv
    sys.argv = ["zoo", *args]
    try:
        return main(list(args))
    finally:
        sys.argv = argv


def kill_and_resume(recipe_path, workdir, steps: int) -> int:
    """Run `zoo train <recipe_path> --smoke --steps <steps>` in `workdir` (a subprocess), SIGKILL it right after
    its first checkpoint, then resume it to the end with `zoo train ... --resume` (in this process, `zoo_main`).
    Returns the step of the newest checkpoint the killed run left (where the resumed run continues)."""
    steps = ["--steps", str(steps)]
    proc = subprocess.Popen(zoo_cli("train", recipe_path, "--smoke", "--workdir", str(workdir), *steps),
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not (workdir / "checkpoints" / "checkpoint").exists():  # the manager's index, written after ckpt-N.*
        assert proc.poll() is None, "training exited before its first checkpoint"
        assert time.time() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (workdir / "export").exists(), "the run finished before it was killed"
    killed_at = max(int(p.name[len("ckpt-"):-len(".index")]) for p in (workdir / "checkpoints").glob("ckpt-*.index"))
    assert zoo_main("train", recipe_path, "--smoke", "--workdir", str(workdir), "--resume", *steps) == 0
    return killed_at


def test_killed_run_resumes_to_the_same_result(eight_step_run, tmp_path):
    """SIGKILL a CLI run after its first checkpoint, resume it, compare with an uninterrupted run (the session's
    `eight_step_run`)."""
    workdir = tmp_path / "killed"
    kill_and_resume(RECIPE_PATH, workdir, 8)
    assert_same_export(eight_step_run, workdir)
    # the command that started the run is recorded (for the model card), not the one that resumed it
    command = json.loads((workdir / "train_state.json").read_text())["command"]
    assert command == f"zoo train {RECIPE_PATH} --smoke --workdir {workdir} --steps 8", command


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow(reason="~37 s (two worker processes); Mirrored runs in the fast suite, multi-worker with "
                         "StyleGAN2 in tests/training/test_stylegan2_task.py (slow too)")
def test_multiworker_two_local_workers(tmp_path):
    """MultiWorkerMirroredStrategy with 2 worker processes on 127.0.0.1 (`zoo train`); the result equals
    MirroredStrategy with 2 devices (same replica count, same seeds, same data split), trained in this process
    while the workers run."""
    cluster = {"worker": [f"127.0.0.1:{_free_port()}", f"127.0.0.1:{_free_port()}"]}
    procs = []
    for i in range(2):
        env = {**ENV, "TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": i}})}
        procs.append(subprocess.Popen(zoo_cli("train", RECIPE_PATH, "--smoke", "--workdir", str(tmp_path / "mw"),
                                              "--strategy", "multiworker"),
                                      env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    try:  # RECIPE_PATH is read here, not imported: test_one_stage runs this test on its own recipe
        train(load_recipe(RECIPE_PATH, smoke=True), str(tmp_path / "mirrored"), strategy="mirrored")
    except BaseException:
        for p in procs:
            p.kill()
            p.wait()
        raise
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-3000:]
    state = json.loads((tmp_path / "mw" / "train_state.json").read_text())
    assert state["num_replicas"] == 2 and state["strategy"] == "multiworker"
    assert all(np.isfinite(v) for v in state["losses"].values())
    assert_same_export(tmp_path / "mw", tmp_path / "mirrored")
