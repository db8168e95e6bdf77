"""Adversarial losses and gradient penalties (pure functions)."""

from zoo.losses.adversarial import (LOSSES, get_loss, hinge_discriminator_loss, hinge_generator_loss,
                                    least_squares_discriminator_loss, least_squares_generator_loss,
                                    minimax_discriminator_loss, minimax_generator_loss,
                                    non_saturating_discriminator_loss, non_saturating_generator_loss,
                                    wasserstein_discriminator_loss, wasserstein_generator_loss)
from zoo.losses.penalties import gradient_penalty, orthogonal_regularization, r1_penalty

__all__ = [
    "LOSSES", "get_loss", "gradient_penalty", "orthogonal_regularization", "r1_penalty",
    "hinge_discriminator_loss", "hinge_generator_loss", "least_squares_discriminator_loss",
    "least_squares_generator_loss", "minimax_discriminator_loss", "minimax_generator_loss",
    "non_saturating_discriminator_loss", "non_saturating_generator_loss", "wasserstein_discriminator_loss",
    "wasserstein_generator_loss",
]
