"""The lottery-ticket search: iterative magnitude pruning (IMP) of G and D with rewinding, above the training
loop (each round is an ordinary training run); the pruning mechanics it uses are `zoo.training.pruning`.

Pipeline (`run_imp`, CLI `zoo imp RECIPE`):
    <workdir>/rewind/              raw G + D at `rewind_step` (the weights every round starts from)
    <workdir>/round_0/             a `zoo train` work dir: the dense run (or `init_masks`' ticket)
    <workdir>/masks_round_1.h5     masks after pruning round 0's trained G and D
    <workdir>/round_1/             the ticket of density 0.8 trained from the rewound weights ...
    <workdir>/round_<R>/export/    the final ticket (density 0.8^R), with masks.h5; R = prune_rounds
    <workdir>/imp.json             per round: density, steps, wall clock, losses

After each round the surviving weights are rewound to the weights of step `rewind_step` of the first run
(0 = the initialization) and the ticket is trained again.

Reference: Chen, Zhang, Liu, Chang, Wang, "Data-Efficient GAN Training Beyond (Just) Augmentations: A Lottery
Ticket Perspective", NeurIPS 2021, Sec. 3.1; Frankle & Carbin, ICLR 2019 (IMP); Frankle et al., ICML 2020
(rewinding to an early step).
"""

from __future__ import annotations

import json
import math
import os
import sys

import keras
import tensorflow as tf

from zoo.models.serialization import load_masks, masks_sparsity, save_masks, save_model_files
from zoo.training.checkpoint import list_checkpoints, make_checkpoint, restore_verified
from zoo.training.loop import batch_arrays, batch_spec, train
from zoo.training.pruning import PARTS, prunable_kernels, prune, ticket_masks
from zoo.training.tasks import build_task
from zoo.training.workdir_lock import WorkdirLock

REWIND_DIR = "rewind"
SUMMARY_FILE = "imp.json"


def restore_task(recipe, workdir: str):
    """(task, completed steps) of `recipe` (default strategy) holding the latest checkpoint of `workdir` (raw
    G, EMA G, D, masks)."""
    directory = os.path.join(workdir, "checkpoints")
    if not list_checkpoints(directory):
        raise FileNotFoundError(f"{directory} holds no checkpoint; expected a trained round")
    task = build_task(recipe, tf.distribute.get_strategy(), batch_spec(batch_arrays(recipe)))
    step = tf.Variable(0, dtype=tf.int64, trainable=False)
    restore_verified(make_checkpoint(task, step), directory, warn=lambda m: print(f"warning: {m}", file=sys.stderr))
    return task, int(step.numpy())


def trained_kernels(task) -> dict:
    """{network: {kernel key: array}} of the raw (not EMA) G and D kernels, the weights IMP ranks."""
    return {part: {k: v.numpy() for k, v in prunable_kernels(task.networks[part]).items()} for part in PARTS}


def write_rewind_weights(recipe, directory: str, workdir: str | None = None) -> str:
    """Save the weights rounds are rewound to into `directory` (model-folder layout, raw G + D): with
    `workdir`, those of its latest checkpoint; else the initialization of `recipe.run.seed` (what `train` builds)."""
    if workdir is not None:
        task, step = restore_task(recipe, workdir)
        if step != recipe.techniques.rewind_step:
            raise ValueError(f"{workdir} is at step {step}, not at rewind_step {recipe.techniques.rewind_step}; expected a "
                             f"run stopped at the rewind step (start a new workdir)")
    else:
        keras.utils.set_random_seed(recipe.run.seed)
        task = build_task(recipe.replace(init_masks=""), tf.distribute.get_strategy(),
                          batch_spec(batch_arrays(recipe)))
    save_model_files(directory, task.networks["generator"], task.networks["discriminator"])
    return directory


def _rounds_done(masks_path: str, rate: float) -> int:
    """IMP rounds behind a masks file: its `round` attribute, else inferred from its densities."""
    if not masks_path:
        return 0
    masks, attrs = load_masks(masks_path)
    if "round" in attrs:
        return int(attrs["round"])
    density = 1.0 - max(masks_sparsity(masks).values())
    return int(round(math.log(max(density, 1e-12)) / math.log(1.0 - rate)))


def _check_imp(recipe, rounds: int) -> None:
    if recipe.techniques is None:
        raise ValueError(f"recipe {recipe.name!r}: task {recipe.task.kind!r} takes no techniques section; lottery "
                         f"tickets (IMP) prune the networks of a GAN task")
    if rounds < 1:
        raise ValueError(f"IMP needs prune_rounds >= 1, got {rounds}; set prune_rounds in the recipe or pass rounds")
    if not 0.0 < recipe.techniques.prune_rate < 1.0:
        raise ValueError(f"prune_rate must be in (0, 1), got {recipe.techniques.prune_rate}")
    if not 0 <= recipe.techniques.rewind_step < recipe.run.steps:
        raise ValueError(f"rewind_step must be in [0, steps={recipe.run.steps}), got {recipe.techniques.rewind_step}")


def run_imp(recipe, workdir: str, *, rounds: int | None = None, strategy: str = "default", num_devices: int = 2,
            stream=None) -> list[dict]:
    """Iterative magnitude pruning of `recipe`'s G and D: train, prune, rewind, repeat; returns per-round info.

    Round k (k = 0 .. R, R = `rounds` or `recipe.techniques.prune_rounds`) trains `recipe` in `<workdir>/round_<k>` with
    the masks of round k-1 (round 0: dense, or `recipe.techniques.init_masks`), starting from the rewind weights
    (`<workdir>/rewind`: the initialization, or step `recipe.techniques.rewind_step` of round 0). After rounds 0 .. R-1
    the trained raw G and D are pruned by global magnitude (`recipe.techniques.prune_rate` of the remaining weights of
    each network) into `<workdir>/masks_round_<k+1>.h5`. Round R's `export/` is the final ticket.
    Each round is an ordinary `zoo train` work dir, so an interrupted pipeline continues where it stopped
    when called again (finished rounds are only re-read). Optimizer states start fresh in every round.
    Strategies: default and mirrored (multiworker only through `zoo train` with `init_masks`).

    Example:
        >>> recipe = load_recipe("recipes/biggan_fmnist32.py").replace(dataset="fmnist10pct", prune_rounds=7)
        >>> run_imp(recipe, "runs/biggan-fmnist10pct-32.imp")   # ends at density 0.8^7 = 0.21
    """
    rounds = (recipe.techniques.prune_rounds if recipe.techniques is not None else 0) if rounds is None else int(rounds)
    _check_imp(recipe, rounds)
    if strategy == "multiworker":  # every worker would prune from checkpoints only the chief writes
        raise ValueError("run_imp runs on one machine (strategy 'default' or 'mirrored'); to train a ticket on "
                         "several workers, use `zoo train` with init_masks set to an IMP masks file")
    with WorkdirLock(workdir):  # a second `zoo imp` into this directory fails at once
        return _run_imp_locked(recipe, workdir, rounds, strategy, num_devices, stream)


def _run_imp_locked(recipe, workdir, rounds, strategy, num_devices, stream) -> list[dict]:
    rewind_dir = os.path.join(workdir, REWIND_DIR)
    masks_path = recipe.techniques.init_masks
    done = _rounds_done(masks_path, recipe.techniques.prune_rate)
    summary = []

    def round_train(run, round_dir, **kwargs):
        resume = bool(list_checkpoints(os.path.join(round_dir, "checkpoints")))
        return train(run, round_dir, strategy=strategy, num_devices=num_devices, resume=resume, stream=stream,
                     **kwargs)

    for k in range(rounds + 1):
        round_dir = os.path.join(workdir, f"round_{k}")
        run = recipe.replace(init_masks=masks_path)
        have_rewind = os.path.isfile(os.path.join(rewind_dir, "config.json"))
        if not have_rewind and recipe.techniques.rewind_step == 0:
            write_rewind_weights(run, rewind_dir)
        elif not have_rewind:  # round 0 up to the rewind step, snapshot, then the rest of round 0
            round_train(run, round_dir, steps=recipe.techniques.rewind_step)
            write_rewind_weights(run, rewind_dir, workdir=round_dir)
        state = round_train(run, round_dir, init_from=rewind_dir)
        task, _ = restore_task(run, round_dir)
        info = {"round": k, "workdir": round_dir, "masks": masks_path or None, "steps": state.get("step"),
                "wall_clock_s": state.get("wall_clock_s"), "losses": state.get("losses"),
                "density": {part: (1.0 if task.masks is None else task.masks[part].density())
                            for part in PARTS}}
        if k < rounds:
            new_masks = prune(trained_kernels(task), ticket_masks(task), recipe.techniques.prune_rate, done + k)
            masks_path = os.path.join(workdir, f"masks_round_{k + 1}.h5")
            save_masks(masks_path, new_masks, attrs={"round": done + k + 1, "prune_rate": recipe.techniques.prune_rate,
                                                     "rewind_step": recipe.techniques.rewind_step})
        summary.append(info)
        with open(os.path.join(workdir, SUMMARY_FILE), "w") as f:
            json.dump(summary, f, indent=2, sort_keys=True)
    return summary

