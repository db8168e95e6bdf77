"""Building a recipe's task: the registry of task builders (`TASKS`) and the GAN task's builder.

A family whose training does not fit the GAN task registers its own builder under a task name
(`register_task("stylegan2", build_stylegan2_task)`); the recipe's `task.kind` names the one to use. A builder
gets the recipe, the strategy and the batch spec ({key: shape without the batch axis}) and returns a built
`zoo.training.task.Task` whose variables all live under the strategy.
"""

from __future__ import annotations

import keras

from zoo.augment import make_diffaugment, parse_policy
from zoo.augment.advaug import AdvAug
from zoo.models import build_from_preset
from zoo.training.autoencoder_task import AUTOENCODER, AutoencoderTask
from zoo.training.gan_task import GANTask
from zoo.training.latent_gan_task import LatentGANTask
from zoo.training.objectives import DISCRIMINATOR, GENERATOR, lazy_adam, make_objective
from zoo.training.pruning import add_masks
from zoo.training.levels_penalty import LevelsR1Penalty  # noqa: F401  (registers the "levels_r1" objective)
from zoo.training.stylegan2_task import StyleGAN2Task
from zoo.training.tganv2_task import TGANv2Task, level_optimizer_name

TASKS = {}


def register_task(name: str, builder) -> None:
    """Make `builder(recipe, strategy, batch_spec, augment) -> Task` available as recipe `TaskSpec(kind=name)`."""
    if name in TASKS and TASKS[name] is not builder:
        raise ValueError(f"task {name!r} is already registered ({TASKS[name]})")
    TASKS[name] = builder


def recipe_objectives(recipe) -> list:
    """The regularizer terms of a recipe (its `objective` specs), in the order they are added to the losses."""
    return [make_objective(spec) for spec in recipe.objective]


def make_optimizer(spec, terms, network: str):
    """Adam of one network from its `OptimizerSpec`, corrected for the network's lazy terms
    (`zoo.training.objectives.lazy_adam`); with `lr_decay_steps` the learning rate decays linearly to 0 over
    that many updates of this optimizer (Keras `PolynomialDecay`, power 1, on the optimizer's iterations)."""
    lr, b1, b2 = lazy_adam(spec.lr, spec.beta_1, spec.beta_2, terms, network)
    if spec.lr_decay_steps:
        lr = keras.optimizers.schedules.PolynomialDecay(lr, spec.lr_decay_steps, end_learning_rate=0.0, power=1.0)
    return keras.optimizers.Adam(lr, b1, b2)


def build_gan_task(recipe, strategy, batch_spec: dict, augment=None, task_class=GANTask, **task_kwargs) -> GANTask:
    """G, D, EMA G, both Adam optimizers and the objective of `recipe`, all variables created under `strategy`;
    a lottery ticket's masks when `recipe.techniques.init_masks` is set. `task_class` (a `GANTask`) gets
    `task_kwargs` besides the GAN settings."""
    if task_class is GANTask and recipe.task.style_mixing:
        raise ValueError(f"recipe {recipe.name!r}: style_mixing = {recipe.task.style_mixing} needs a style-based "
                         f"generator and task.kind='stylegan2'; the 'gan' task has no style mixing (set it to 0)")
    if augment is None:
        augment = make_diffaugment(recipe.techniques.diffaugment)
    with strategy.scope():
        g, d = build_from_preset(recipe.model.family, recipe.model.preset, generator=recipe.model.generator_overrides,
                                 discriminator=recipe.model.discriminator_overrides)
        terms = recipe_objectives(recipe)
        optimizers = {net: make_optimizer(recipe.optimizer(net), terms, net)
                      for net in (GENERATOR, DISCRIMINATOR)}
        task = task_class(g, d, optimizers=optimizers, loss=recipe.task.loss, objectives=terms, n_dis=recipe.task.n_dis,
                       ema_decay=recipe.task.ema_decay, ema_start=recipe.task.ema_start, augment=augment,
                       training_mode=recipe.techniques.training_mode,
                       advaug_d=AdvAug(recipe.techniques.advaug_d_steps, recipe.techniques.advaug_d_step_size, recipe.techniques.advaug_d_radius),
                       advaug_g=AdvAug(recipe.techniques.advaug_g_steps, recipe.techniques.advaug_g_step_size, recipe.techniques.advaug_g_radius),
                       ema_kimg=recipe.task.ema_kimg, ema_rampup=recipe.task.ema_rampup,
                       batch_size=recipe.data.batch_size, **task_kwargs)
        task.build(batch_spec)
        if recipe.techniques.init_masks:  # a lottery ticket (zoo.training.pruning)
            from zoo.models.serialization import load_masks

            add_masks(task, load_masks(recipe.techniques.init_masks)[0])
    return task


def build_stylegan2_task(recipe, strategy, batch_spec: dict, augment=None) -> StyleGAN2Task:
    """The GAN task of a StyleGAN2 generator, with style mixing (`zoo.training.stylegan2_task`)."""
    return build_gan_task(recipe, strategy, batch_spec, augment, task_class=StyleGAN2Task,
                          style_mixing=recipe.task.style_mixing)


def build_tganv2_task(recipe, strategy, batch_spec: dict, augment=None) -> TGANv2Task:
    """The TGANv2 task (`zoo.training.tganv2_task`): G, EMA G, one discriminator and one Adam per level (each
    with the recipe's "discriminator" settings), D's terms. Refuses what it does not support, saying why."""
    name, t, tech = recipe.name, recipe.task, recipe.techniques
    if tech.training_mode != "two_stage":
        raise ValueError(f"recipe {name!r}: training_mode = {tech.training_mode!r} is not supported by the tganv2 "
                         f"task. One-stage training (OSGAN) rescales the gradient that reaches G through one "
                         f"fake batch by a per-sample factor of D's logit on it; TGANv2's G feeds "
                         f"several discriminators with subsampled clips of different batch sizes, and that "
                         f"per-level decomposition is not implemented. Use 'two_stage' (TGANv2's own step "
                         f"already takes G's and D's gradients from one forward pass).")
    if tech.advaug_d_steps or tech.advaug_g_steps:
        raise ValueError(f"recipe {name!r}: AdvAug is not supported by the tganv2 task: it perturbs G's first-layer "
                         f"output and one discriminator's penultimate features, and TGANv2 has a ConvLSTM stem and "
                         f"one discriminator per level (set advaug_d_steps = advaug_g_steps = 0)")
    if t.n_dis != 1 or t.style_mixing or t.ema_kimg or t.ema_rampup:
        raise ValueError(f"recipe {name!r}: the tganv2 task takes n_dis = 1, style_mixing = 0, ema_kimg = 0 and "
                         f"ema_rampup = 0 (got {t.n_dis}, {t.style_mixing}, {t.ema_kimg}, {t.ema_rampup})")
    if augment is None:
        augment = make_diffaugment(tech.diffaugment)
    with strategy.scope():
        g, d = build_from_preset(recipe.model.family, recipe.model.preset, generator=recipe.model.generator_overrides,
                                 discriminator=recipe.model.discriminator_overrides)
        terms = recipe_objectives(recipe)
        optimizers = {GENERATOR: make_optimizer(recipe.optimizer(GENERATOR), terms, GENERATOR)}
        for k in range(getattr(g, "levels", 0)):
            optimizers[level_optimizer_name(k)] = make_optimizer(recipe.optimizer(DISCRIMINATOR), terms, DISCRIMINATOR)
        task = TGANv2Task(g, d, optimizers=optimizers, loss=t.loss, objectives=terms, ema_decay=t.ema_decay,
                          ema_start=t.ema_start, augment=augment)
        task.build(batch_spec)
        if tech.init_masks:
            from zoo.models.serialization import load_masks

            add_masks(task, load_masks(tech.init_masks)[0])
    return task


def build_latent_gan_task(recipe, strategy, batch_spec: dict, augment=None) -> LatentGANTask:
    """Stage 2 of the two-stage latent GAN: the GAN task of the recipe's family on the normalised codes of
    `data.codes_from`'s encoder (`zoo.training.code_data`), publishing decode(G(z)) with the frozen decoder."""
    from zoo.training.code_data import load_autoencoder, recipe_code_data

    if recipe.task.style_mixing or recipe.model.family == "tganv2":
        raise ValueError(f"recipe {recipe.name!r}: the latent_gan task trains an image GAN family with the GAN "
                         f"task on codes; style mixing (the stylegan2 task) and video families (tganv2) are not "
                         f"supported on codes (got family {recipe.model.family!r}, style_mixing = "
                         f"{recipe.task.style_mixing})")
    if "color" in parse_policy(recipe.techniques.diffaugment):
        raise ValueError(f"recipe {recipe.name!r}: DiffAugment 'color' (brightness, saturation, contrast) assumes "
                         f"RGB pixels and the latent_gan task's real and fake batches are normalised codes; use "
                         f"'translation' and / or 'cutout' on codes (got diffaugment = "
                         f"{recipe.techniques.diffaugment!r})")
    data = recipe_code_data(recipe)
    decoder = load_autoencoder(recipe.data.codes_from).decoder
    return build_gan_task(recipe, strategy, batch_spec, augment, task_class=LatentGANTask, decoder=decoder,
                          code_mean=data.mean, code_std=data.std, code_scale=data.scale, code_clipped=data.clipped)


def build_autoencoder_task(recipe, strategy, batch_spec: dict, augment=None) -> AutoencoderTask:
    """Stage 1 of the two-stage latent GAN (`zoo.training.autoencoder_task`): the preset's autoencoder and patch
    discriminator, one Adam each ("autoencoder", "discriminator"); the sample grids reconstruct the first 32
    images of the dataset's test split. Refuses the GAN techniques, which have no meaning here."""
    from zoo.data import load_arrays

    t, tech = recipe.task, recipe.techniques
    if tech.diffaugment or tech.training_mode != "two_stage" or tech.advaug_d_steps or tech.advaug_g_steps \
            or tech.init_masks or t.n_dis != 1 or recipe.objective:
        raise ValueError(f"recipe {recipe.name!r}: the autoencoder task trains stage 1 (reconstruction) and takes "
                         f"no GAN technique: set diffaugment = '', training_mode = 'two_stage', advaug_*_steps = 0, "
                         f"init_masks = '', n_dis = 1 and objective = () (apply them to the stage-2 GAN)")
    if augment is not None:
        raise ValueError("the autoencoder task takes no augmentation")
    try:  # held-out images when the dataset has a test split, else the first training images
        preview = load_arrays(recipe.data.dataset, "test")[0][:32]
    except (ValueError, KeyError, FileNotFoundError):
        preview = load_arrays(recipe.data.dataset, recipe.data.split)[0][:32]
    with strategy.scope():
        ae, d = build_from_preset(recipe.model.family, recipe.model.preset, generator=recipe.model.generator_overrides,
                                  discriminator=recipe.model.discriminator_overrides)
        optimizers = {net: make_optimizer(recipe.optimizer(net), [], net) for net in (AUTOENCODER, DISCRIMINATOR)}
        task = AutoencoderTask(ae, d, optimizers=optimizers, loss=t.loss, l1_weight=t.l1_weight,
                               ssim_weight=t.ssim_weight, adversarial_weight=t.adversarial_weight,
                               adversarial_start=t.adversarial_start, preview_images=preview)
        task.build(batch_spec)
    return task


register_task("gan", build_gan_task)
register_task("stylegan2", build_stylegan2_task)
register_task("tganv2", build_tganv2_task)
register_task("latent_gan", build_latent_gan_task)
register_task("autoencoder", build_autoencoder_task)


def build_task(recipe, strategy, batch_spec: dict, augment=None):
    """The built task of `recipe` (its `task` names the builder in `TASKS`)."""
    if recipe.task.kind not in TASKS:
        raise ValueError(f"recipe {recipe.name!r}: unknown task {recipe.task.kind!r}; expected one of {sorted(TASKS)}")
    return TASKS[recipe.task.kind](recipe, strategy, batch_spec, augment)
