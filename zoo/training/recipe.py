"""The recipe type: the whole truth about one training run, in nested sections.

    TrainRecipe(name, model=ModelSpec(...), data=DataSpec(...), optimizers={network: OptimizerSpec(...)},
                objective=({"kind": ..., ...}, ...), task=GANSettings(...), techniques=TechniquesSpec(...),
                run=RunSpec(...), finetune=FineTuneSpec(...))

- `model`: the family, its named preset and config overrides of its networks;
- `data`: dataset, split and global batch;
- `optimizers`: one Adam per network, each with its own learning rate and betas;
- `objective`: the regularizer terms (`zoo.training.objectives`), each a {"kind": ..., ...} spec with its
  weight and interval;
- `task`: the settings section of the task that trains the networks; its class names the task kind and holds
  only what that task reads (`zoo.training.tasks`: `GANSettings`, `StyleGAN2Settings`, `TGANv2Settings`,
  `LatentGANSettings`, `AutoencoderSettings`);
- `techniques`: DiffAugment, AdvAug, one-stage training, lottery tickets (tasks that take them; the
  autoencoder task does not, and its recipes have no such section);
- `run`: steps, seed, intervals of checkpoints / samples / logs, determinism;
- `finetune` (optional): start from a pretrained model (`init_from`, which parts) and FreezeD.

A recipe file writes out every field of the sections it has. A variant (an ablation, a fine-tuning run) is
its base plus what changes: `RECIPE = base("stylegan2_emoji64").replace(name=..., diffaugment="")`.

Every field name is unique across the sections of one recipe, so `recipe.replace(n_dis=3, steps=10)` routes
each flat name to the one section that has it (an absent optional section is created from its defaults);
sections themselves (`task=...`, `optimizers=...`, `objective=...`) are replaced whole. A misspelt or unknown
name, a wrong type or a value out of range raises `RecipeError` naming the field, the value and what is
accepted (close names for a typo). `validate()` asks the task's record (`zoo.training.tasks.registry`)
whether the family fits the task, which networks need optimizers and what the task refuses, before any data
is loaded.

`recipe.json` (a work dir's) records the whole resolved recipe (`to_dict`); `from_dict` also reads the
recipes written before the task sections existed (one `TaskSpec` holding every task's settings, the codes'
source in `data`), converting them (`upgrade_recipe_dict`).
"""

from __future__ import annotations

import copy
import dataclasses
import importlib.util
import inspect
import os
from dataclasses import dataclass, field

from zoo.training.sections import RecipeError, Section, close_names, non_negative, positive
from zoo.training.tasks.registry import TaskSettings, task_record


@dataclass(frozen=True)
class ModelSpec(Section):
    """family, preset: architecture family and named size (`zoo.models.build_from_preset`);
    generator_overrides, discriminator_overrides: config entries replacing the preset's."""

    family: str
    preset: str
    generator_overrides: dict = field(default_factory=dict)
    discriminator_overrides: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DataSpec(Section):
    """dataset, split: `zoo.data.load_arrays(dataset, split)`; batch_size: global batch of one update (all
    replicas; a D update with n_dis > 1 takes its own batch of this size)."""

    dataset: str
    split: str
    batch_size: int

    def check(self):
        positive(self, "batch_size")


@dataclass(frozen=True)
class OptimizerSpec(Section):
    """One network's Adam: learning rate and betas (before the lazy-regularization correction);
    lr_decay_steps: 0 = constant lr, k > 0 = linear decay from lr to 0 over the network's first k updates (then
    0), as TGANv2's `LinearShift` of Adam's alpha."""

    lr: float
    beta_1: float
    beta_2: float
    lr_decay_steps: int = 0

    def check(self):
        positive(self, "lr")
        non_negative(self, "lr_decay_steps")
        for name in ("beta_1", "beta_2"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise RecipeError(f"OptimizerSpec.{name} = {getattr(self, name)!r}; expected a value in [0, 1)")


@dataclass(frozen=True)
class TechniquesSpec(Section):
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
        non_negative(self, "advaug_d_steps", "advaug_g_steps", "prune_rounds", "rewind_step")


@dataclass(frozen=True)
class RunSpec(Section):
    """steps: training steps of the full run; seed: data order, latents and initialization;
    checkpoint_every, sample_every, log_every: intervals in steps; keep_checkpoints: how many to keep;
    snapshot_every: every this many steps, also save the published generator under <workdir>/snapshots/ with its
    step, wall clock and images seen (`snapshots.jsonl`), for `benchmarks/time_to_quality.py` to evaluate after
    the fact (0: none); deterministic: TF op determinism (bit-identical resume); jit_compile: XLA-compile the
    step."""

    steps: int
    seed: int
    checkpoint_every: int
    sample_every: int
    log_every: int
    keep_checkpoints: int = 3
    snapshot_every: int = 0
    deterministic: bool = True
    jit_compile: bool = False

    def check(self):
        non_negative(self, "steps", "snapshot_every")
        positive(self, "checkpoint_every", "sample_every", "log_every", "keep_checkpoints")


@dataclass(frozen=True)
class FineTuneSpec(Section):
    """Fine-tuning from a pretrained model (`zoo.training.finetune`).

    init_from: a published name ("stylegan2-emoji-64"), "hf://org/name[@revision]" or a model folder; names
        and Hub ids are resolved to their sha256-verified folder as `zoo.load` does (by `zoo train`;
        `--init-from` overrides it). "" = from scratch.
    init_parts: which of the run's networks start from it: "generator" (G), "ema_generator" (EMA G),
        "discriminator" (D), or another network of the task (the autoencoder task's "autoencoder").
    freeze_d: FreezeD (Mo et al. 2020): the number of D's lowest blocks (from the input up) kept frozen at their
        initial weights (0 = none).
    """

    init_from: str = ""
    init_parts: tuple = ("generator", "ema_generator", "discriminator")
    freeze_d: int = 0

    def check(self):
        non_negative(self, "freeze_d")
        if not self.init_parts:
            raise RecipeError("FineTuneSpec.init_parts = (); expected the parts that start from init_from, e.g. "
                              "('generator', 'ema_generator', 'discriminator')")


REQUIRED_SECTIONS = {"model": ModelSpec, "data": DataSpec, "run": RunSpec}
OPTIONAL_SECTIONS = {"techniques": TechniquesSpec, "finetune": FineTuneSpec}
SECTIONS = {**REQUIRED_SECTIONS, **OPTIONAL_SECTIONS}  # besides `task`, whose class is the task's settings


@dataclass(frozen=True)
class TrainRecipe:
    """Every setting of one training run (see the module docstring). A recipe file under `recipes/` defines
    `RECIPE = TrainRecipe(...)` with every field of its sections written out (or `base(...).replace(...)`),
    a module docstring saying what it reproduces, and usually `smoke()`, the tiny variant tests run.

    Args:
        name: the published model name, `<arch>-<dataset>-<res>[.<tag>]`.
        model, data, run: the common sections.
        task: the task's settings section (its class names the task kind).
        optimizers: {network: OptimizerSpec}, one per network of the task (the GAN tasks: generator,
            discriminator).
        objective: regularizer terms as specs, e.g. ({"kind": "r1", "gamma": 10.0, "interval": 16},) for lazy
            R1, ({"kind": "orthogonal", "weight": 1e-4},) for BigGAN's orthogonal regularization.
        techniques: the techniques section (None for a task that takes none).
        finetune: the fine-tuning section (None = from scratch).

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
    task: TaskSettings
    run: RunSpec
    objective: tuple = ()
    techniques: TechniquesSpec | None = None
    finetune: FineTuneSpec | None = None

    def __post_init__(self):
        for key, cls in SECTIONS.items():
            value = getattr(self, key)
            if not isinstance(value, cls) and not (key in OPTIONAL_SECTIONS and value is None):
                raise RecipeError(f"recipe {self.name!r}: {key} = {value!r}; expected a {cls.__name__}")
        if not isinstance(self.task, TaskSettings):
            raise RecipeError(f"recipe {self.name!r}: task = {self.task!r}; expected a task's settings section "
                              f"(zoo.training.tasks: GANSettings(...), StyleGAN2Settings(...), ...)")
        if not isinstance(self.optimizers, dict) or not all(isinstance(o, OptimizerSpec)
                                                            for o in self.optimizers.values()):
            raise RecipeError(f"recipe {self.name!r}: optimizers = {self.optimizers!r}; expected "
                              f"{{network: OptimizerSpec(lr=..., beta_1=..., beta_2=...)}}")
        if not isinstance(self.objective, (tuple, list)) or not all(
                isinstance(t, dict) and "kind" in t for t in self.objective):
            raise RecipeError(f"recipe {self.name!r}: objective = {self.objective!r}; expected a tuple of "
                              f"{{'kind': name, ...}} terms")
        object.__setattr__(self, "objective", tuple(dict(t) for t in self.objective))

    # ---- sections and flat access ----------------------------------------------------------------------------
    def sections(self) -> dict:
        """{section name: section} of the sections this recipe has (task included, absent optional ones not)."""
        out = {"model": self.model, "data": self.data, "task": self.task}
        out.update({k: getattr(self, k) for k in OPTIONAL_SECTIONS if getattr(self, k) is not None})
        out["run"] = self.run
        return out

    def field_sections(self) -> dict:
        """{flat field name: section name} of every field this recipe's sections have, and of the absent
        optional sections (a change to one of their fields creates the section)."""
        routes = {}
        for key, cls in (*((k, type(v)) for k, v in self.sections().items()), *OPTIONAL_SECTIONS.items()):
            for name in cls.field_names():
                routes.setdefault(name, key)
        return routes

    def replace(self, **changes) -> "TrainRecipe":
        """A copy with `changes`: top-level fields (name, optimizers, objective, a whole section) or any section
        field by its flat name (steps=..., loss=..., training_mode=..., init_from=...)."""
        top = {f.name for f in dataclasses.fields(self)}
        direct = {k: v for k, v in changes.items() if k in top}
        probe = dataclasses.replace(self, **direct) if direct else self  # flat names of a new task route there
        routes = probe.field_sections()
        section_changes = {}
        for key, value in changes.items():
            if key in top:
                continue
            if key not in routes:
                raise RecipeError(f"recipe {self.name!r}: unknown field {key!r} (task {probe.task.kind!r}); "
                                  f"{close_names(key, top | set(routes))}")
            section_changes.setdefault(routes[key], {})[key] = value
        for key, values in section_changes.items():
            current = getattr(probe, key)
            if current is None:  # an absent optional section: created from its defaults
                current = OPTIONAL_SECTIONS[key]()
            direct[key] = current.replace(**values)
        return dataclasses.replace(self, **direct)

    def smoke(self, channels: int = 16, **model_overrides) -> "TrainRecipe":
        """A tiny version of this run for tests: the same code path, 4 steps of batch 4, and the family's tiny
        network configs (`zoo.models.smoke_overrides`: the family decides what tiny means)."""
        from zoo.models import smoke_overrides

        tiny = smoke_overrides(self.model.family, channels, **model_overrides)
        recipe = self.replace(
            steps=4, batch_size=4, checkpoint_every=2, sample_every=2, log_every=1, task=self.task.smoke(),
            generator_overrides={**self.model.generator_overrides, **tiny["generator"]},
            discriminator_overrides={**self.model.discriminator_overrides, **tiny["discriminator"]})
        if recipe.techniques is not None:
            recipe = recipe.replace(rewind_step=min(recipe.techniques.rewind_step, 2))
        return recipe

    def optimizer(self, network: str) -> OptimizerSpec:
        if network not in self.optimizers:
            raise RecipeError(f"recipe {self.name!r}: optimizers has no entry for network {network!r}; "
                              f"{close_names(network, self.optimizers)}")
        return self.optimizers[network]

    def validate(self, replicas: int = 1) -> "TrainRecipe":
        """Check, before anything is built or loaded, what a run needs: the task's record fits the family, the
        preset, loss, dataset and objective kinds exist, one optimizer per network of the task, the sections
        the task takes, the task's own checks, and the batch against `replicas`; returns self."""
        from zoo.data import NAMED, PREFIXES
        from zoo.losses import LOSSES
        from zoo.models import AUTOENCODERS, FAMILIES, family_task, get_family
        from zoo.training.objectives import OBJECTIVES
        from zoo.training.tasks import TASKS

        def need(value, known, what):
            if value not in known:
                raise RecipeError(f"recipe {self.name!r}: {what} = {value!r} is unknown; {close_names(value, known)}")

        need(self.task.kind, TASKS, "task kind")
        record = task_record(self.task.kind)
        need(self.model.family, {**FAMILIES, **AUTOENCODERS}, "model.family")
        trained_by = family_task(self.model.family)
        if trained_by != record.family_task:
            raise RecipeError(f"recipe {self.name!r}: family {self.model.family!r} does not fit task "
                              f"{record.kind!r}: {self.model.family} is trained by task {trained_by!r}, and task "
                              f"{record.kind!r} trains the families of task {record.family_task!r}")
        need(self.model.preset, get_family(self.model.family).PRESETS, "model.preset")
        need(self.task.loss, LOSSES, "task.loss")
        dataset = self.data.dataset.split(":", 1)[0] + ":" if ":" in self.data.dataset else self.data.dataset
        need(dataset, (*NAMED, *PREFIXES), "data.dataset")
        for term in self.objective:
            need(term["kind"], OBJECTIVES, "objective kind")
        if record.takes_techniques and self.techniques is None:
            raise RecipeError(f"recipe {self.name!r}: task {record.kind!r} takes a techniques section; add "
                              f"techniques=TechniquesSpec(...) with every field written out")
        if not record.takes_techniques and self.techniques is not None:
            raise RecipeError(f"recipe {self.name!r}: task {record.kind!r} takes no techniques section (DiffAugment, "
                              f"AdvAug, one-stage, tickets apply to GAN tasks); remove techniques=...")
        for network in record.networks:
            self.optimizer(network)
        if self.finetune is not None:
            from zoo.training.finetune import INIT_PARTS

            known = {*INIT_PARTS, *record.networks}
            for part in self.finetune.init_parts:
                need(part, known, "finetune.init_parts entry")
        if record.checks is not None:
            record.checks(self)
        if self.data.batch_size % replicas:
            raise RecipeError(f"recipe {self.name!r}: data.batch_size = {self.data.batch_size} does not split over "
                              f"{replicas} replicas; expected a multiple of {replicas}")
        return self

    # ---- comparison and serialization ------------------------------------------------------------------------
    def flat(self) -> dict:
        """{"section.field": value} of every field ("name", "task.kind", "optimizers.<net>.lr", "objective")."""
        out = {"name": self.name}
        for key, section in self.sections().items():
            if key == "task":
                out["task.kind"] = section.kind
            for name, value in dataclasses.asdict(section).items():
                out[f"{key}.{name}"] = value
        for net, spec in sorted(self.optimizers.items()):
            for name, value in dataclasses.asdict(spec).items():
                out[f"optimizers.{net}.{name}"] = value
        out["objective"] = self.objective
        return out

    def differences(self, other: "TrainRecipe") -> list:
        """Sorted "section.field" names whose values differ between this recipe and `other`."""
        mine, theirs = self.flat(), other.flat()
        return sorted(k for k in set(mine) | set(theirs) if mine.get(k, _ABSENT) != theirs.get(k, _ABSENT))

    def to_dict(self) -> dict:
        """The whole resolved recipe as JSON-able data (a work dir's recipe.json): the task section carries
        its `kind`; absent optional sections are left out."""
        out = {"name": self.name, "task": {"kind": self.task.kind, **dataclasses.asdict(self.task)}}
        for key in (*REQUIRED_SECTIONS, *OPTIONAL_SECTIONS):
            if getattr(self, key) is not None:
                out[key] = dataclasses.asdict(getattr(self, key))
        out["optimizers"] = {k: dataclasses.asdict(v) for k, v in self.optimizers.items()}
        out["objective"] = [dict(t) for t in self.objective]
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "TrainRecipe":
        """Inverse of `to_dict` (recipe.json of a work dir), reading the earlier nested format too
        (`upgrade_recipe_dict`)."""
        data = upgrade_recipe_dict(data)
        settings = task_record(data["task"].get("kind", "gan")).settings
        built = {"name": data["name"], "task": settings(**{k: v for k, v in data["task"].items() if k != "kind"})}
        for key, section in SECTIONS.items():
            if data.get(key) is not None:
                built[key] = section(**data[key])
        built["optimizers"] = {k: OptimizerSpec(**v) for k, v in data.get("optimizers", {}).items()}
        built["objective"] = tuple(data.get("objective", ()))
        return cls(**built)


class _Absent:
    def __repr__(self):
        return "(absent)"


_ABSENT = _Absent()

# Settings of the one `TaskSpec` of recipes written before 2026-12-03 that a task which does not read them may
# drop only at these values (anything else was a real setting the conversion would lose). ema_decay /
# ema_start / code_scale / n_dis = 1 had no effect in the tasks that no longer have them.
LEGACY_TASK_DEFAULTS = {"style_mixing": 0.0, "ema_kimg": 0.0, "ema_rampup": 0.0, "l1_weight": 1.0,
                        "ssim_weight": 0.0, "adversarial_weight": 0.0, "adversarial_start": 0, "codes_from": "",
                        "n_dis": 1}
LEGACY_IGNORED = ("ema_decay", "ema_start", "code_scale")


def upgrade_recipe_dict(data: dict) -> dict:
    """A recipe dict in today's format from one written by an earlier zoo: a `task` section holding every
    task's settings (kind default "gan") and the latent GAN's `codes_from` / `code_scale` in `data` become the
    task's own settings; the autoencoder's all-default techniques section is dropped. A setting the new task
    section has no field for raises RecipeError unless it is at the value that meant "not used". Dicts in
    today's format are returned unchanged (a copy)."""
    data = copy.deepcopy(dict(data))
    task = dict(data.get("task", {}))
    kind = task.pop("kind", "gan")
    record = task_record(kind)
    fields = record.settings.field_names()
    section = dict(data.get("data", {}))
    legacy = dict(task)
    for key in ("codes_from", "code_scale"):
        if key in section:
            legacy.setdefault(key, section.pop(key))
    dropped = {k: v for k, v in legacy.items() if k not in fields}
    for key, value in dropped.items():
        if key in LEGACY_IGNORED:
            continue
        if key not in LEGACY_TASK_DEFAULTS or value != LEGACY_TASK_DEFAULTS[key]:
            raise RecipeError(f"recipe {data.get('name')!r}: task.{key} = {value!r} is not a setting of task "
                              f"{kind!r} (its settings: {', '.join(fields)}); this recipe cannot be converted")
    data["task"] = {"kind": kind, **{k: v for k, v in legacy.items() if k in fields}}
    if "data" in data:
        data["data"] = section
    if not record.takes_techniques and data.get("techniques") is not None:
        if data["techniques"] != dataclasses.asdict(TechniquesSpec()):
            raise RecipeError(f"recipe {data.get('name')!r}: task {kind!r} takes no techniques, but the recipe sets "
                              f"{data['techniques']}")
        data.pop("techniques")
    return data


def data_section(recipe_json: dict) -> dict:
    """{"dataset", "split", ...} of a work dir's recipe.json: its `data` section (nested recipes), or the dict
    itself (flat recipe.json of runs trained before 2026-11-30)."""
    return recipe_json.get("data", recipe_json)


def codes_source(recipe_json: dict) -> str:
    """The stage-1 folder a work dir's recipe.json trains on ("" for a run on images): `task.codes_from`, or
    `data.codes_from` / `codes_from` in recipes written before 2026-12-03."""
    task = recipe_json.get("task")
    return (task.get("codes_from") if isinstance(task, dict) else None) or data_section(recipe_json).get(
        "codes_from", "") or ""


# ---- recipe files ---------------------------------------------------------------------------------------------
_LOADING = []  # stack of {"bases": [...]} of the recipe files being executed (`recipe_module`)


def recipe_module(path: str):
    """The executed module of a recipe file (by path): its `RECIPE`, `smoke()` and, for a stage-2 recipe,
    `STAGE1_RECIPE` (`zoo.training.stages`); `BASES` lists the recipe files it derived from (`base`). Errors of
    the file itself propagate."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"recipe file not found: {path}")
    spec = importlib.util.spec_from_file_location(f"zoo_recipe_{os.path.basename(path)[:-3]}", path)
    module = importlib.util.module_from_spec(spec)
    _LOADING.append({"path": os.path.abspath(path), "bases": []})
    try:
        spec.loader.exec_module(module)
    finally:
        frame = _LOADING.pop()
    module.BASES = frame["bases"]
    return module


def base_path(name: str, near: str | None = None) -> str:
    """The file of base recipe `name`: a path, or a recipe name looked up next to `near` (the deriving file)
    and then in this checkout's `recipes/`."""
    if os.sep in name or name.endswith(".py"):
        return name if name.endswith(".py") else f"{name}.py"
    folders = [os.path.dirname(near)] if near else []
    folders.append(os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                "recipes"))
    for folder in folders:
        candidate = os.path.join(folder, f"{name}.py")
        if os.path.isfile(candidate):
            return candidate
    raise RecipeError(f"base recipe {name!r} not found in {folders}")


def base(name: str) -> TrainRecipe:
    """The `RECIPE` of base recipe `name` (e.g. "stylegan2_emoji64"), to derive a variant from:
    `RECIPE = base("stylegan2_emoji64").replace(name="stylegan2-emoji-64.nodiffaug", diffaugment="")`.
    Looked up next to the recipe file that calls it, then in `recipes/`; the deriving file records it (its
    `BASES`) so that `zoo recipe show` marks what the variant changes and its smoke derives from the base's."""
    near = _LOADING[-1]["path"] if _LOADING else _caller_file()
    path = base_path(name, near)
    module = recipe_module(path)
    recipe = getattr(module, "RECIPE", None)
    if not isinstance(recipe, TrainRecipe):
        raise RecipeError(f"base recipe {path}: RECIPE must be a TrainRecipe, got {type(recipe).__name__}")
    if _LOADING:
        _LOADING[-1]["bases"].append({"path": path, "module": module, "recipe": recipe})
    return recipe


def _caller_file() -> str | None:
    for frame in inspect.stack()[2:]:
        if frame.filename != __file__ and os.path.isfile(frame.filename):
            return frame.filename
    return None


def derived_smoke(module, recipe: TrainRecipe) -> TrainRecipe:
    """The smoke variant of a recipe file without its own `smoke()`: its base's smoke with the variant's
    changes (the fields where RECIPE differs from the base, except those the base's smoke itself sets);
    `recipe.smoke()` for a recipe with no base. A variant that changes the model (family, preset or
    overrides) gets its own model's tiny networks (`recipe.smoke().model`): the base's tiny overrides belong
    to the base's family."""
    bases = getattr(module, "BASES", [])
    if not bases:
        return recipe.smoke()
    first = bases[0]
    base_recipe, base_smoke = first["recipe"], _module_smoke(first["module"], first["recipe"])
    smoke_set = set(base_smoke.differences(base_recipe))
    changes = {}
    mine = recipe.flat()
    differences = recipe.differences(base_recipe)
    if any(key.partition(".")[0] == "model" for key in differences):
        tiny = recipe.smoke().model
        changes.update(family=tiny.family, preset=tiny.preset, generator_overrides=tiny.generator_overrides,
                       discriminator_overrides=tiny.discriminator_overrides)
    for key in differences:
        if key in smoke_set or key not in mine or key.partition(".")[0] == "model":
            continue
        section, _, name = key.partition(".")
        if key in ("name", "objective"):
            changes[key] = mine[key]
        elif section == "optimizers":
            changes["optimizers"] = recipe.optimizers
        elif section == "task" and name == "kind":
            changes["task"] = recipe.task
        else:
            changes[name] = mine[key]
    return base_smoke.replace(**changes)


def _module_smoke(module, recipe: TrainRecipe) -> TrainRecipe:
    return module.smoke() if hasattr(module, "smoke") else derived_smoke(module, recipe)


def load_recipe(path: str, smoke: bool = False) -> TrainRecipe:
    """Import `RECIPE` from a recipe file (by path); `smoke=True` returns its `smoke()` variant (for a derived
    recipe without one: its base's smoke with its changes, `derived_smoke`). A recipe with a wrong field raises
    a RecipeError whose message starts with the file's path."""
    try:
        module = recipe_module(path)
        recipe = getattr(module, "RECIPE", None)
        if not isinstance(recipe, TrainRecipe):
            raise RecipeError(f"RECIPE must be a zoo.training.TrainRecipe(...), got {type(recipe).__name__}")
        if smoke:
            recipe = _module_smoke(module, recipe)
        return recipe.validate()
    except RecipeError as e:
        raise RecipeError(f"{path}: {e}") from None
    except TypeError as e:  # a section constructor called with a wrong or missing keyword
        raise RecipeError(f"{path}: {_describe_type_error(e)}") from None


def recipe_base(path: str):
    """(base path, base RECIPE) of a recipe file derived with `base(...)`, or (None, None)."""
    bases = recipe_module(path).BASES
    return (bases[0]["path"], bases[0]["recipe"]) if bases else (None, None)


def _section_classes() -> dict:
    from zoo.training.tasks import TASKS

    classes = {c.__name__: c for c in (*SECTIONS.values(), OptimizerSpec, TrainRecipe)}
    classes.update({r.settings.__name__: r.settings for r in TASKS.values()})
    return classes


def _describe_type_error(error: TypeError) -> str:
    """'GANSettings.__init__() got an unexpected keyword argument 'n_diss'' -> a line with the close names."""
    import re

    text = str(error)
    match = re.match(r"(\w+)\.__init__\(\) got an unexpected keyword argument '(\w+)'", text)
    if match:
        cls = _section_classes().get(match.group(1))
        if cls is not None:
            known = [f.name for f in dataclasses.fields(cls)]
            hint = close_names(match.group(2), known)
            other = [name for name, c in _section_classes().items()
                     if dataclasses.is_dataclass(c) and match.group(2) in [f.name for f in dataclasses.fields(c)]]
            if other and not hint.startswith("did you mean"):
                hint = f"it is a field of {' / '.join(other)}, not of {match.group(1)}"
            return f"{match.group(1)} has no field {match.group(2)!r}; {hint}"
    return text
