"""What the task builders share: the recipe's objective terms, one Adam per network, the networks of a preset
and a lottery ticket's masks."""

from __future__ import annotations

import keras

from zoo.augment import make_diffaugment
from zoo.models import build_from_preset
from zoo.training.objectives import lazy_adam, make_objective
from zoo.training.pruning import add_masks


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


def preset_networks(recipe):
    """(generator, discriminator) of the recipe's family and preset with its overrides (call under the
    strategy's scope)."""
    return build_from_preset(recipe.model.family, recipe.model.preset, generator=recipe.model.generator_overrides,
                             discriminator=recipe.model.discriminator_overrides)


def recipe_augment(recipe, augment=None):
    """`augment` if given, else the recipe's DiffAugment policy (none without a techniques section)."""
    if augment is not None:
        return augment
    return make_diffaugment(recipe.techniques.diffaugment if recipe.techniques is not None else "")


def add_recipe_ticket(task, recipe) -> None:
    """A lottery ticket's masks on `task` when `recipe.techniques.init_masks` is set (`zoo.training.pruning`)."""
    if recipe.techniques is not None and recipe.techniques.init_masks:
        from zoo.models.serialization import load_masks

        add_masks(task, load_masks(recipe.techniques.init_masks)[0])


def recipe_freeze_d(recipe) -> int:
    """FreezeD's number of frozen D blocks of the recipe (`finetune.freeze_d`; 0 without a finetune section)."""
    return recipe.finetune.freeze_d if recipe.finetune is not None else 0


def finish_task(task, recipe, batch_spec: dict):
    """What every builder does last, under the strategy's scope: FreezeD's count from the recipe, `task.build`
    (which freezes those D blocks before D's optimizer), then the recipe's lottery-ticket masks; returns `task`."""
    task.freeze_d = recipe_freeze_d(recipe)
    task.build(batch_spec)
    add_recipe_ticket(task, recipe)
    return task
