"""Objectives: the adversarial loss and the regularizers of a task, as objects with a weight, an interval and
their own checkpointed state, applied by one assembly (`add_terms`) in every task and training mode.

A term (`Objective`) belongs to one network (`network`: whose loss it is added to) and has
- `weight`: the coefficient it is multiplied by (R1's gamma / 2, WGAN-GP's lambda, BigGAN's beta);
- `interval`: 1 = added to the network's main loss at every step; k > 1 = lazy regularization (StyleGAN2,
  Karras et al. CVPR 2020, Sec. 3.1 and Appendix B): the term gets its own update of that network every k
  steps (steps with `step % k == 0`), with weight * k, and the network's Adam is corrected by
  r = k / (k + 1): lr * r, beta_1 ** r, beta_2 ** r (`lazy_adam`), as in stylegan2-ada's training_loop.py;
- `state`: variables it owns (e.g. path-length regularization's running mean), created by `build()` under the
  run's strategy and saved in every checkpoint by the task.

`value(inputs)` computes the unweighted term from a `TermInputs` (the task's networks and this update's
tensors). The same `add_terms` builds the losses of two-stage and one-stage training, so a term written once
is covered by the one-stage exactness tests. D-side terms in one-stage training see a stop-gradient copy of the
fakes: only the adversarial term may carry gradients to G through D.

Terms are named in recipes by `kind` (`OBJECTIVES`): `make_objective({"kind": "r1", "gamma": 10.0,
"interval": 16})`. A family registers its own terms with `register_objective`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import tensorflow as tf

from zoo.layers.replica_mean import replica_mean
from zoo.losses import get_loss, gradient_penalty, orthogonal_regularization, r1_penalty
from zoo.models.parts import DISCRIMINATOR, GENERATOR
from zoo.training.randomness import StepRandomness


@dataclass
class TermInputs:
    """What a term may read during one update: the task's networks and the tensors of this update.

    Attributes:
        networks: {name: network} of the task (e.g. generator, discriminator).
        rng: the step's randomness (draw with a purpose of the term's own, e.g. `rng.seed("gp", sub)`).
        sub: index of the update within the step (the D step j of n_dis), folded into draws.
        real, labels: this update's real batch and its labels (None if unconditional).
        fake, fake_labels, z: this update's fakes (stop-gradient for D-side terms), their labels, their latents.
        batch: the whole structured batch of the step (e.g. {"images", "labels"} or {"video", ...}).
        task: the task running the update (a term may use its public methods, e.g. StyleGAN2's `mapped_ws`).
    """

    networks: dict
    rng: StepRandomness
    sub: int = 0
    real: tf.Tensor | None = None
    labels: tf.Tensor | None = None
    fake: tf.Tensor | None = None
    fake_labels: tf.Tensor | None = None
    z: tf.Tensor | None = None
    batch: dict = field(default_factory=dict)
    task: object = None


class Objective:
    """A loss or regularizer term of one network (see the module docstring).

    Args:
        weight: coefficient of the term.
        interval: 1 = every step in the main loss; k > 1 = lazy, its own update every k steps.
        network: the network whose loss the term is part of (default: the class's `network`).
    """

    kind = ""
    network = DISCRIMINATOR

    def __init__(self, weight: float = 1.0, interval: int = 1, network: str | None = None):
        if not isinstance(interval, int) or interval < 1:
            raise ValueError(f"{type(self).__name__}: interval must be an int >= 1, got {interval!r}")
        self.weight = float(weight)
        self.interval = int(interval)
        if network is not None:
            self.network = network
        self._state = {}

    @property
    def lazy(self) -> bool:
        return self.interval > 1

    def build(self) -> None:
        """Create the term's state variables (called once, under the run's strategy scope)."""

    @property
    def state(self) -> dict:
        """{name: tf.Variable} the task checkpoints for this term."""
        return self._state

    def add_state(self, name: str, initial, dtype=tf.float32) -> tf.Variable:
        """A non-trainable state variable of this term, saved in checkpoints (for `build`)."""
        variable = tf.Variable(initial, dtype=dtype, trainable=False, name=f"{self.kind}_{name}",
                               aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA)
        self._state[name] = variable
        return variable

    def value(self, inputs: TermInputs):
        raise NotImplementedError

    def config(self) -> dict:
        return {"kind": self.kind, "weight": self.weight, "interval": self.interval, "network": self.network}

    def __repr__(self):
        return f"{type(self).__name__}({self.config()})"


class AdversarialLoss:
    """The adversarial loss pair of a GAN, by name in `zoo.losses.LOSSES` (hinge, non_saturating, ...).

    `discriminator(real_logits, fake_logits)` and `generator(fake_logits)` are batch means (pure functions of
    `zoo.losses`). Reference: see each loss's docstring in `zoo.losses.adversarial`.
    """

    kind = "adversarial"

    def __init__(self, loss: str):
        self.name = loss
        self.generator, self.discriminator = get_loss(loss)

    def config(self) -> dict:
        return {"kind": self.kind, "loss": self.name}


class GradientPenalty(Objective):
    """WGAN-GP on D: weight * E[(||grad D(x_hat)||_2 - 1)^2] at random interpolates of real and fake
    (Gulrajani et al., NeurIPS 2017, Algorithm 1; lambda = 10 there). The mixing weights are the step's
    "gp" stream."""

    kind = "gradient_penalty"

    def __init__(self, weight: float, interval: int = 1):
        if interval != 1:
            raise ValueError(f"gradient_penalty interpolates the fakes of D's main update: interval must be 1, got "
                             f"{interval} (lazy phases see real data only; R1 is the lazy penalty)")
        super().__init__(weight, interval, DISCRIMINATOR)

    def value(self, inputs):
        d = inputs.networks[DISCRIMINATOR]
        return gradient_penalty(d, inputs.real, inputs.fake, inputs.labels, seed=inputs.rng.seed("gp", inputs.sub))


class R1Penalty(Objective):
    """R1 on D: gamma / 2 * E[||grad_x D(x)||^2] on real data (Mescheder et al., ICML 2018, Eq. 9; StyleGAN2
    uses it lazily, every 16 steps, Karras et al. CVPR 2020, Appendix B). `weight` = gamma / 2."""

    kind = "r1"

    def __init__(self, gamma: float, interval: int = 1):
        super().__init__(0.5 * float(gamma), interval, DISCRIMINATOR)
        self.gamma = float(gamma)

    def value(self, inputs):
        return r1_penalty(inputs.networks[DISCRIMINATOR], inputs.real, inputs.labels)

    def config(self) -> dict:
        return {"kind": self.kind, "gamma": self.gamma, "interval": self.interval}


class OrthogonalRegularization(Objective):
    """BigGAN's orthogonal regularization of G's kernels (`generator.orthogonal_kernels()`), weight = beta
    (Brock et al., ICLR 2019, Sec. 3.1, Eq. 3; beta = 1e-4)."""

    kind = "orthogonal"

    def __init__(self, weight: float, interval: int = 1):
        super().__init__(weight, interval, GENERATOR)

    def value(self, inputs):
        return orthogonal_regularization(inputs.networks[GENERATOR].orthogonal_kernels())


OBJECTIVES = {cls.kind: cls for cls in (GradientPenalty, R1Penalty, OrthogonalRegularization)}


def register_objective(cls) -> type:
    """Make a term class available to recipes by its `kind` (a family calls this for its own terms)."""
    if not cls.kind or (cls.kind in OBJECTIVES and OBJECTIVES[cls.kind] is not cls):
        raise ValueError(f"objective kind {cls.kind!r} of {cls.__name__} is empty or taken by "
                         f"{OBJECTIVES.get(cls.kind)}")
    OBJECTIVES[cls.kind] = cls
    return cls


def make_objective(spec: dict) -> Objective:
    """A term from its recipe spec {"kind": name, **constructor arguments}."""
    spec = dict(spec)
    kind = spec.pop("kind", None)
    if kind not in OBJECTIVES:
        raise ValueError(f"unknown objective kind {kind!r}; expected one of {sorted(OBJECTIVES)}")
    try:
        return OBJECTIVES[kind](**spec)
    except TypeError as e:
        raise ValueError(f"objective {kind!r}: {e}; its arguments are those of {OBJECTIVES[kind].__name__}") from e


# ---- the assembly -------------------------------------------------------------------------------------------

# The term selections are plain Python over Python objects: autograph must not rewrite their boolean operators
# (its lazy `and` inside a comprehension evaluated a term attribute against the wrong binding).
@tf.autograph.experimental.do_not_convert
def main_terms(terms, network: str) -> list:
    """The terms of `network` added to its loss at every step (interval 1), in recipe order."""
    return [t for t in terms if t.network == network and not t.lazy]


@tf.autograph.experimental.do_not_convert
def lazy_terms(terms, network: str, due) -> list:
    """The lazy terms of `network` whose interval is in `due` (the intervals due at this step)."""
    return [t for t in terms if t.network == network and t.lazy and t.interval in due]


def add_terms(loss, terms, inputs: TermInputs):
    """loss + sum of weight * value over `terms`, in order; lazy terms are weighted by weight * interval.
    The one assembly of every task and training mode."""
    for term in terms:
        weight = term.weight * term.interval if term.lazy else term.weight
        loss += weight * term.value(inputs)
    return loss


def due_intervals(terms, step: int) -> tuple:
    """Sorted intervals of the lazy terms that run at `step` (completed steps before this one):
    those with step % interval == 0."""
    return tuple(sorted({t.interval for t in terms if t.lazy and step % t.interval == 0}))


def lazy_adam(learning_rate: float, beta_1: float, beta_2: float, terms, network: str) -> tuple:
    """(lr, beta_1, beta_2) of `network`'s Adam corrected for its lazy terms: with interval k,
    r = k / (k + 1), lr * r and betas ** r (Karras et al. 2020, Appendix B). Unchanged without lazy terms."""
    intervals = {t.interval for t in terms if t.network == network and t.lazy}
    if not intervals:
        return learning_rate, beta_1, beta_2
    if len(intervals) > 1:
        raise ValueError(f"{network}'s lazy terms have different intervals {sorted(intervals)}; the Adam "
                         f"correction needs one interval per network")
    k = intervals.pop()
    r = k / (k + 1)
    return learning_rate * r, beta_1 ** r, beta_2 ** r
