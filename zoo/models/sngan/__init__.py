"""SNGAN (Miyato et al. 2018): ResNet generator and spectrally normalized ResNet discriminator."""

from zoo.models.sngan.sngan_discriminator import SNGANDiscriminator
from zoo.models.sngan.sngan_generator import SNGANGenerator
from zoo.models.sngan.sngan_presets import PRESETS

__all__ = ["SNGANDiscriminator", "SNGANGenerator", "PRESETS"]
