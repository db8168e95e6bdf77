"""Fine-tuning: starting a run from a model folder's weights (`init_from_folder`) and freezing the lowest blocks
of the discriminator (FreezeD, `freeze_lowest_blocks`), as the recipe's `finetune` section says.

A published name or `hf://org/name@revision` is resolved to its sha256-verified folder by the application
layer (`zoo train`), which passes the folder to `zoo.training.loop.train(init_from=...)`: training never
reaches the Hub itself.
"""

from __future__ import annotations

import os

from zoo.models.parts import DISCRIMINATOR, GENERATOR
from zoo.models.serialization import load_model_files

EMA_GENERATOR = "ema_generator"
INIT_PARTS = (GENERATOR, EMA_GENERATOR, DISCRIMINATOR)


def freeze_lowest_blocks(discriminator, num_blocks: int) -> list:
    """Make D's `num_blocks` lowest blocks (`GANDiscriminator.input_blocks`, from the input up) untrainable, so
    that they keep their initial (pretrained) weights: their variables leave `trainable_variables`, get no
    optimizer slots and no updates. Call once D is built (a block may create layers in its build) and before
    its optimizer is built (`Task.freeze_discriminator`). Returns the frozen layers.

    Reference: Mo, Cho and Shin, "Freeze the Discriminator: a Simple Baseline for Fine-Tuning GANs", CVPR AI for
    Content Creation Workshop 2020, Sec. 3 (freezing the lower layers of D, fine-tuning the upper ones)."""
    num_blocks = int(num_blocks)
    if num_blocks <= 0:
        return []
    blocks = discriminator.input_blocks()
    if num_blocks >= len(blocks):
        raise ValueError(f"freeze_d = {num_blocks}: {type(discriminator).__name__} has {len(blocks)} blocks from "
                         f"the input up; freezing all of them leaves only its head to train (expected "
                         f"0 <= freeze_d < {len(blocks)})")
    frozen = [layer for block in blocks[:num_blocks] for layer in block]
    for layer in frozen:
        layer.trainable = False
    return frozen


def init_from_folder(task, folder: str, parts=None) -> list:
    """Copy the weights of a model folder (`zoo.models.serialization` layout: a published model, a work dir's
    export, the rewind weights of a lottery-ticket run) into the task's networks named by `parts`:
    "generator" (the trained G), "ema_generator" (its EMA copies) and "discriminator" (every published part
    that names one of the task's networks goes into that network: e.g. the autoencoder task's "autoencoder").
    A published folder's generator is the EMA generator of its run, so "generator" and "ema_generator" both
    start from it. `parts=None`: every network and its copies. Returns the parts copied."""
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"init_from {folder}: not a model folder; expected a folder written by "
                                f"save_model_files (a published model, a work dir's export/, an IMP rewind/); a "
                                f"published name or hf:// id is resolved to its verified folder by `zoo train`")
    if parts is None:
        parts = (*task.networks, EMA_GENERATOR)
    unknown = [p for p in parts if p not in (*INIT_PARTS, *task.networks)]
    if unknown:
        raise ValueError(f"init_parts {unknown} name no part of this task; expected some of "
                         f"{sorted({*INIT_PARTS, *task.networks})}")
    copied = []
    for part, network in task.networks.items():
        targets = ([network] if part in parts else []) + (
            list(task.copies.get(part, ())) if (EMA_GENERATOR if part == GENERATOR else part) in parts else [])
        if not targets:
            continue
        src = load_model_files(folder, part)
        for dst in targets:
            src_shapes = [tuple(v.shape) for v in src.weights]
            dst_shapes = [tuple(v.shape) for v in dst.weights]
            if src_shapes != dst_shapes:
                raise ValueError(f"init_from {folder}: its {type(src).__name__} does not match the recipe's "
                                 f"architecture ({len(src_shapes)} weights vs {len(dst_shapes)}; first difference "
                                 f"{next(((a, b) for a, b in zip(src_shapes, dst_shapes) if a != b), None)})")
            dst.set_weights(src.get_weights())
        copied.append(part)
    return copied
