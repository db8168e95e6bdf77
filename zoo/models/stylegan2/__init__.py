"""StyleGAN2 (Karras et al., CVPR 2020): mapping + modulated-conv skip generator, residual discriminator."""

from zoo.models.stylegan2.stylegan2_discriminator import StyleGAN2Discriminator
from zoo.models.stylegan2.stylegan2_generator import StyleGAN2Generator
from zoo.models.stylegan2.stylegan2_presets import PRESETS, smoke_overrides

# the registered classes and PRESETS (tests/models/test_keras_saving.py checks that every other name is a
# class registered under "zoo"); `smoke_overrides` is found by `zoo.models.smoke_overrides` as an attribute
TASK = "stylegan2"  # the training task its networks need (`zoo.models.family_task`; not the plain "gan" task)

__all__ = ["StyleGAN2Discriminator", "StyleGAN2Generator", "PRESETS"]
