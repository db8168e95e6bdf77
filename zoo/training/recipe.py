"""The recipe type: one frozen dataclass holds every hyperparameter of a run."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TrainRecipe:
    """Every setting of one training run. A recipe file under `recipes/` defines `RECIPE = TrainRecipe(...)`
    with every field written out, and a module docstring saying what it reproduces.

    Args:
        name: the published model name, `<arch>-<dataset>-<res>[.<tag>]`.
        family, preset: architecture family and named size (`zoo.models.build_from_preset`).
        generator_overrides, discriminator_overrides: config entries replacing the preset's.
        dataset, split: `zoo.data.load_arrays(dataset, split)`.
        loss: adversarial loss name (`zoo.losses.LOSSES`).
        batch_size: global batch of one discriminator / generator update (all replicas).
        n_dis: discriminator updates per generator update.
        steps: generator updates of the full run.
        g_lr, d_lr, beta_1, beta_2: Adam settings of G and D (separate learning rates = TTUR).
        ema_decay, ema_start: EMA of G's weights.
        gp_lambda, r1_gamma: gradient penalties (0 = off).
        ortho_reg: BigGAN orthogonal regularization coefficient on G (0 = off; paper 1e-4).
        prune_rounds: lottery-ticket IMP rounds R run by `zoo imp` (`zoo.training.imp.run_imp`):
            the dense run, then R rounds of prune / rewind / train, ending with a ticket of density
            (1 - prune_rate)^R in G and in D (0 = dense training; `zoo train` ignores it).
        prune_rate: fraction of the remaining prunable weights (conv / dense kernels) of G and of D removed per
            IMP round by global magnitude (paper: 0.2).
        rewind_step: step of the first run whose weights every IMP round restarts from (0 = the
            initialization; must be < steps).
        init_masks: path of a masks.h5 (an IMP work dir's masks_round_<k>.h5 or a published ticket's): train
            that ticket, its pruned weights kept at zero in G, EMA G and D ("" = dense).
        seed: seed of data order, latents and initialization.
        checkpoint_every, sample_every, log_every: intervals in steps.
        keep_checkpoints: how many checkpoints to keep.
        diffaugment: DiffAugment policy applied to real and fake images before D, e.g.
            "color,translation,cutout" ("" = none; `zoo.augment.diffaugment`).
        deterministic: enable TF op determinism (bit-identical resume).
        jit_compile: XLA-compile the step function.
        training_mode: "two_stage" (alternating D and G updates) or "one_stage" (both updates from one
            forward/backward pass, OSGAN; needs n_dis = 1; see `zoo.training.one_stage` for where it is exact).
        advaug_d_steps, advaug_d_step_size, advaug_d_radius: AdvAug on D's penultimate features: PGD steps
            (0 = off), step size and L-infinity radius (`zoo.augment.advaug`; reference code: 1 step of 0.01).
        advaug_g_steps, advaug_g_step_size, advaug_g_radius: the same on G's first-layer output.
        task: the training task (`zoo.training.tasks.TASKS`): "gan" = `zoo.training.gan_task.GANTask`.
        objective: regularizer terms as specs {"kind": name, ...} (`zoo.training.objectives.OBJECTIVES`), e.g.
            ({"kind": "r1", "gamma": 10.0, "interval": 16},): lazy R1 with the Adam correction. Added after
            the adversarial loss, before the terms of gp_lambda / r1_gamma / ortho_reg.
        optimizers: per-network Adam settings {network: {"lr", "beta_1", "beta_2"}} replacing the classic
            g_lr / d_lr / beta_1 / beta_2 for that network ({} = the classic fields).
    """

    name: str
    family: str
    preset: str
    dataset: str
    split: str
    loss: str
    batch_size: int
    n_dis: int
    steps: int
    g_lr: float
    d_lr: float
    beta_1: float
    beta_2: float
    ema_decay: float
    ema_start: int
    seed: int
    checkpoint_every: int
    sample_every: int
    log_every: int
    gp_lambda: float = 0.0
    r1_gamma: float = 0.0
    ortho_reg: float = 0.0
    prune_rounds: int = 0
    prune_rate: float = 0.2
    rewind_step: int = 0
    init_masks: str = ""
    keep_checkpoints: int = 3
    diffaugment: str = ""
    deterministic: bool = True
    jit_compile: bool = False
    training_mode: str = "two_stage"
    advaug_d_steps: int = 0
    advaug_d_step_size: float = 0.01
    advaug_d_radius: float = 0.01
    advaug_g_steps: int = 0
    advaug_g_step_size: float = 0.01
    advaug_g_radius: float = 0.01
    generator_overrides: dict = field(default_factory=dict)
    discriminator_overrides: dict = field(default_factory=dict)
    task: str = "gan"
    objective: tuple = ()
    optimizers: dict = field(default_factory=dict)

    def optimizer_settings(self, network: str) -> dict:
        """{"lr", "beta_1", "beta_2"} of one network's Adam: `optimizers[network]` where given, else the
        classic fields (g_lr / d_lr with the shared betas)."""
        classic = {"generator": self.g_lr, "discriminator": self.d_lr}
        base = {"lr": classic.get(network), "beta_1": self.beta_1, "beta_2": self.beta_2}
        settings = {**base, **self.optimizers.get(network, {})}
        unknown = sorted(set(settings) - set(base))
        if unknown or settings["lr"] is None:
            raise ValueError(f"recipe {self.name!r}: optimizers[{network!r}] = {self.optimizers.get(network)}; "
                             f"expected keys lr, beta_1, beta_2 (unknown: {unknown})")
        return settings

    def replace(self, **changes) -> "TrainRecipe":
        return dataclasses.replace(self, **changes)

    def smoke(self, channels: int = 16, **model_overrides) -> "TrainRecipe":
        """A tiny version of this run for tests: the same code path, a few steps, `channels` (the families'
        `channels` argument: the width for SNGAN, the base width multiplied per block for SAGAN / BigGAN) and
        any further `model_overrides` (e.g. image_channels=1) in both the generator's and the
        discriminator's config."""
        tiny = {**model_overrides, "channels": channels}
        return self.replace(
            steps=4, batch_size=4, checkpoint_every=2, sample_every=2, log_every=1, ema_start=0,
            rewind_step=min(self.rewind_step, 2),
            generator_overrides={**self.generator_overrides, **tiny},
            discriminator_overrides={**self.discriminator_overrides, **tiny},
        )

    @classmethod
    def defaults(cls) -> dict:
        """{field: default} of the fields that have one (fields added later compare as their default)."""
        return {f.name: (f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default)
                for f in dataclasses.fields(cls)
                if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING}

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def load_recipe(path: str, smoke: bool = False) -> TrainRecipe:
    """Import `RECIPE` from a recipe file (by path); `smoke=True` returns its `smoke()` variant."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"recipe file not found: {path}")
    spec = importlib.util.spec_from_file_location(f"zoo_recipe_{os.path.basename(path)[:-3]}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    recipe = getattr(module, "RECIPE", None)
    if not isinstance(recipe, TrainRecipe):
        raise ValueError(f"{path} must define RECIPE = zoo.training.TrainRecipe(...)")
    if smoke:
        return module.smoke() if hasattr(module, "smoke") else recipe.smoke()
    return recipe
