"""Standing statistics: batch-norm statistics recomputed for truncated z, so truncated samples are normalised right.

A generator with batch norm normalises, at inference, by the running statistics it gathered in training, i.e.
for untruncated z. Truncated z (smaller |z|) give smaller activations, which those statistics normalise too
little: SAGAN / BigGAN images at truncation 0.25 come out near-black. BigGAN's "standing statistics" (Brock et al.
2019, Sec. 3.1 and its appendix on sampling with batch norm; BigGAN-PyTorch `utils.accumulate_standing_stats`)
recompute them for the truncation used: many forward passes with truncated noise, their batch statistics averaged.

What zoo does, for a truncation T of a generator with at least one `keras.layers.BatchNormalization` anywhere in
it (SNGAN's `GBlock`s and output BN, SAGAN / BigGAN's conditional BN and output BN, the code generator inside a
two-stage sampler; `batch_norm_layers`):

- `num_draws` forward passes (default `NUM_DRAWS` = 16, BigGAN-PyTorch's default number of accumulations) of
  `batch_size` samples (default `BATCH_SIZE` = 128) in training mode, z = the family's own
  `latents(num_draws * batch_size, seed, truncation=T)` and labels uniform over the classes from the same `seed`
  (default `SEED`, apart from the small seeds users sample with); each pass normalises by its own batch
  statistics, as in BigGAN-PyTorch. The passes run through `keras.Model.stateless_call`, so nothing of the model
  changes: not its running statistics, not its spectral-norm vectors (which advance one power iteration inside
  each pass, as in training).
- per BN layer, the standing mean and variance are the averages over the passes of the batch means and of the
  (biased) batch variances.
- they are used instead of the running statistics by reading them through a `keras.StatelessScope`
  (`StandingStatistics.scope`): the saved model, its `.keras` files and their sha256 stay as they are.

The statistics live in one `StandingStatistics` per generator (`standing_statistics(g)`), outside Keras'
attribute tracking (never saved or copied with the model), keyed by T: computed on first use of T, then reused;
deterministic for the same settings (fixed seed). `GANGenerator.sample(..., truncation=T)` uses them (opt out:
`standing_stats=False`), and so do its compiled passes (the statistics are inputs of the graph: no retracing
per seed or T), `zoo sample --truncation`, the release's truncation curve and the serving export's
`sample_truncated` signature (`zoo.export.serving`). A generator without batch norm (StyleGAN2) has no
statistics, so everything here is a no-op for it; TGANv2 has batch norm but no truncation, so it never gets here.
"""

from __future__ import annotations

import contextlib

import keras
import numpy as np
import tensorflow as tf

NUM_DRAWS = 16  # forward passes averaged (BigGAN-PyTorch's --num_standing_accumulations default)
BATCH_SIZE = 128  # samples per pass
SEED = 7919  # z and labels of the passes: a seed apart from the small ones users sample with


def batch_norm_layers(model) -> list:
    """Every `keras.layers.BatchNormalization` inside `model` (depth first, in Keras' layer order); [] for an
    object that is not a Keras layer (e.g. a test double with only `sample`)."""
    found = []
    if not isinstance(model, keras.layers.Layer):
        return found

    def walk(layer):
        for sub in layer._flatten_layers(include_self=False, recursive=False):  # Keras has no public walk
            if isinstance(sub, keras.layers.BatchNormalization):
                found.append(sub)
            else:
                walk(sub)

    walk(model)
    return found


def check_settings(truncation, num_draws, batch_size) -> tuple:
    """(T, num_draws, batch_size) as (float, int, int); ValueError naming what is wrong."""
    if truncation is None or not float(truncation) > 0:
        raise ValueError(f"standing statistics need a truncation > 0, got {truncation!r}")
    for name, value in (("num_draws", num_draws), ("batch_size", batch_size)):
        if isinstance(value, bool) or int(value) != value or int(value) < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    if int(batch_size) < 2:
        raise ValueError(f"batch_size must be >= 2 (a batch variance needs two samples), got {batch_size}")
    return float(truncation), int(num_draws), int(batch_size)


class StandingStatistics:
    """The standing statistics of one generator, per truncation T (Brock et al. 2019, Sec. 3.1 / Appendix C;
    BigGAN-PyTorch `utils.accumulate_standing_stats`; see the module docstring).

    `variables`: the running mean and variance of every BN layer, in a fixed order; `get(T)` / `compute(T, ...)`
    -> one float32 array per variable (the standing mean / variance); `scope(values)` reads them instead.

    Example:
        >>> stats = standing_statistics(g)
        >>> with stats.scope(stats.get(0.25)):
        ...     x = g.generate(g.latents(16, seed=0, truncation=0.25), labels)
    """

    def __init__(self, generator):
        self.generator = generator
        self.layers = batch_norm_layers(generator)
        self.variables = [v for layer in self.layers for v in (layer.moving_mean, layer.moving_variance)]
        self.cache = {}  # T -> {"settings": (num_draws, batch_size, seed), "values": [arrays]}
        self.steps = {}  # (conditional, truncates in call) -> tf.function of one pass

    def __bool__(self) -> bool:
        return bool(self.variables)

    def truncations(self) -> list:
        """The T whose statistics are computed, sorted."""
        return sorted(self.cache)

    def get(self, truncation) -> list:
        """The statistics of T: the cached ones (whatever settings computed them), else `compute(T)` with the
        defaults. [] for a generator without batch norm."""
        t = float(truncation)
        if t in self.cache:
            return self.cache[t]["values"]
        return self.compute(t)

    def compute(self, truncation, num_draws: int | None = None, batch_size: int | None = None,
                seed: int = SEED) -> list:
        """The statistics of T from `num_draws` passes (default `NUM_DRAWS`, read at call time) of `batch_size`
        samples (default `BATCH_SIZE`) (cached; recomputed only when the settings differ from the cached ones).
        [] for a generator without batch norm."""
        num_draws = NUM_DRAWS if num_draws is None else num_draws
        batch_size = BATCH_SIZE if batch_size is None else batch_size
        t, num_draws, batch_size = check_settings(truncation, num_draws, batch_size)
        settings = (num_draws, batch_size, int(seed))
        if not self.variables:
            return []
        if t in self.cache and self.cache[t]["settings"] == settings:
            return self.cache[t]["values"]
        g = self.generator
        truncates_in_call = g.truncates_in_call
        z = g.latents(num_draws * batch_size, seed=int(seed), truncation=t)
        labels = None
        if g.num_classes:
            labels = np.random.default_rng(int(seed)).integers(0, g.num_classes, len(z)).astype(np.int32)
        sums = [np.zeros(v.shape, np.float64) for v in self.variables]
        for i in range(num_draws):
            rows = slice(i * batch_size, (i + 1) * batch_size)
            args = [tf.constant(z[rows])]
            if labels is not None:
                args.append(tf.constant(labels[rows]))
            if truncates_in_call:
                args.append(tf.constant(t, tf.float32))
            for total, value in zip(sums, self.batch_step(labels is not None, truncates_in_call)(*args)):
                total += value.numpy()
        values = [(total / num_draws).astype(np.float32) for total in sums]
        self.cache[t] = {"settings": settings, "values": values}
        return values

    def batch_step(self, conditional: bool, truncated: bool):
        """A `tf.function(z[, labels][, truncation])` -> the batch mean and variance of every BN layer (in the
        order of `variables`) of one training-mode pass, run statelessly (the model is not changed)."""
        key = (bool(conditional), bool(truncated))
        if key not in self.steps:
            g, layers = self.generator, self.layers
            positions = {id(v): i for i, v in enumerate(g.non_trainable_variables)}
            moving = [positions[id(v)] for v in self.variables]
            momenta = [float(layer.momentum) for layer in layers for _ in range(2)]

            def step(z, *extra):
                labels = extra[0] if conditional else None
                kwargs = {"truncation": extra[-1]} if truncated else {}
                state = [tf.convert_to_tensor(v) for v in g.non_trainable_variables]
                for i in moving:  # from 0, the update m * 0 + (1 - m) * batch gives the batch statistic
                    state[i] = tf.zeros_like(state[i])
                _, new = g.stateless_call(g.trainable_variables, state, z, labels=labels, training=True, **kwargs)
                return [tf.cast(new[i], tf.float32) / (1.0 - m) for i, m in zip(moving, momenta)]

            self.steps[key] = tf.function(step, autograph=False, reduce_retracing=True)
        return self.steps[key]

    def scope(self, values):
        """A context in which the generator's BN layers read `values` (one per `variables` entry: arrays, or
        tensors inside a graph) instead of their running statistics; a plain no-op context for [] or None."""
        if not values:
            return contextlib.nullcontext()
        if len(values) != len(self.variables):
            raise ValueError(f"{type(self.generator).__name__} has {len(self.variables)} batch-norm statistics, got "
                             f"{len(values)} values; expected one per StandingStatistics.variables entry")
        return keras.StatelessScope(state_mapping=list(zip(self.variables, values)))

    def __deepcopy__(self, memo):
        """None: a copy of the generator computes its own statistics (these belong to the original's variables)."""
        return None


def standing_statistics(generator) -> StandingStatistics:
    """The generator's `StandingStatistics`, created on first use and kept on the generator outside Keras'
    attribute tracking (as `zoo.models.compiled_sampling.sampling_functions`)."""
    stats = generator.__dict__.get("_zoo_standing_statistics")
    if stats is None or stats.generator is not generator:
        stats = StandingStatistics(generator)
        object.__setattr__(generator, "_zoo_standing_statistics", stats)
    return stats
