"""Tiny random-init generators of every registered image family (`zoo.models.FAMILIES` whose generator makes
images) plus the two-stage sampler (`LatentCodeGenerator` over a tiny SNGAN code generator), for tests that
must hold for every image family: a family added to FAMILIES is covered without editing the tests."""

from __future__ import annotations

import keras

from zoo.models import FAMILIES, build_from_preset, get_family, smoke_overrides
from zoo.models.latent2s import CodeAutoencoder, LatentCodeGenerator
from zoo.models.sngan import SNGANGenerator

CHANNELS = 8


def smallest_preset(family: str) -> str:
    """The family's CPU preset (the name ending in `_small`), else its first."""
    presets = list(get_family(family).PRESETS)
    return next((p for p in presets if p.endswith("_small")), presets[0])


def tiny_family_generator(family: str, seed: int = 0):
    """The family's generator at `CHANNELS` channels, 16x16 when sized by `resolution`, built from `seed`."""
    keras.utils.set_random_seed(seed)
    overrides = smoke_overrides(family, CHANNELS)
    if "resolution" in get_family(family).PRESETS[smallest_preset(family)]["generator"]:
        overrides = {part: {**config, "resolution": 16} for part, config in overrides.items()}
    g, _ = build_from_preset(family, smallest_preset(family), **overrides)
    return g.build_for_inputs()


def tiny_two_stage(seed: int = 0):
    """decode(denormalise(SNGAN(z))): 16x16x3 images from 4x4x2 codes."""
    keras.utils.set_random_seed(seed)
    ae = CodeAutoencoder(resolution=16, image_channels=3, factor=4, code_channels=2, channels=8,
                         channel_mult=[1, 2, 2], groups=4).build_for_inputs()
    g = SNGANGenerator(latent_dim=8, channels=8, num_blocks=1, bottom_width=2, image_channels=2).build_for_inputs()
    return LatentCodeGenerator(code_generator=g, decoder=ae.decoder, code_mean=[0.5, -1.0], code_std=[2.0, 0.25],
                               code_scale=3.0).build_for_inputs()


def family_output_kind(family: str) -> str:
    """"image" or "video": the `output_kind` of the family's generator class."""
    module = get_family(family)
    return next(getattr(module, n) for n in module.__all__ if n.endswith("Generator")).output_kind


IMAGE_FAMILIES = sorted(f for f in FAMILIES if family_output_kind(f) == "image") + ["two_stage"]
VIDEO_FAMILIES = sorted(f for f in FAMILIES if family_output_kind(f) == "video")


def tiny_generator(family: str, seed: int = 0):
    """A tiny generator of `family` (a name of FAMILIES, or "two_stage")."""
    return tiny_two_stage(seed) if family == "two_stage" else tiny_family_generator(family, seed)
