"""Checkpoints of a training run: the loop's step counter and every variable of its task
(`Task.checkpoint_state`: networks, their copies, optimizers, objective state, ticket masks).

Variables are saved as explicit flat maps keyed by position and path rather than through object-graph
tracking, because Keras 3 layer lists (e.g. a model's `self.blocks`) are not followed by tf.train.Checkpoint:
relying on it silently drops non-trainable state such as spectral-norm `u` vectors and BN moving statistics.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile

import tensorflow as tf


def _key(i: int, variable) -> str:
    # position + path below the owning model (Keras numbers model names per process: sngan_generator_2/...)
    # (a tf.Variable, e.g. an objective's state, has no Keras path: its name without the ":0")
    path = variable.path if hasattr(variable, "path") else variable.name.split(":")[0]
    return f"{i:04d}/{path.split('/', 1)[-1]}"


class VariableMap(tf.Module):
    """A trackable {"<position>/<path in model>": variable} map of a model's or optimizer's variables."""

    def __init__(self, variables, name=None):
        super().__init__(name=name)
        self.variables_by_key = {_key(i, v): v for i, v in enumerate(variables)}


class OptimizerMap(tf.Module):
    """A trackable {"<position>": variable} map of an optimizer's variables (their names embed model names)."""

    def __init__(self, variables, name=None):
        super().__init__(name=name)
        self.variables_by_key = {f"{i:04d}": v for i, v in enumerate(variables)}


def make_checkpoint(task, step_counter) -> tf.train.Checkpoint:
    """A checkpoint of `task`'s state and the loop's `step_counter` (a tf.Variable, saved as "step")."""
    return tf.train.Checkpoint(step=step_counter, **task.checkpoint_state())


def make_manager(checkpoint, workdir: str, chief: bool, max_to_keep: int, task_id: int = 0):
    """CheckpointManager writing to `<workdir>/checkpoints` on the chief; other workers (who must save too
    under MultiWorkerMirroredStrategy) write to a throw-away temp directory."""
    directory = os.path.join(workdir, "checkpoints") if chief else tempfile.mkdtemp(prefix=f"zoo-worker{task_id}-")
    return tf.train.CheckpointManager(checkpoint, directory, max_to_keep=max_to_keep)


# ---- verification --------------------------------------------------------------------------------------------
# Every checkpoint the chief writes is read back and its files' sha256 recorded in checkpoints/digests.json.
# `--resume` takes the newest checkpoint that verifies (files present, digests equal, restorable); the others
# are moved, never deleted, to checkpoints/skipped/ with a warning naming each and why.

DIGESTS_FILE = "digests.json"
SKIPPED_DIR = "skipped"


class CheckpointError(RuntimeError):
    """No checkpoint of a work dir verifies; the message lists each one and why."""


def checkpoint_files(prefix: str) -> list[str]:
    """The files of a checkpoint prefix (ckpt-N.index and its data shards), sorted; missing ones are absent."""
    directory, base = os.path.split(prefix)
    if not os.path.isdir(directory):
        return []
    return sorted(os.path.join(directory, f) for f in os.listdir(directory)
                  if f == f"{base}.index" or f.startswith(f"{base}.data-"))


def _read_digests(directory: str) -> dict:
    import json

    path = os.path.join(directory, DIGESTS_FILE)
    if not os.path.isfile(path):
        return {}
    with open(path) as f:
        return json.load(f)


def _write_digests(directory: str, digests: dict) -> None:
    import json

    path = os.path.join(directory, DIGESTS_FILE)
    with open(path + ".tmp", "w") as f:
        json.dump(digests, f, indent=2, sort_keys=True)
    os.replace(path + ".tmp", path)


def record_checkpoint(prefix: str) -> dict:
    """Read a just-written checkpoint back (every tensor) and record its files' sha256 in digests.json;
    returns {file name: sha256}. Raises CheckpointError if it cannot be read back."""
    from zoo.checksums import sha256_file

    try:
        reader = tf.train.load_checkpoint(prefix)
        for name in reader.get_variable_to_shape_map():
            reader.get_tensor(name)
    except Exception as e:  # noqa: BLE001 - any read failure means the checkpoint is not usable
        raise CheckpointError(f"checkpoint {prefix} was written but cannot be read back: {type(e).__name__}: {e}")
    directory = os.path.dirname(prefix)
    entry = {os.path.basename(p): sha256_file(p) for p in checkpoint_files(prefix)}
    digests = _read_digests(directory)
    digests[os.path.basename(prefix)] = entry
    known = {os.path.basename(p)[:-len(".index")] for p in os.listdir(directory) if p.endswith(".index")}
    _write_digests(directory, {k: v for k, v in digests.items() if k in known})
    return entry


def list_checkpoints(directory: str) -> list[str]:
    """Checkpoint prefixes of a directory, newest (highest number) first, from the files on disk (also those
    whose index is missing) and the manager's state file."""
    if not os.path.isdir(directory):
        return []
    names = set()
    for f in os.listdir(directory):
        if f.startswith("ckpt-") and (f.endswith(".index") or ".data-" in f):
            names.add(f.split(".", 1)[0])
    state = tf.train.get_checkpoint_state(directory)
    if state is not None:
        names.update(os.path.basename(p) for p in state.all_model_checkpoint_paths)
    numbered = [(int(n.split("-", 1)[1]), n) for n in names if n.split("-", 1)[1].isdigit()]
    return [os.path.join(directory, n) for _, n in sorted(numbered, reverse=True)]


def verify_checkpoint(prefix: str, digests: dict) -> str | None:
    """None if the checkpoint's files are complete and match their recorded sha256, else the reason."""
    from zoo.checksums import sha256_file

    files = {os.path.basename(p): p for p in checkpoint_files(prefix)}
    base = os.path.basename(prefix)
    if f"{base}.index" not in files:
        return "its index file is missing"
    if not any(".data-" in f for f in files):
        return "its data file is missing"
    recorded = digests.get(base)
    if recorded is None:
        return None  # written before digests were recorded: the restore decides
    for name in sorted(set(recorded) | set(files)):
        if name not in files:
            return f"{name} is missing"
        if name not in recorded:
            return f"{name} was not part of the checkpoint when it was written"
        if sha256_file(files[name]) != recorded[name]:
            return f"{name} does not match the sha256 recorded when it was written (truncated or changed)"
    return None


def restore_verified(checkpoint, directory: str, warn, move: bool = True) -> str:
    """Restore the newest checkpoint of `directory` that verifies into `checkpoint`; returns its prefix.

    Each newer one that fails (files, digests or the restore itself) is reported through `warn(message)` and
    moved to `<directory>/skipped/` (`move=False`, for non-chief workers: left in place); nothing is deleted.
    Raises CheckpointError listing every checkpoint and
    its reason when none verifies.
    """
    digests = _read_digests(directory)
    reasons = []
    for prefix in list_checkpoints(directory):
        reason = verify_checkpoint(prefix, digests)
        if reason is None:
            try:
                checkpoint.restore(prefix).assert_consumed()
            except Exception as e:  # noqa: BLE001 - unreadable or incomplete: try the next older one
                reason = f"it cannot be restored ({type(e).__name__}: {str(e).splitlines()[0][:200]})"
        if reason is None:
            for skipped, why in reasons:
                where = f"; moved to {os.path.join(directory, SKIPPED_DIR)}" if move else ""
                warn(f"skipped checkpoint {skipped}: {why}{where}")
                if move:
                    _move_aside(skipped, directory)
            if reasons and move:
                remaining = [p for p in list_checkpoints(directory) if checkpoint_files(p)]
                tf.compat.v1.train.update_checkpoint_state(directory, prefix,
                                                           all_model_checkpoint_paths=remaining[::-1])
            return prefix
        reasons.append((prefix, reason))
    listing = "; ".join(f"{os.path.basename(p)}: {why}" for p, why in reasons)
    raise CheckpointError(f"no checkpoint in {directory} verifies ({listing}); nothing was deleted. Start a new "
                          f"--workdir, or restore the files from a copy")


def _move_aside(prefix: str, directory: str) -> None:
    target = os.path.join(directory, SKIPPED_DIR)
    os.makedirs(target, exist_ok=True)
    for path in checkpoint_files(prefix):
        os.replace(path, os.path.join(target, os.path.basename(path)))


# ---- a full disk ---------------------------------------------------------------------------------------------
# TensorFlow writes a checkpoint's shards into `<prefix>_temp/` and merges them into `<prefix>.*` afterwards; a
# write that fails (no space left) leaves that folder and perhaps some of the files behind. `save_verified`
# removes what its own failed save left, so the disk is not fuller than before, and names the checkpoint a
# `--resume` would continue from.


class DiskFullError(CheckpointError):
    """The disk filled up while a checkpoint was written; the message names the last intact checkpoint."""


def is_disk_full(error: BaseException) -> bool:
    """True for an error of a full disk or quota: OSError ENOSPC / EDQUOT from Python's own writes, or
    TensorFlow's (ResourceExhaustedError "No space left on device"), also as the cause of another error."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(error, tf.errors.OpError) and ("No space left on device" in str(error)
                                                     or "Disk quota exceeded" in str(error)):
            return True
        error = error.__cause__ or error.__context__
    return False


def last_intact(directory: str) -> str | None:
    """The newest checkpoint of `directory` whose files are complete and match their recorded sha256 (one
    written before digests were recorded counts if its files are there), or None."""
    digests = _read_digests(directory)
    return next((p for p in list_checkpoints(directory) if verify_checkpoint(p, digests) is None), None)


def _remove_partial_save(directory: str, number: int) -> list[str]:
    """Remove what a failed save of checkpoint `number` left in `directory`: its `_temp` folder, its files
    unless they were recorded and verify, and temporary files of digests.json and of the manager's state;
    the manager's state file forgets it. Returns the names removed."""
    prefix = os.path.join(directory, f"ckpt-{number}")
    removed = []
    if os.path.isdir(prefix + "_temp"):
        shutil.rmtree(prefix + "_temp", ignore_errors=True)
        removed.append(os.path.basename(prefix) + "_temp")
    digests = _read_digests(directory)
    if os.path.basename(prefix) not in digests or verify_checkpoint(prefix, digests) is not None:
        for path in checkpoint_files(prefix):
            os.remove(path)
            removed.append(os.path.basename(path))
        state = tf.train.get_checkpoint_state(directory)
        if state is not None and any(os.path.basename(p) == os.path.basename(prefix)
                                     for p in state.all_model_checkpoint_paths):
            kept = [p for p in list_checkpoints(directory) if checkpoint_files(p)][::-1]  # oldest first
            try:  # best effort: a leftover entry only costs a warning when the run resumes
                if kept:
                    tf.compat.v1.train.update_checkpoint_state(directory, kept[-1], all_model_checkpoint_paths=kept)
                else:
                    os.remove(os.path.join(directory, "checkpoint"))
            except Exception:  # noqa: BLE001
                pass
    for name in os.listdir(directory) if os.path.isdir(directory) else ():
        if name.startswith((DIGESTS_FILE + ".tmp", "checkpoint.tmp")):
            os.remove(os.path.join(directory, name))
            removed.append(name)
    return removed


def save_verified(manager, number: int, verify: bool = True, intact_in: str | None = None) -> str:
    """Write checkpoint `number` through `manager` (a tf.train.CheckpointManager) and, with `verify` (the
    chief), read it back and record its sha256 (`record_checkpoint`); returns its prefix.

    On a full disk, removes what this save left behind (`ckpt-N_temp/`, its partial files) and raises
    DiskFullError naming the last intact checkpoint of `intact_in` (default: the manager's directory; a
    non-chief worker, which writes to a throw-away directory, names the chief's).
    """
    try:
        prefix = manager.save(checkpoint_number=number)
        if verify:
            record_checkpoint(prefix)
        return prefix
    except Exception as e:
        if not is_disk_full(e):
            raise
        removed = _remove_partial_save(manager.directory, number)
        raise disk_full_error(f"checkpoint ckpt-{number} in {manager.directory}", intact_in or manager.directory,
                              removed) from e


def disk_full_error(what: str, directory: str, removed=()) -> DiskFullError:
    """The DiskFullError of a failed write of `what`: names the last intact checkpoint of `directory` and
    what was removed."""
    last = last_intact(directory)
    cleaned = f"; removed its partial files ({', '.join(removed)})" if removed else ""
    resume = (f"the last intact checkpoint is {last}: free some space, then continue with --resume" if last else
              f"no intact checkpoint was written yet in {directory}: free some space and start the run again")
    return DiskFullError(f"no space left on device while writing {what}{cleaned}; {resume}")
