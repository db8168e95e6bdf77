"""Lottery tickets for GANs: iterative magnitude pruning (IMP) of G and D with rewinding.

A ticket is a pair of 0/1 masks, one per prunable kernel of G and of D. Pruning is *global* per network: all
prunable kernels of G are ranked together by |w| (likewise D's), and each round removes `prune_rate` of the
weights that are still alive, so after k rounds the density is (1 - prune_rate)^k (rounded to whole weights:
round k keeps round(N * (1 - rate)^k) of the network's N prunable weights, never more than one weight off).
After each round the surviving weights are rewound to the weights of step `rewind_step` of the first run
(0 = the initialization) and the ticket is trained again.

Prunable: the kernels of every Dense and Conv2D layer (SNDense / SNConv2D included: the raw kernel is pruned,
sigma(W) is then that of the pruned kernel). Not pruned: biases, batch-norm parameters (including the class-
conditional gain / bias projections of `ConditionalBatchNorm`, which produce BN parameters), embeddings
(`keras.layers.Embedding`, `SNEmbedding`) and the self-attention gain.

Enforcement: each mask is a non-trainable float variable (`PruningMasks`, one layer per network, created under
the trainer's strategy so it is mirrored like the kernels). `add_masks` sets `kernel.constraint = w * mask` on
every prunable kernel of G and D; Keras optimizers apply variable constraints right after every update
(`BaseOptimizer.apply`), in replica context, so the pruned weights are zero after every optimizer step under
every strategy and training mode (two-stage, one-stage, `fit`). The EMA generator is not trained by an
optimizer: `GANTrainer.update_ema` masks it after every EMA update. The masks are in training checkpoints
(`zoo.training.checkpoint`) and in the exported / published folder (`masks.h5`, see
`zoo.models.serialization`), whose manifest records the sparsity.

Pipeline (`run_imp`, CLI `zoo imp RECIPE`):
    <workdir>/rewind/              raw G + D at `rewind_step` (the weights every round starts from)
    <workdir>/round_0/             a `zoo train` work dir: the dense run (or `init_masks`' ticket)
    <workdir>/masks_round_1.h5     masks after pruning round 0's trained G and D
    <workdir>/round_1/             the ticket of density 0.8 trained from the rewound weights ...
    <workdir>/round_<R>/export/    the final ticket (density 0.8^R), with masks.h5; R = prune_rounds
    <workdir>/imp.json             per round: density, steps, wall clock, losses

Reference: Chen, Zhang, Liu, Chang, Wang, "Data-Efficient GAN Training Beyond (Just) Augmentations: A Lottery
Ticket Perspective", NeurIPS 2021, Sec. 3.1 (IMP of G and D, 20% per round, rewinding); Chen et al., "GANs Can
Play Lottery Tickets Too", ICLR 2021; Frankle & Carbin, ICLR 2019 (IMP); Frankle et al., ICML 2020
(rewinding to an early step).
"""

from __future__ import annotations

import json
import math
import os

import keras
import numpy as np
import tensorflow as tf

from zoo.layers.conditional_batch_norm import ConditionalBatchNorm
from zoo.models.serialization import load_masks, masks_sparsity, save_masks, save_model_files, weight_key

PARTS = ("generator", "discriminator")
PRUNABLE_LAYERS = (keras.layers.Dense, keras.layers.Conv2D)
NOT_PRUNED_INSIDE = (ConditionalBatchNorm,)  # their Dense layers produce batch-norm gains and biases
REWIND_DIR = "rewind"
SUMMARY_FILE = "imp.json"


def prunable_kernels(model) -> dict:
    """{key: kernel variable} of the kernels IMP prunes in `model`, in `model.weights` order; the key is the
    kernel's path below the model (`zoo.models.serialization.weight_key`), e.g. "block1/conv1/kernel"."""
    chosen = set()

    def walk(layer):
        for sub in layer._flatten_layers(include_self=False, recursive=False):
            if isinstance(sub, NOT_PRUNED_INSIDE):
                continue
            if isinstance(sub, PRUNABLE_LAYERS):
                chosen.add(id(sub.kernel))
            walk(sub)

    walk(model)
    kernels = {weight_key(v): v for v in model.weights if id(v) in chosen}
    if len(kernels) != len(chosen):
        raise ValueError(f"{type(model).__name__}: prunable kernels do not have unique paths; expected one "
                         f"kernel per layer path")
    return kernels


class MaskConstraint(keras.constraints.Constraint):
    """Kernel constraint w -> inner(w) * mask, applied by Keras optimizers after every update.

    Args:
        mask: the 0/1 mask variable (same shape as the kernel).
        inner: a constraint the kernel already had (applied first), or None.

    Example:
        >>> kernel.constraint = MaskConstraint(mask)

    Reference: Chen et al., NeurIPS 2021, Sec. 3.1 (masked weights m * theta during training).
    """

    def __init__(self, mask, inner=None):
        self.mask = mask
        self.inner = inner

    def __call__(self, w):
        w = w if self.inner is None else self.inner(w)
        return w * tf.cast(self.mask, w.dtype)


class PruningMasks(keras.layers.Layer):
    """The 0/1 masks of one network's prunable kernels, as non-trainable float variables (a lottery ticket).

    Build it with `PruningMasks.for_model(model)` under the strategy that holds the model. It is not part of
    the network: it only owns the mask variables, so that checkpoints and exports save them.

    Args:
        shapes: {kernel key: kernel shape}, as `prunable_kernels(model)` gives them.
        **kwargs: Layer arguments (e.g. `name`).

    Example:
        >>> masks = PruningMasks.for_model(generator, name="generator_masks")
        >>> masks.assign(global_magnitude_masks(weights, masks.numpy(), keep=1000)); masks.apply(generator)

    Reference: Chen et al., "Data-Efficient GAN Training Beyond (Just) Augmentations: A Lottery Ticket
    Perspective", NeurIPS 2021, Sec. 3.1; Frankle & Carbin, ICLR 2019, Sec. 2.
    """

    def __init__(self, shapes: dict, **kwargs):
        super().__init__(trainable=False, **kwargs)
        self.kernel_keys = tuple(shapes)
        self.mask_variables = [self.add_weight(shape=tuple(shape), initializer="ones", trainable=False,
                                               name=f"mask_{i}") for i, shape in enumerate(shapes.values())]
        self.built = True

    @classmethod
    def for_model(cls, model, **kwargs) -> "PruningMasks":
        return cls({key: tuple(v.shape) for key, v in prunable_kernels(model).items()}, **kwargs)

    def _pairs(self, model):
        kernels = prunable_kernels(model)
        if tuple(kernels) != self.kernel_keys:
            raise ValueError(f"{self.name}: {type(model).__name__} has prunable kernels {list(kernels)[:3]}..., "
                             f"expected {list(self.kernel_keys)[:3]}... (masks of another architecture)")
        return list(zip(kernels.values(), self.mask_variables))

    def numpy(self) -> dict:
        """{kernel key: float32 0/1 array}."""
        return {key: np.asarray(m.numpy(), np.float32) for key, m in zip(self.kernel_keys, self.mask_variables)}

    def assign(self, masks: dict) -> None:
        """Set every mask from {kernel key: 0/1 array} (cross-replica context); the keys must match exactly."""
        if set(masks) != set(self.kernel_keys):
            missing, extra = sorted(set(self.kernel_keys) - set(masks)), sorted(set(masks) - set(self.kernel_keys))
            raise ValueError(f"{self.name}: masks do not match the network's prunable kernels (missing {missing}, "
                             f"unexpected {extra})")
        for key, variable in zip(self.kernel_keys, self.mask_variables):
            value = np.asarray(masks[key], np.float32)
            if value.shape != tuple(variable.shape) or not np.isin(value, (0.0, 1.0)).all():
                raise ValueError(f"{self.name}: mask {key!r} must be 0/1 of shape {tuple(variable.shape)}, got "
                                 f"shape {value.shape}")
            variable.assign(value)

    def counts(self) -> tuple[int, int]:
        """(weights kept, prunable weights)."""
        kept = sum(int(np.sum(m)) for m in self.numpy().values())
        return kept, sum(int(np.prod(v.shape)) for v in self.mask_variables)

    def density(self) -> float:
        kept, total = self.counts()
        return kept / total

    def apply(self, model) -> None:
        """kernel <- kernel * mask for every prunable kernel of `model` (any context, any strategy)."""
        for kernel, mask in self._pairs(model):
            kernel.assign(kernel * tf.cast(mask, kernel.dtype))

    def attach(self, model) -> None:
        """Enforce the masks after every optimizer step of `model`: `MaskConstraint` on its prunable kernels."""
        for kernel, mask in self._pairs(model):
            inner = kernel.constraint.inner if isinstance(kernel.constraint, MaskConstraint) else kernel.constraint
            kernel.constraint = MaskConstraint(mask, inner)


# ---- a ticket on a GANTrainer ------------------------------------------------------------------------------

def add_masks(trainer, masks: dict | None = None) -> None:
    """Make `trainer` train a ticket: `trainer.masks = {"generator", "discriminator"}` PruningMasks (all ones,
    or `masks` = {part: {kernel key: 0/1 array}}), attached to G's and D's kernels and applied now to G, EMA G
    and D. Call after `trainer.build_all`, under the trainer's strategy scope."""
    trainer.masks = {part: PruningMasks.for_model(getattr(trainer, part), name=f"{part}_masks") for part in PARTS}
    if masks is not None:
        for part in PARTS:
            trainer.masks[part].assign(masks[part])
    for part in PARTS:
        trainer.masks[part].attach(getattr(trainer, part))
    apply_ticket(trainer)


def apply_ticket(trainer) -> None:
    """Zero the pruned weights of G, EMA G and D now (after copying weights in, e.g. when rewinding)."""
    if getattr(trainer, "masks", None) is None:
        return
    trainer.masks["generator"].apply(trainer.generator)
    trainer.masks["generator"].apply(trainer.ema_generator)
    trainer.masks["discriminator"].apply(trainer.discriminator)


def ticket_masks(trainer) -> dict | None:
    """{part: {kernel key: 0/1 array}} of a ticket trainer, None for a dense one."""
    masks = getattr(trainer, "masks", None)
    return None if masks is None else {part: masks[part].numpy() for part in PARTS}


# ---- pruning -------------------------------------------------------------------------------------------------

def imp_keep(total: int, rate: float, rounds: int) -> int:
    """Weights kept after `rounds` IMP rounds of `rate`: round(total * (1 - rate)^rounds)."""
    return int(round(total * (1.0 - rate) ** rounds))


def global_magnitude_masks(weights: dict, masks: dict | None, keep: int) -> dict:
    """New masks keeping the `keep` largest-|w| weights among the surviving ones of all kernels together.

    Args:
        weights: {key: array} of one network's prunable kernels.
        masks: {key: 0/1 array} of the current ticket (None = dense); pruned weights stay pruned.
        keep: how many weights survive in all (at most the number alive now).

    Ties in |w| are broken by position (deterministic). Returns {key: float32 0/1 array}.
    """
    keys = list(weights)
    magnitude = np.concatenate([np.abs(np.asarray(weights[k], np.float64)).ravel() for k in keys])
    alive = (np.ones(magnitude.shape, bool) if masks is None
             else np.concatenate([np.asarray(masks[k]).ravel() > 0 for k in keys]))
    if not 0 <= keep <= int(alive.sum()):
        raise ValueError(f"cannot keep {keep} weights: {int(alive.sum())} of {alive.size} are alive")
    order = np.argsort(-np.where(alive, magnitude, -1.0), kind="stable")  # alive by |w| descending, then pruned
    flat = np.zeros(magnitude.shape, np.float32)
    flat[order[:keep]] = 1.0
    out, start = {}, 0
    for k in keys:
        size = int(np.size(weights[k]))
        out[k] = flat[start:start + size].reshape(np.shape(weights[k]))
        start += size
    return out


def prune(weights: dict, masks: dict | None, rate: float, rounds_done: int) -> dict:
    """One IMP round for G and D: {part: masks} keeping round(N_part * (1 - rate)^(rounds_done + 1)) weights
    of each part, chosen by global magnitude among the part's surviving weights."""
    out = {}
    for part in PARTS:
        total = sum(int(np.size(w)) for w in weights[part].values())
        out[part] = global_magnitude_masks(weights[part], None if masks is None else masks[part],
                                           imp_keep(total, rate, rounds_done + 1))
    return out


# ---- the IMP pipeline ------------------------------------------------------------------------------------

def _image_shape(recipe) -> tuple:
    from zoo.models import build_from_preset

    g, _ = build_from_preset(recipe.family, recipe.preset, generator=recipe.generator_overrides,
                             discriminator=recipe.discriminator_overrides)
    return tuple(g.image_shape)


def restore_trainer(recipe, workdir: str):
    """A trainer of `recipe` (default strategy) holding the latest checkpoint of `workdir` (raw G, EMA G, D,
    masks)."""
    from zoo.training.checkpoint import make_checkpoint
    from zoo.training.loop import build_trainer

    latest = tf.train.latest_checkpoint(os.path.join(workdir, "checkpoints"))
    if latest is None:
        raise FileNotFoundError(f"{workdir}/checkpoints holds no checkpoint; expected a trained round")
    trainer = build_trainer(recipe, tf.distribute.get_strategy(), _image_shape(recipe))
    make_checkpoint(trainer).restore(latest).assert_consumed()
    return trainer


def trained_kernels(trainer) -> dict:
    """{part: {kernel key: array}} of the raw (not EMA) G and D kernels, the weights IMP ranks."""
    return {part: {k: v.numpy() for k, v in prunable_kernels(getattr(trainer, part)).items()} for part in PARTS}


def write_rewind_weights(recipe, directory: str, workdir: str | None = None) -> str:
    """Save the weights rounds are rewound to into `directory` (model-folder layout, raw G + D): with
    `workdir`, those of its latest checkpoint; else the initialization of `recipe.seed` (what `train` builds)."""
    from zoo.training.loop import build_trainer

    if workdir is not None:
        trainer = restore_trainer(recipe, workdir)
        if int(trainer.step.numpy()) != recipe.rewind_step:
            raise ValueError(f"{workdir} is at step {int(trainer.step.numpy())}, not at rewind_step "
                             f"{recipe.rewind_step}; expected a run stopped at the rewind step (start a new workdir)")
    else:
        keras.utils.set_random_seed(recipe.seed)
        trainer = build_trainer(recipe.replace(init_masks=""), tf.distribute.get_strategy(), _image_shape(recipe))
    save_model_files(directory, trainer.generator, trainer.discriminator)
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
    if rounds < 1:
        raise ValueError(f"IMP needs prune_rounds >= 1, got {rounds}; set prune_rounds in the recipe or pass rounds")
    if not 0.0 < recipe.prune_rate < 1.0:
        raise ValueError(f"prune_rate must be in (0, 1), got {recipe.prune_rate}")
    if not 0 <= recipe.rewind_step < recipe.steps:
        raise ValueError(f"rewind_step must be in [0, steps={recipe.steps}), got {recipe.rewind_step}")


def run_imp(recipe, workdir: str, *, rounds: int | None = None, strategy: str = "default", num_devices: int = 2,
            stream=None) -> list[dict]:
    """Iterative magnitude pruning of `recipe`'s G and D: train, prune, rewind, repeat; returns per-round info.

    Round k (k = 0 .. R, R = `rounds` or `recipe.prune_rounds`) trains `recipe` in `<workdir>/round_<k>` with
    the masks of round k-1 (round 0: dense, or `recipe.init_masks`), starting from the rewind weights
    (`<workdir>/rewind`: the initialization, or step `recipe.rewind_step` of round 0). After rounds 0 .. R-1
    the trained raw G and D are pruned by global magnitude (`recipe.prune_rate` of the remaining weights of
    each network) into `<workdir>/masks_round_<k+1>.h5`. Round R's `export/` is the final ticket.
    Each round is an ordinary `zoo train` work dir, so an interrupted pipeline continues where it stopped
    when called again (finished rounds are only re-read). Optimizer states start fresh in every round.
    Strategies: default and mirrored (multiworker only through `zoo train` with `init_masks`).

    Example:
        >>> recipe = load_recipe("recipes/biggan_fmnist32.py").replace(dataset="fmnist10pct", prune_rounds=7)
        >>> run_imp(recipe, "runs/biggan-fmnist10pct-32.imp")   # ends at density 0.8^7 = 0.21
    """
    from zoo.training.loop import train

    rounds = recipe.prune_rounds if rounds is None else int(rounds)
    _check_imp(recipe, rounds)
    if strategy == "multiworker":  # every worker would prune from checkpoints only the chief writes
        raise ValueError("run_imp runs on one machine (strategy 'default' or 'mirrored'); to train a ticket on "
                         "several workers, use `zoo train` with init_masks set to an IMP masks file")
    os.makedirs(workdir, exist_ok=True)
    rewind_dir = os.path.join(workdir, REWIND_DIR)
    masks_path = recipe.init_masks
    done = _rounds_done(masks_path, recipe.prune_rate)
    summary = []

    def round_train(run, round_dir, **kwargs):
        resume = tf.train.latest_checkpoint(os.path.join(round_dir, "checkpoints")) is not None
        return train(run, round_dir, strategy=strategy, num_devices=num_devices, resume=resume, stream=stream,
                     **kwargs)

    for k in range(rounds + 1):
        round_dir = os.path.join(workdir, f"round_{k}")
        run = recipe.replace(init_masks=masks_path)
        have_rewind = os.path.isfile(os.path.join(rewind_dir, "config.json"))
        if not have_rewind and recipe.rewind_step == 0:
            write_rewind_weights(run, rewind_dir)
        elif not have_rewind:  # round 0 up to the rewind step, snapshot, then the rest of round 0
            round_train(run, round_dir, steps=recipe.rewind_step)
            write_rewind_weights(run, rewind_dir, workdir=round_dir)
        state = round_train(run, round_dir, init_from=rewind_dir)
        trainer = restore_trainer(run, round_dir)
        info = {"round": k, "workdir": round_dir, "masks": masks_path or None, "steps": state.get("step"),
                "wall_clock_s": state.get("wall_clock_s"), "losses": state.get("losses"),
                "density": {part: (1.0 if trainer.masks is None else trainer.masks[part].density())
                            for part in PARTS}}
        if k < rounds:
            new_masks = prune(trained_kernels(trainer), ticket_masks(trainer), recipe.prune_rate, done + k)
            masks_path = os.path.join(workdir, f"masks_round_{k + 1}.h5")
            save_masks(masks_path, new_masks, attrs={"round": done + k + 1, "prune_rate": recipe.prune_rate,
                                                     "rewind_step": recipe.rewind_step})
        summary.append(info)
        with open(os.path.join(workdir, SUMMARY_FILE), "w") as f:
            json.dump(summary, f, indent=2, sort_keys=True)
    return summary

