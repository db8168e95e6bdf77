"""Checkpoints of a training run: the loop's step counter and every variable of its task
(`Task.checkpoint_state`: networks, their copies, optimizers, objective state, ticket masks).

Variables are saved as explicit flat maps keyed by position and path rather than through object-graph
tracking, because Keras 3 layer lists (e.g. a model's `self.blocks`) are not followed by tf.train.Checkpoint:
relying on it silently drops non-trainable state such as spectral-norm `u` vectors and BN moving statistics.
"""

from __future__ import annotations

import os
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
