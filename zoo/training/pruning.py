"""Pruning masks of lottery tickets: which kernels are prunable, the 0/1 masks, their enforcement during
training, and one round of global magnitude pruning. The IMP search that uses them (train, prune, rewind,
repeat) is `zoo.training.imp`, above the training loop; this module sits below it.

A ticket is a pair of 0/1 masks, one per prunable kernel of G and of D. Pruning is *global* per network: all
prunable kernels of G are ranked together by |w| (likewise D's), and each round removes `prune_rate` of the
weights that are still alive, so after k rounds the density is (1 - prune_rate)^k (rounded to whole weights:
round k keeps round(N * (1 - rate)^k) of the network's N prunable weights, never more than one weight off).

Prunable (`prunable_kernels`): the kernel of every Dense, EinsumDense and convolution layer (Conv1D/2D/3D and
their transposes, depthwise / separable kernels included; SNDense / SNConv2D too: the raw kernel is pruned,
sigma(W) is then that of the pruned kernel), and every kernel a custom layer declares with a
`prunable_kernels()` method (a layer that has the method is not searched further: it decides for all its
sublayers, and `[]` keeps it dense). Not pruned: biases, normalization parameters, embeddings
(`keras.layers.Embedding`, `SNEmbedding`), the self-attention gain, and `ConditionalBatchNorm`'s class-
conditional gain / bias projections, which declare no prunable kernels. Why the projections stay dense: they
produce batch-norm scales and shifts (one per channel and class), not features, and zoo's shipped ticket
`biggan-fmnist10pct-32.lth` was found with them dense, so its masks.h5 has none for them. The reference
implementation of Chen et al. prunes every conv and linear module, including BigGAN's conditional-BN linear
projections; zoo's rule differs there and says so in the README and in the ticket's manifest.

Enforcement: each mask is a non-trainable float variable (`PruningMasks`, one layer per network, created under
the run's strategy so it is mirrored like the kernels). `add_masks` sets `kernel.constraint = w * mask` on
every prunable kernel of each trained network; Keras optimizers apply variable constraints right after every
update (`BaseOptimizer.apply`), in replica context, so the pruned weights are zero after every optimizer step
under every strategy and training mode. A network's copies without optimizer (the EMA generator) are masked by
the task after every update. The masks are in training checkpoints (`Task.checkpoint_state`) and in the
exported / published folder (`masks.h5`, `zoo.models.serialization`), whose manifest records the sparsity.

Reference: Chen, Zhang, Liu, Chang, Wang, "Data-Efficient GAN Training Beyond (Just) Augmentations: A Lottery
Ticket Perspective", NeurIPS 2021, Sec. 3.1 (IMP of G and D, 20% per round, rewinding); Chen et al., "GANs Can
Play Lottery Tickets Too", ICLR 2021; Frankle & Carbin, ICLR 2019 (IMP).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from zoo.models.parts import PARTS  # the networks a ticket masks = the groups of masks.h5
from zoo.models.serialization import weight_key

PRUNABLE_LAYERS = (keras.layers.Dense, keras.layers.EinsumDense, keras.layers.Conv1D, keras.layers.Conv2D,
                   keras.layers.Conv3D, keras.layers.Conv1DTranspose, keras.layers.Conv2DTranspose,
                   keras.layers.Conv3DTranspose)


def prunable_kernels(model) -> dict:
    """{key: kernel variable} of the kernels IMP prunes in `model`, in `model.weights` order; the key is the
    kernel's path below the model (`zoo.models.serialization.weight_key`), e.g. "block1/conv1/kernel"."""
    chosen = set()

    def walk(layer):
        for sub in layer._flatten_layers(include_self=False, recursive=False):
            declared = getattr(sub, "prunable_kernels", None)
            if callable(declared):  # a layer that declares its kernels decides for all its sublayers
                chosen.update(id(k) for k in declared())
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


# ---- a ticket on a task --------------------------------------------------------------------------------------

def add_masks(task, masks: dict | None = None) -> None:
    """Make `task` train a ticket: `task.masks = {network: PruningMasks}` for each of its trained networks in
    `PARTS` (all ones, or `masks` = {network: {kernel key: 0/1 array}}), attached to the networks' kernels and
    applied now to them and their copies (EMA). Call after `task.build`, under the task's strategy scope."""
    names = [n for n in PARTS if n in task.networks]
    task.masks = {n: PruningMasks.for_model(task.networks[n], name=f"{n}_masks") for n in names}
    if masks is not None:
        for n in names:
            task.masks[n].assign(masks[n])
    for n in names:
        task.masks[n].attach(task.networks[n])
    apply_ticket(task)


def apply_ticket(task) -> None:
    """Zero the pruned weights of the masked networks and their copies now (after copying weights in)."""
    for name, masks in (getattr(task, "masks", None) or {}).items():
        for model in [task.networks[name], *task.copies.get(name, ())]:
            masks.apply(model)


def ticket_masks(task) -> dict | None:
    """{network: {kernel key: 0/1 array}} of a ticket task, None for a dense one."""
    masks = getattr(task, "masks", None)
    return None if masks is None else {name: m.numpy() for name, m in masks.items()}


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
