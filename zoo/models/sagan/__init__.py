"""SAGAN family (Zhang et al. 2019): self-attention, spectral norm in G and D, conditional BN, projection D."""

from zoo.models.sagan.sagan_discriminator import SAGANDiscriminator
from zoo.models.sagan.sagan_generator import SAGANGenerator
from zoo.models.sagan.sagan_presets import PRESETS

__all__ = ["PRESETS", "SAGANDiscriminator", "SAGANGenerator"]
