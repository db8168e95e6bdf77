"""The recipe type: the whole truth about one training run, in nested sections.

    TrainRecipe(name, model=ModelSpec(...), data=DataSpec(...), optimizers={network: OptimizerSpec(...)},
                objective=({"kind": ..., ...}, ...), task=TaskSpec(...), techniques=TechniquesSpec(...),
                run=RunSpec(...))

- `model`: the family, its named preset and config overrides of its networks;
- `data`: dataset, split and global batch;
- `optimizers`: one Adam per network, each with its own learning rate and betas;
- `objective`: the regularizer terms (`zoo.training.objectives`), each a {"kind": ..., ...} spec with its
  weight and interval;
- `task`: which task trains the networks (`zoo.training.tasks.TASKS`) and its settings (the adversarial loss,
  n_dis, the EMA);
- `techniques`: DiffAugment, AdvAug, one-stage training, lottery tickets;
- `run`: steps, seed, intervals of checkpoints / samples / logs, determinism.

Every field name is unique across the sections, so `recipe.replace(n_dis=3, lr=...)` is not allowed but
`recipe.replace(n_dis=3, steps=10)` is: a flat name is routed to the one section that has it; sections
themselves (`optimizers=...`, `objective=...`) are replaced whole. A misspelt or unknown name, a wrong type or
a value out of range raises `RecipeError` naming the field, the value and what is accepted (close names for a
typo). `validate()` also checks the names a run needs (family, preset, loss, dataset, task, objective kinds)
before anything is built.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib.util
import os
from dataclasses import dataclass, field


class RecipeError(ValueError):
    """A recipe field with a wrong name, type or value; the message is one line naming all three."""


def _close(name: str, known) -> str:
    near = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    return f"did you mean {' or '.join(repr(n) for n in near)}?" if near else f"known: {', '.join(sorted(known))}"


_TYPES = {"str": str, "int": int, "float": (int, float), "bool": bool, "dict": dict, "tuple": (tuple, list)}


class _Section:
    """Type checks of a section's fields (annotations name the accepted type) and a flat `replace`."""

    def __post_init__(self):
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            accepted = _TYPES.get(str(f.type).split(" ")[0].split("[")[0])
            if accepted is None:
                continue
            bad = (isinstance(value, bool) and accepted in (int, (int, float))) or not isinstance(value, accepted)
            if bad:
                raise RecipeError(f"{type(self).__name__}.{f.name} = {value!r} ({type(value).__name__}); expected "
                                  f"{f.type}")
        self.check()

    def check(self) -> None:
        """Range checks of the section (overridden)."""

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)


def _positive(section, *names):
    for name in names:
        value = getattr(section, name)
        if not value > 0:
            raise RecipeError(f"{type(section).__name__}.{name} = {value!r}; expected a positive number")


@dataclass(frozen=True)
class ModelSpec(_Section):
    """family, preset: architecture family and named size (`zoo.models.build_from_preset`);
    generator_overrides, discriminator_overrides: config entries replacing the preset's."""

    family: str
    preset: str
    generator_overrides: dict = field(default_factory=dict)
    discriminator_overrides: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DataSpec(_Section):
    """dataset, split: `zoo.data.load_arrays(dataset, split)`; batch_size: global batch of one update (all
    replicas; a D update with n_dis > 1 takes its own batch of this size).
    codes_from: a stage-1 autoencoder folder (the `export/` of an "autoencoder" run): the run trains on the
    codes its encoder gives the dataset's images, normalised per channel (the float-code pipeline,
    `zoo.training.code_data`; the "latent_gan" task); "" = train on the data itself. code_scale: codes are
    normalised to (code - mean) / (code_scale * std), clipped to [-1, 1]
    (`zoo.models.latent2s.code_normalization`)."""

    dataset: str
    split: str
    batch_size: int
    codes_from: str = ""
    code_scale: float = 3.0

    def check(self):
        _positive(self, "batch_size", "code_scale")


@dataclass(frozen=True)
class OptimizerSpec(_Section):
    """One network's Adam: learning rate and betas (before the lazy-regularization correction);
    lr_decay_steps: 0 = constant lr, k > 0 = linear decay from lr to 0 over the network's first k updates (then
    0), as TGANv2's `LinearShift` of Adam's alpha."""

    lr: float
    beta_1: float
    beta_2: float
    lr_decay_steps: int = 0

    def check(self):
        _positive(self, "lr")
        if self.lr_decay_steps < 0:
            raise RecipeError(f"OptimizerSpec.lr_decay_steps = {self.lr_decay_steps!r}; expected >= 0")
        for name in ("beta_1", "beta_2"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise RecipeError(f"OptimizerSpec.{name} = {getattr(self, name)!r}; expected a value in [0, 1)")


@dataclass(frozen=True)
class TaskSpec(_Section):
    """kind: the task (`zoo.training.tasks.TASKS`, "gan" = `GANTask`, "stylegan2" = `StyleGAN2Task`, "tganv2" =
    `TGANv2Task`: one discriminator per level, each with the "discriminator" optimizer settings); loss:
    adversarial loss name (`zoo.losses.LOSSES`); n_dis: D updates per G update; ema_decay, ema_start: EMA of G's
    weights (decay 0 = copy while step <= ema_start); ema_kimg, ema_rampup: EMA by half-life in thousands of
    images instead (0 = use ema_decay), ramped up to ema_rampup x images seen (0 = no ramp-up); style_mixing:
    probability of style mixing (the stylegan2 task only).
    The "autoencoder" task (stage 1 of the two-stage latent GAN, `zoo.training.autoencoder_task`) minimises
    l1_weight x L1 + ssim_weight x (1 - SSIM) + adversarial_weight x the patch discriminator's G loss (`loss`),
    the adversarial terms (and D's updates) from step adversarial_start on; other tasks refuse non-default
    values of these four fields."""

    loss: str
    n_dis: int
    ema_decay: float
    ema_start: int
    kind: str = "gan"
    ema_kimg: float = 0.0
    ema_rampup: float = 0.0
    style_mixing: float = 0.0
    l1_weight: float = 1.0
    ssim_weight: float = 0.0
    adversarial_weight: float = 0.0
    adversarial_start: int = 0

    def check(self):
        _positive(self, "n_dis")
        for name in ("ema_kimg", "ema_rampup", "l1_weight", "ssim_weight", "adversarial_weight",
                     "adversarial_start"):
            if getattr(self, name) < 0:
                raise RecipeError(f"TaskSpec.{name} = {getattr(self, name)!r}; expected >= 0")
        if not 0.0 <= self.style_mixing <= 1.0:
            raise RecipeError(f"TaskSpec.style_mixing = {self.style_mixing!r}; expected a probability in [0, 1]")
        if not 0.0 <= self.ema_decay <= 1.0:
            raise RecipeError(f"TaskSpec.ema_decay = {self.ema_decay!r}; expected a value in [0, 1]")


@dataclass(frozen=True)
class TechniquesSpec(_Section):
    """Efficiency techniques.

    diffaugment: DiffAugment policy on real and fake before D, e.g. "color,translation,cutout" ("" = none).
    training_mode: "two_stage" (alternating D and G updates) or "one_stage" (OSGAN; n_dis = 1).
    advaug_d_steps, advaug_d_step_size, advaug_d_radius: AdvAug on D's penultimate features: PGD steps (0 = off),
        step size and L-infinity radius (`zoo.augment.advaug`; reference code: 1 step of 0.01).
    advaug_g_steps, advaug_g_step_size, advaug_g_radius: the same on G's first-layer output.
    prune_rounds: lottery-ticket IMP rounds run by `zoo imp` (`zoo.training.imp.run_imp`; 0 = dense; `zoo train`
        ignores it). prune_rate: fraction of the remaining prunable weights removed per round (paper: 0.2).
    rewind_step: the step IMP rounds rewind to (0 = initialization). init_masks: a masks.h5 to train that
        ticket ("" = dense).
    """

    diffaugment: str = ""
    training_mode: str = "two_stage"
    advaug_d_steps: int = 0
    advaug_d_step_size: float = 0.01
    advaug_d_radius: float = 0.01
    advaug_g_steps: int = 0
    advaug_g_step_size: float = 0.01
    advaug_g_radius: float = 0.01
    prune_rounds: int = 0
    prune_rate: float = 0.2
    rewind_step: int = 0
    init_masks: str = ""

    def check(self):
        if self.training_mode not in ("two_stage", "one_stage"):
            raise RecipeError(f"TechniquesSpec.training_mode = {self.training_mode!r}; expected 'two_stage' or "
                              f"'one_stage'")
        if not 0.0 < self.prune_rate < 1.0:
            raise RecipeError(f"TechniquesSpec.prune_rate = {self.prune_rate!r}; expected a value in (0, 1)")
        for name in ("advaug_d_steps", "advaug_g_steps", "prune_rounds", "rewind_step"):
            if getattr(self, name) < 0:
                raise RecipeError(f"TechniquesSpec.{name} = {getattr(self, name)!r}; expected >= 0")


@dataclass(frozen=True)
class RunSpec(_Section):
    """steps: training steps of the full run; seed: data order, latents and initialization;
    checkpoint_every, sample_every, log_every: intervals in steps; keep_checkpoints: how many to keep;
    deterministic: TF op determinism (bit-identical resume); jit_compile: XLA-compile the step."""

    steps: int
    seed: int
    checkpoint_every: int
    sample_every: int
    log_every: int
    keep_checkpoints: int = 3
    deterministic: bool = True
    jit_compile: bool = False

    def check(self):
        if self.steps < 0:
            raise RecipeError(f"RunSpec.steps = {self.steps!r}; expected >= 0")
        _positive(self, "checkpoint_every", "sample_every", "log_every", "keep_checkpoints")


SECTIONS = {"model": ModelSpec, "data": DataSpec, "task": TaskSpec, "techniques": TechniquesSpec, "run": RunSpec}


@dataclass(frozen=True)
class TrainRecipe:
    """Every setting of one training run (see the module docstring). A recipe file under `recipes/` defines
    `RECIPE = TrainRecipe(...)` with every field written out, a module docstring saying what it reproduces,
    and usually `smoke()`, the tiny variant tests run.

    Args:
        name: the published model name, `<arch>-<dataset>-<res>[.<tag>]`.
        model, data, task, techniques, run: the sections.
        optimizers: {network: OptimizerSpec}, one per network of the task (the GAN task: generator,
            discriminator).
        objective: regularizer terms as specs, e.g. ({"kind": "r1", "gamma": 10.0, "interval": 16},) for lazy
            R1, ({"kind": "orthogonal", "weight": 1e-4},) for BigGAN's orthogonal regularization.

    Example:
        >>> recipe = load_recipe("recipes/sngan_fmnist32.py")
        >>> recipe.task.loss, recipe.optimizers["discriminator"].lr
        ('hinge', 0.0004)
        >>> recipe.replace(loss="non_saturating", training_mode="one_stage").techniques.training_mode
        'one_stage'
    """

    name: str
    model: ModelSpec
    data: DataSpec
    optimizers: dict
    task: TaskSpec
    run: RunSpec
    objective: tuple = ()
    techniques: TechniquesSpec = field(default_factory=TechniquesSpec)

    def __post_init__(self):
        for key, cls in SECTIONS.items():
            if not isinstance(getattr(self, key), cls):
                raise RecipeError(f"recipe {self.name!r}: {key} = {getattr(self, key)!r}; expected a {cls.__name__}")
        if not isinstance(self.optimizers, dict) or not all(isinstance(o, OptimizerSpec)
                                                            for o in self.optimizers.values()):
            raise RecipeError(f"recipe {self.name!r}: optimizers = {self.optimizers!r}; expected "
                              f"{{network: OptimizerSpec(lr=..., beta_1=..., beta_2=...)}}")
        if not isinstance(self.objective, (tuple, list)) or not all(
                isinstance(t, dict) and "kind" in t for t in self.objective):
            raise RecipeError(f"recipe {self.name!r}: objective = {self.objective!r}; expected a tuple of "
                              f"{{'kind': name, ...}} terms")
        object.__setattr__(self, "objective", tuple(dict(t) for t in self.objective))

    # ---- flat access for changes ---------------------------------------------------------------------------
    @classmethod
    def field_sections(cls) -> dict:
        """{flat field name: section name} of every section field (the names are unique)."""
        return {f.name: key for key, section in SECTIONS.items() for f in dataclasses.fields(section)}

    def replace(self, **changes) -> "TrainRecipe":
        """A copy with `changes`: top-level fields (name, optimizers, objective, a whole section) or any section
        field by its flat name (steps=..., loss=..., training_mode=...)."""
        top = {f.name for f in dataclasses.fields(self)}
        routes = self.field_sections()
        section_changes, direct = {}, {}
        for key, value in changes.items():
            if key in top:
                direct[key] = value
            elif key in routes:
                section_changes.setdefault(routes[key], {})[key] = value
            else:
                raise RecipeError(f"recipe {self.name!r}: unknown field {key!r}; {_close(key, top | set(routes))}")
        for key, values in section_changes.items():
            direct[key] = getattr(direct.get(key, self), key).replace(**values) if key not in direct \
                else direct[key].replace(**values)
        return dataclasses.replace(self, **direct)

    def smoke(self, channels: int = 16, **model_overrides) -> "TrainRecipe":
        """A tiny version of this run for tests: the same code path, 4 steps of batch 4, and the family's tiny
        network configs (`zoo.models.smoke_overrides`: the family decides what tiny means)."""
        from zoo.models import smoke_overrides

        tiny = smoke_overrides(self.model.family, channels, **model_overrides)
        return self.replace(
            steps=4, batch_size=4, checkpoint_every=2, sample_every=2, log_every=1, ema_start=0,
            rewind_step=min(self.techniques.rewind_step, 2), adversarial_start=min(self.task.adversarial_start, 2),
            generator_overrides={**self.model.generator_overrides, **tiny["generator"]},
            discriminator_overrides={**self.model.discriminator_overrides, **tiny["discriminator"]},
        )

    def optimizer(self, network: str) -> OptimizerSpec:
        if network not in self.optimizers:
            raise RecipeError(f"recipe {self.name!r}: optimizers has no entry for network {network!r}; "
                              f"{_close(network, self.optimizers)}")
        return self.optimizers[network]

    def validate(self, replicas: int = 1) -> "TrainRecipe":
        """Check the names a run needs (family, preset, loss, dataset, task kind, objective kinds, one
        optimizer per network of the GAN task) and the batch against `replicas`; returns self."""
        from zoo.data import NAMED, PREFIXES
        from zoo.losses import LOSSES
        from zoo.models import AUTOENCODERS, FAMILIES, get_family
        from zoo.training.objectives import OBJECTIVES
        from zoo.training.tasks import TASKS

        def need(value, known, what):
            if value not in known:
                raise RecipeError(f"recipe {self.name!r}: {what} = {value!r} is unknown; {_close(value, known)}")

        need(self.task.kind, TASKS, "task.kind")
        autoencoder = self.task.kind == "autoencoder"
        need(self.model.family, AUTOENCODERS if autoencoder else FAMILIES,
             "model.family (an autoencoder family for task.kind 'autoencoder')" if autoencoder else "model.family")
        need(self.model.preset, get_family(self.model.family).PRESETS, "model.preset")
        need(self.task.loss, LOSSES, "task.loss")
        if bool(self.data.codes_from) != (self.task.kind == "latent_gan"):
            raise RecipeError(f"recipe {self.name!r}: data.codes_from = {self.data.codes_from!r} with task.kind = "
                              f"{self.task.kind!r}; the 'latent_gan' task trains on codes and needs codes_from "
                              f"(a stage-1 autoencoder folder), and only that task takes codes")
        defaults = {f.name: f.default for f in dataclasses.fields(TaskSpec)}
        changed = [n for n in ("l1_weight", "ssim_weight", "adversarial_weight", "adversarial_start")
                   if getattr(self.task, n) != defaults[n]]
        if changed and not autoencoder:
            raise RecipeError(f"recipe {self.name!r}: task.{changed[0]} is a setting of the 'autoencoder' task; "
                              f"task.kind {self.task.kind!r} does not use it (leave it at {defaults[changed[0]]})")
        dataset = self.data.dataset.split(":", 1)[0] + ":" if ":" in self.data.dataset else self.data.dataset
        need(dataset, (*NAMED, *PREFIXES), "data.dataset")
        for term in self.objective:
            need(term["kind"], OBJECTIVES, "objective kind")
        if self.task.kind in ("gan", "stylegan2", "tganv2", "latent_gan"):
            for network in ("generator", "discriminator"):
                self.optimizer(network)
        if autoencoder:
            for network in ("autoencoder", "discriminator"):
                self.optimizer(network)
        if self.data.batch_size % replicas:
            raise RecipeError(f"recipe {self.name!r}: data.batch_size = {self.data.batch_size} does not split over "
                              f"{replicas} replicas; expected a multiple of {replicas}")
        return self

    # ---- serialization --------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TrainRecipe":
        """Inverse of `to_dict` (recipe.json of a work dir)."""
        data = dict(data)
        for key, section in SECTIONS.items():
            if key in data:
                data[key] = section(**data[key])
        data["optimizers"] = {k: OptimizerSpec(**v) for k, v in data.get("optimizers", {}).items()}
        return cls(**data)


def data_section(recipe_json: dict) -> dict:
    """{"dataset", "split", ...} of a work dir's recipe.json: its `data` section (nested recipes), or the dict
    itself (flat recipe.json of runs trained before 2026-11-30)."""
    return recipe_json.get("data", recipe_json)


def recipe_module(path: str):
    """The executed module of a recipe file (by path): its `RECIPE`, `smoke()` and, for a stage-2 recipe,
    `STAGE1_RECIPE` (`zoo.training.stages`). Errors of the file itself propagate."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"recipe file not found: {path}")
    spec = importlib.util.spec_from_file_location(f"zoo_recipe_{os.path.basename(path)[:-3]}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_recipe(path: str, smoke: bool = False) -> TrainRecipe:
    """Import `RECIPE` from a recipe file (by path); `smoke=True` returns its `smoke()` variant. A recipe with a
    wrong field raises a RecipeError whose message starts with the file's path."""
    try:
        module = recipe_module(path)
        recipe = getattr(module, "RECIPE", None)
        if not isinstance(recipe, TrainRecipe):
            raise RecipeError(f"RECIPE must be a zoo.training.TrainRecipe(...), got {type(recipe).__name__}")
        if smoke:
            recipe = module.smoke() if hasattr(module, "smoke") else recipe.smoke()
        return recipe.validate()
    except RecipeError as e:
        raise RecipeError(f"{path}: {e}") from None
    except TypeError as e:  # a section constructor called with a wrong or missing keyword
        raise RecipeError(f"{path}: {_describe_type_error(e)}") from None


def _describe_type_error(error: TypeError) -> str:
    """'TaskSpec.__init__() got an unexpected keyword argument 'n_diss'' -> a line with the close names."""
    import re

    text = str(error)
    match = re.match(r"(\w+)\.__init__\(\) got an unexpected keyword argument '(\w+)'", text)
    if match:
        cls = {c.__name__: c for c in (*SECTIONS.values(), OptimizerSpec, TrainRecipe)}.get(match.group(1))
        if cls is not None:
            known = [f.name for f in dataclasses.fields(cls)]
            return (f"{match.group(1)} has no field {match.group(2)!r}; {_close(match.group(2), known)}")
    return text
