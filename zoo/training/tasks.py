"""Building a recipe's task: the registry of task builders (`TASKS`) and the GAN task's builder.

A family whose training does not fit the GAN task registers its own builder under a task name
(`register_task("stylegan2", build_stylegan2_task)`); the recipe's `task.kind` names the one to use. A builder
gets the recipe, the strategy and the batch spec ({key: shape without the batch axis}) and returns a built
`zoo.training.task.Task` whose variables all live under the strategy.
"""

from __future__ import annotations

import keras

from zoo.augment import make_diffaugment
from zoo.augment.advaug import AdvAug
from zoo.models import build_from_preset
from zoo.training.gan_task import GANTask
from zoo.training.objectives import DISCRIMINATOR, GENERATOR, lazy_adam, make_objective
from zoo.training.pruning import add_masks
from zoo.training.stylegan2_task import StyleGAN2Task

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
    (`zoo.training.objectives.lazy_adam`)."""
    lr, b1, b2 = lazy_adam(spec.lr, spec.beta_1, spec.beta_2, terms, network)
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


register_task("gan", build_gan_task)
register_task("stylegan2", build_stylegan2_task)


def build_task(recipe, strategy, batch_spec: dict, augment=None):
    """The built task of `recipe` (its `task` names the builder in `TASKS`)."""
    if recipe.task.kind not in TASKS:
        raise ValueError(f"recipe {recipe.name!r}: unknown task {recipe.task.kind!r}; expected one of {sorted(TASKS)}")
    return TASKS[recipe.task.kind](recipe, strategy, batch_spec, augment)
