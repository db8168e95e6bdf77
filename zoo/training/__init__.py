"""Training: the GAN trainer, recipes, strategies, checkpoints and the training loop."""

from zoo.training.gan_trainer import GANTrainer
from zoo.training.recipe import TrainRecipe, load_recipe

__all__ = ["GANTrainer", "TrainRecipe", "load_recipe"]
