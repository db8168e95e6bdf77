"""Training: the GAN trainer (two-stage or one-stage), recipes, strategies, checkpoints and the training loop."""

from zoo.training.gan_trainer import TRAINING_MODES, GANTrainer
from zoo.training.recipe import TrainRecipe, load_recipe

__all__ = ["GANTrainer", "TRAINING_MODES", "TrainRecipe", "load_recipe"]
