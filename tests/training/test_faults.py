"""Faults a user meets in training: two runs in one work dir, a corrupt checkpoint (issue: reliability).

- The chief holds an OS lock on its work dir: a second run fails at once naming the work dir and the holder;
  the lock of a killed (SIGKILL) run does not block the next one.
- Every checkpoint's sha256 is recorded when written; `--resume` takes the newest checkpoint that verifies,
  warns about each one it skips and moves it aside (never deletes it), and the resumed run is bit-for-bit the
  uninterrupted one from the checkpoint it chose; with none verifying it stops listing them all.
"""

import os
import shutil
import signal
import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.training.helpers import assert_same_export, tiny_recipe
from tests.training.test_loop import zoo_main
from zoo.training.checkpoint import CheckpointError, DIGESTS_FILE, SKIPPED_DIR
from zoo.training.loop import train
from zoo.training.workdir_lock import WorkdirLockedError

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": REPO}
HOLD = ("import sys, time\nfrom zoo.training.workdir_lock import WorkdirLock\n"
        "lock = WorkdirLock(sys.argv[1]).acquire(); print('locked', flush=True); time.sleep(120)\n")


def test_second_run_is_refused_while_the_first_holds_the_workdir_and_a_killed_run_leaves_no_lock(tmp_path, capfd):
    """The holder is another process; `zoo train` is refused through the CLI's `main` in this process (the lock
    is the holder's either way)."""
    workdir = str(tmp_path / "run")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, workdir], env=ENV, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(WorkdirLockedError, match=rf"{workdir} is in use by another run \(process {holder.pid}"):
            train(tiny_recipe(), workdir)
        capfd.readouterr()
        code = zoo_main("train", os.path.join(REPO, "recipes", "sngan_fmnist32.py"), "--smoke", "--workdir", workdir)
        err = capfd.readouterr().err
        assert code != 0 and f"process {holder.pid}" in err and workdir in err
        assert not os.path.exists(os.path.join(workdir, "checkpoints"))  # refused before writing anything
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert os.path.exists(os.path.join(workdir, ".lock"))  # the stale file is there, but no live holder
    assert train(tiny_recipe(), workdir, steps=1)["step"] == 1


def _corrupt_truncate(prefix):
    data = next(p for p in os.listdir(os.path.dirname(prefix)) if p.startswith(os.path.basename(prefix) + ".data-"))
    with open(os.path.join(os.path.dirname(prefix), data), "r+b") as f:
        f.truncate(100)


def _corrupt_missing_index(prefix):
    os.remove(prefix + ".index")


def _corrupt_garbage(prefix):
    data = next(p for p in os.listdir(os.path.dirname(prefix)) if p.startswith(os.path.basename(prefix) + ".data-"))
    path = os.path.join(os.path.dirname(prefix), data)
    size = os.path.getsize(path)
    with open(path, "r+b") as f:  # same size, other bytes: only the recorded digest can tell
        f.seek(size // 2)
        f.write(os.urandom(64))


@pytest.fixture(scope="module")
def stopped_at_6(tmp_path_factory):
    """The run of the session's `eight_step_run` (the tiny recipe: checkpoints every 2 steps, the last 3 kept)
    stopped after step 6 (checkpoints 2, 4, 6); each test corrupts a copy."""
    root = tmp_path_factory.mktemp("stopped")
    train(tiny_recipe(), str(root / "b"), steps=6)
    return root / "b"


@pytest.mark.parametrize("corrupt, reason", [(_corrupt_truncate, "does not match the sha256"),
                                             (_corrupt_missing_index, "index file is missing"),
                                             (_corrupt_garbage, "does not match the sha256")])
def test_resume_skips_a_corrupt_latest_checkpoint_and_stays_bit_for_bit(eight_step_run, stopped_at_6, tmp_path,
                                                                       corrupt, reason, capsys):
    recipe = tiny_recipe()
    assert (recipe.run.checkpoint_every, recipe.run.keep_checkpoints) == (2, 3)
    workdir = tmp_path / "b"
    shutil.copytree(stopped_at_6, workdir)
    ckpts = workdir / "checkpoints"
    assert sorted(os.listdir(ckpts)).count(DIGESTS_FILE) == 1
    corrupt(str(ckpts / "ckpt-6"))
    state = train(recipe, str(workdir), steps=8, resume=True)
    assert state["step"] == 8
    err = capsys.readouterr().err
    assert "skipped checkpoint" in err and "ckpt-6" in err and reason in err
    assert os.listdir(ckpts / SKIPPED_DIR)  # kept on disk, moved aside
    assert_same_export(eight_step_run, workdir)


def test_resume_with_no_verifying_checkpoint_lists_them_all(smoke_run, tmp_path):
    """A copy of the session's `smoke_run` (the tiny recipe's 4 steps, checkpoints 2 and 4), both corrupted."""
    recipe = tiny_recipe()
    assert (recipe.run.steps, recipe.run.checkpoint_every) == (4, 2)
    workdir = tmp_path / "c"
    shutil.copytree(smoke_run, workdir)
    for n in (2, 4):
        _corrupt_truncate(str(workdir / "checkpoints" / f"ckpt-{n}"))
    with pytest.raises(CheckpointError, match=r"no checkpoint .* verifies \(ckpt-4: .*; ckpt-2: .*\); nothing was "
                                              r"deleted"):
        train(recipe, str(workdir), steps=6, resume=True)
    assert sorted(f for f in os.listdir(workdir / "checkpoints") if f.startswith("ckpt-"))  # still there
