"""The task registry: one `TaskRecord` per task kind, registered by the task's own module.

A record says everything the recipe layer and the loop need to know about a task before anything is built:
its settings section (`TaskSettings` subclass, the recipe's `task=...`), the networks that take one optimizer
each, the families it can train, the keys of its batches, the checks of a recipe against it (run by
`TrainRecipe.validate()` before any data is loaded), where its training arrays come from, and its builder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, ClassVar

from zoo.training.sections import RecipeError, Section, close_names

TASKS: dict = {}


class TaskSettings(Section):
    """The settings section of one task kind: holds only what that task reads (subclasses are frozen
    dataclasses with `kind` naming their task)."""

    kind: ClassVar[str] = ""

    @property
    def batches_per_step(self) -> int:
        """Batches of `data.batch_size` one training step consumes (the GAN task: n_dis, one per D update)."""
        return 1

    def smoke(self) -> "TaskSettings":
        """These settings for a tiny smoke run (tests): e.g. EMA from step 0, adversarial terms at step 2."""
        return self


@dataclass(frozen=True)
class TaskRecord:
    """What one task kind is and needs.

    Args:
        kind: the name recipes use (`settings.kind`).
        settings: its `TaskSettings` class.
        networks: the networks that take one optimizer each (recipe `optimizers` keys).
        family_task: the families it trains are those whose module declares this task (`zoo.models.family_task`:
            a family trained by a task of its own names it, e.g. StyleGAN2 -> "stylegan2"; others -> "gan").
        batch_keys: keys of a training batch, e.g. ("images", "labels").
        builder: `builder(recipe, strategy, batch_spec, augment) -> Task`, variables created under `strategy`.
        takes_techniques: whether the recipe has a `techniques` section (DiffAugment, AdvAug, tickets, ...).
        checks: optional `checks(recipe)`: raises RecipeError for settings the task refuses, before any data.
        arrays: optional `arrays(recipe) -> {key: array}`: the training data (default: the dataset's images /
            video and labels).
    """

    kind: str
    settings: type
    networks: tuple
    family_task: str
    batch_keys: tuple
    builder: Callable
    takes_techniques: bool = True
    checks: Callable | None = None
    arrays: Callable | None = None


def register_task(record: TaskRecord) -> TaskRecord:
    """Make `record` available to recipes as `task=<record.settings>(...)`; a kind is registered once."""
    if record.settings.kind != record.kind:
        raise ValueError(f"task {record.kind!r}: its settings class {record.settings.__name__} has kind "
                         f"{record.settings.kind!r}")
    if record.kind in TASKS and TASKS[record.kind] is not record:
        raise ValueError(f"task {record.kind!r} is already registered ({TASKS[record.kind]})")
    TASKS[record.kind] = record
    return record


def task_record(kind: str) -> TaskRecord:
    """The record of task `kind`; a RecipeError naming the close kinds otherwise."""
    if kind not in TASKS:
        raise RecipeError(f"task kind {kind!r} is unknown; {close_names(kind, TASKS)}")
    return TASKS[kind]


def build_task(recipe, strategy, batch_spec: dict, augment=None):
    """The built task of `recipe` (its `task` settings name the record)."""
    return task_record(recipe.task.kind).builder(recipe, strategy, batch_spec, augment)
