"""Training: recipes, tasks (`zoo.training.tasks`: one module per task, each registering its record),
objectives, public randomness, strategies, checkpoints, fine-tuning and the training loop."""

from zoo.training.objectives import OBJECTIVES, Objective, TermInputs, add_terms, make_objective, register_objective
from zoo.training.randomness import StepRandomness
from zoo.training.recipe import (DataSpec, FineTuneSpec, ModelSpec, OptimizerSpec, RecipeError, RunSpec,
                                 TechniquesSpec, TrainRecipe, base, load_recipe)
from zoo.training.tasks import (TASKS, TRAINING_MODES, AutoencoderSettings, GANSettings, GANTask,
                                LatentGANSettings, StyleGAN2Settings, Task, TaskRecord, TGANv2Settings, build_task,
                                register_task)

__all__ = ["OBJECTIVES", "Objective", "TermInputs", "add_terms", "make_objective", "register_objective",
           "StepRandomness", "DataSpec", "FineTuneSpec", "ModelSpec", "OptimizerSpec", "RecipeError", "RunSpec",
           "TechniquesSpec", "TrainRecipe", "base", "load_recipe", "TASKS", "TRAINING_MODES", "AutoencoderSettings",
           "GANSettings", "GANTask", "LatentGANSettings", "StyleGAN2Settings", "Task", "TaskRecord",
           "TGANv2Settings", "build_task", "register_task"]
