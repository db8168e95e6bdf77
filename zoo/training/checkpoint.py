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
    return f"{i:04d}/{variable.path.split('/', 1)[-1]}"


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
