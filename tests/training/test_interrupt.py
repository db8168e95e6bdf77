"""Runs that survive interruption (issue 24, item 2): SIGTERM / SIGINT, a second signal, a full disk.

- A signal mid-run finishes the step, writes and verifies a checkpoint of it, leaves train_state.json and the
  work dir lock consistent, and raises TrainingInterrupted (`zoo train`: prints `checkpoint ckpt-N written;
  continue with --resume`, exits 143 / 130); the resumed run equals an uninterrupted one bit for bit.
- A second signal while that checkpoint is written is ignored.
- A full disk (ENOSPC) while writing a checkpoint names the last intact one and leaves no `*_temp` folder.
- MultiWorker: a SIGTERM to one of two workers stops both at the same step, both save, both exit 143 (slow).

In-process runs signal themselves from a wrapped step function (`_signal_at`); the tiny recipe's uninterrupted
4-step run is the session's `smoke_run`.
"""

import errno
import json
import os
import signal
import subprocess
import time

import pytest
import tensorflow as tf

from tests.training.helpers import RECIPE_PATH, assert_same_export, tiny_recipe
from tests.training.test_loop import ENV, _free_port, zoo_cli, zoo_main
from zoo.training import checkpoint as checkpoint_module
from zoo.training.checkpoint import DIGESTS_FILE, DiskFullError, verify_checkpoint
from zoo.training.interrupt import TrainingInterrupted
from zoo.training.loop import StepFunction, train
from zoo.training.workdir_lock import WorkdirLock


def _signal_at(monkeypatch, step: int, signum: int):
    """Make the loop's step function send `signum` to this process while it runs step `step` (1-based)."""
    real = StepFunction.__call__

    def call(self, iterator):
        if self.step + 1 == step:
            os.kill(os.getpid(), signum)
        return real(self, iterator)

    monkeypatch.setattr(StepFunction, "__call__", call)


def _checkpoint_numbers(workdir):
    return sorted(int(p.name[len("ckpt-"):-len(".index")]) for p in (workdir / "checkpoints").glob("ckpt-*.index"))


@pytest.mark.parametrize("signum, code", [
    pytest.param(signal.SIGTERM, 143, id="SIGTERM"),
    pytest.param(signal.SIGINT, 130, id="SIGINT", marks=pytest.mark.slow(
        reason="the same path as SIGTERM with another exit code (make test-slow)")),
])
def test_signal_mid_run_saves_the_step_and_resumes_bit_for_bit(smoke_run, tmp_path, monkeypatch, signum, code):
    workdir = tmp_path / "run"
    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    _signal_at(monkeypatch, 3, signum)  # the tiny recipe checkpoints at 2 and 4: step 3 would be lost
    with pytest.raises(TrainingInterrupted) as info:
        train(tiny_recipe(), str(workdir))
    e = info.value
    assert (e.signum, e.step, e.exit_code) == (signum, 3, code)
    assert str(e).endswith("checkpoint ckpt-3 written; continue with --resume"), str(e)
    assert {s: signal.getsignal(s) for s in before} == before  # the process's handlers are back
    assert _checkpoint_numbers(workdir) == [2, 3]
    digests = json.loads((workdir / "checkpoints" / DIGESTS_FILE).read_text())
    assert verify_checkpoint(str(workdir / "checkpoints" / "ckpt-3"), digests) is None and "ckpt-3" in digests
    assert json.loads((workdir / "train_state.json").read_text())["step"] == 3
    assert not (workdir / "export").exists()
    WorkdirLock(str(workdir)).acquire().release()  # the lock was released
    monkeypatch.undo()
    if signum == signal.SIGTERM:  # resuming is the same for both: once is enough
        assert train(tiny_recipe(), str(workdir), resume=True)["step"] == 4
        assert_same_export(smoke_run, workdir)


def test_a_second_signal_during_the_save_is_ignored(tmp_path, monkeypatch, capfd):
    workdir = tmp_path / "run"
    _signal_at(monkeypatch, 1, signal.SIGTERM)
    real_record = checkpoint_module.record_checkpoint

    def record_after_a_second_signal(prefix):
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while the checkpoint is being verified
        return real_record(prefix)

    monkeypatch.setattr(checkpoint_module, "record_checkpoint", record_after_a_second_signal)
    with pytest.raises(TrainingInterrupted) as info:
        train(tiny_recipe(), str(workdir))
    assert (info.value.signum, info.value.step, info.value.exit_code) == (signal.SIGTERM, 1, 143)
    digests = json.loads((workdir / "checkpoints" / DIGESTS_FILE).read_text())
    assert verify_checkpoint(str(workdir / "checkpoints" / "ckpt-1"), digests) is None
    assert "SIGINT ignored: already stopping after SIGTERM" in capfd.readouterr().err


def _disk_full(kind):
    if kind == "python":
        return OSError(errno.ENOSPC, "No space left on device")
    return tf.errors.ResourceExhaustedError(None, None, "ckpt-4_temp/part-00000-of-00001.data-00000-of-00001."
                                                        "tempstate1; No space left on device [Op:SaveV2]")


@pytest.mark.parametrize("kind", [
    pytest.param("python", marks=pytest.mark.slow(reason="the same cleanup as the TensorFlow error's case")),
    "tensorflow"])
def test_disk_full_names_the_last_intact_checkpoint_and_leaves_no_temp_folder(smoke_run, tmp_path, monkeypatch,
                                                                              kind):
    """The writer of ckpt-4 fills the disk the way TensorFlow's does (a part file in `ckpt-4_temp/`, then
    ENOSPC); ckpt-2 stays the last intact checkpoint and the run resumes from it bit for bit."""
    workdir = tmp_path / "run"
    real_save = tf.train.CheckpointManager.save

    def save(self, checkpoint_number=None, **kwargs):
        if checkpoint_number != 4:
            return real_save(self, checkpoint_number=checkpoint_number, **kwargs)
        temp = os.path.join(self.directory, "ckpt-4_temp")
        os.makedirs(temp)
        with open(os.path.join(temp, "part-00000-of-00001.data-00000-of-00001"), "wb") as f:
            f.write(b"\0" * 100)
        raise _disk_full(kind)

    monkeypatch.setattr(tf.train.CheckpointManager, "save", save)
    ckpt_2 = workdir / "checkpoints" / "ckpt-2"
    with pytest.raises(DiskFullError, match=rf"no space left on device while writing checkpoint ckpt-4 .*removed "
                                            rf"its partial files \(ckpt-4_temp\); the last intact checkpoint is "
                                            rf"{ckpt_2}: free some space, then continue with --resume"):
        train(tiny_recipe(), str(workdir))
    assert not [p for p in workdir.rglob("*_temp")], list(workdir.rglob("*"))
    assert _checkpoint_numbers(workdir) == [2]
    monkeypatch.undo()
    if kind == "python":  # resuming is the same for both: once is enough
        assert train(tiny_recipe(), str(workdir), resume=True)["step"] == 4
        assert_same_export(smoke_run, workdir)


def _wait_for_first_checkpoint(procs, workdir, deadline_s=300):
    deadline = time.time() + deadline_s
    while not (workdir / "checkpoints" / "checkpoint").exists():  # the manager's index, written after ckpt-N.*
        assert all(p.poll() is None for p in procs), "training exited before its first checkpoint"
        assert time.time() < deadline
        time.sleep(0.05)


def _stopped_at(stderr: str) -> int:
    line = next(line for line in stderr.splitlines() if "continue with --resume" in line)
    return int(line.split("after step ")[1].split(":")[0])


def test_zoo_train_sigterm_exits_143_and_resumes_bit_for_bit(eight_step_run, tmp_path):
    """`zoo train` (a subprocess) gets SIGTERM after its first checkpoint; it prints where it stopped and
    exits 143; `zoo train --resume` (in this process, `zoo_main`) to step 8 (or, should the run have stopped
    after step 6, to 2 steps past that point) equals an uninterrupted run of as many steps (the session's
    `eight_step_run`)."""
    workdir = tmp_path / "run"
    args = ("train", RECIPE_PATH, "--smoke", "--workdir", str(workdir))
    proc = subprocess.Popen([*zoo_cli(*args), "--steps", "1000"], env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_first_checkpoint([proc], workdir)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=300)
    finally:
        proc.kill()
    assert proc.returncode == 143, err[-2000:]
    stopped = _stopped_at(err)
    assert f"zoo train: interrupted by SIGTERM after step {stopped}: checkpoint ckpt-{stopped} written; continue " \
           f"with --resume" in err, err[-2000:]
    assert stopped in _checkpoint_numbers(workdir) and "done:" not in out
    assert json.loads((workdir / "train_state.json").read_text())["step"] == stopped
    steps = max(8, stopped + 2)
    assert zoo_main(*args, "--resume", "--steps", str(steps)) == 0
    reference = eight_step_run
    if steps != 8:
        reference = tmp_path / "ref"
        train(tiny_recipe(), str(reference), steps=steps)
    assert_same_export(reference, workdir)


@pytest.mark.slow(reason="~60 s: two worker processes, twice (interrupted, resumed), beside a mirrored reference")
def test_multiworker_sigterm_to_one_worker_stops_both_at_the_same_step(tmp_path):
    """SIGTERM to the non-chief of two MultiWorker `zoo train` processes: both stop after the same step, both
    save (the chief into the work dir), both exit 143; resumed with --resume, the run equals a
    MirroredStrategy run of as many steps (same replica count, seeds and data split)."""
    cluster = {"worker": [f"127.0.0.1:{_free_port()}", f"127.0.0.1:{_free_port()}"]}
    workdir = tmp_path / "mw"

    def start(*extra):
        procs = []
        for i in range(2):
            env = {**ENV, "TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": i}})}
            procs.append(subprocess.Popen(zoo_cli("train", RECIPE_PATH, "--smoke", "--workdir", str(workdir),
                                                  "--strategy", "multiworker", *extra),
                                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        return procs

    procs = start("--steps", "1000")
    try:
        _wait_for_first_checkpoint(procs, workdir)
        procs[1].send_signal(signal.SIGTERM)
        errs = [p.communicate(timeout=300)[1] for p in procs]
    finally:
        for p in procs:
            p.kill()
    assert [p.returncode for p in procs] == [143, 143], [e[-2000:] for e in errs]
    stopped = {_stopped_at(e) for e in errs}
    assert len(stopped) == 1, errs
    stopped = stopped.pop()
    assert stopped in _checkpoint_numbers(workdir)
    procs = start("--resume", "--steps", str(stopped + 2))
    try:
        train(tiny_recipe(), str(tmp_path / "mirrored"), steps=stopped + 2, strategy="mirrored")
        errs = [p.communicate(timeout=600)[1] for p in procs]
    finally:
        for p in procs:
            p.kill()
    assert [p.returncode for p in procs] == [0, 0], [e[-2000:] for e in errs]
    assert_same_export(workdir, tmp_path / "mirrored")
