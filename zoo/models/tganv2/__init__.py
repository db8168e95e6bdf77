"""TGANv2 (Saito et al., IJCV 2020): ConvLSTM + per-frame ResNet sub-generators, one 3D discriminator per level."""

from zoo.models.tganv2.tganv2_discriminator import TGANv2Discriminator
from zoo.models.tganv2.tganv2_generator import TGANv2Generator
from zoo.models.tganv2.tganv2_presets import PRESETS, smoke_overrides

# the registered classes and PRESETS (tests/models/test_keras_saving.py checks that every other name is a
# class registered under "zoo"); `smoke_overrides` is found by `zoo.models.smoke_overrides` as an attribute
TASK = "tganv2"  # the training task its networks need (`zoo.models.family_task`; not the plain "gan" task)

__all__ = ["TGANv2Discriminator", "TGANv2Generator", "PRESETS"]
