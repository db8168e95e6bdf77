"""Training: tasks (the GAN task, two-stage or one-stage), objectives, public randomness, recipes, strategies,
checkpoints and the training loop."""

from zoo.training.gan_task import TRAINING_MODES, GANTask
from zoo.training.objectives import OBJECTIVES, Objective, TermInputs, add_terms, make_objective, register_objective
from zoo.training.randomness import StepRandomness
from zoo.training.recipe import (DataSpec, ModelSpec, OptimizerSpec, RecipeError, RunSpec, TaskSpec, TechniquesSpec,
                                 TrainRecipe, load_recipe)
from zoo.training.task import Task
from zoo.training.tasks import TASKS, build_task, register_task

__all__ = ["GANTask", "TRAINING_MODES", "OBJECTIVES", "Objective", "TermInputs", "add_terms", "make_objective",
           "register_objective", "StepRandomness", "TrainRecipe", "load_recipe", "DataSpec", "ModelSpec", "OptimizerSpec", "RecipeError", "RunSpec",
           "TaskSpec", "TechniquesSpec", "Task", "TASKS", "build_task",
           "register_task"]
