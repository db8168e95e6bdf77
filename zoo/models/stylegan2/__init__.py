"""StyleGAN2 (Karras et al., CVPR 2020): mapping + modulated-conv skip generator, residual discriminator."""

from zoo.models.stylegan2.stylegan2_discriminator import StyleGAN2Discriminator
from zoo.models.stylegan2.stylegan2_generator import StyleGAN2Generator
from zoo.models.stylegan2.stylegan2_presets import PRESETS, smoke_overrides

__all__ = ["StyleGAN2Discriminator", "StyleGAN2Generator", "PRESETS", "smoke_overrides"]
