"""BigGAN family (Brock et al. 2019): class-conditional, shared embedding, hierarchical z, projection D."""

from zoo.models.biggan.biggan_discriminator import BigGANDiscriminator
from zoo.models.biggan.biggan_generator import BigGANGenerator
from zoo.models.biggan.biggan_presets import PRESETS

__all__ = ["BigGANDiscriminator", "BigGANGenerator", "PRESETS"]
