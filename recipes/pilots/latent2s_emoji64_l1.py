"""Pilot of `latent2s-emoji-64`'s code GAN (issue 24 item 4): twice the width, 128 channels in G and D instead
of 64 (the shipped code GAN plateaued after about 2 minutes: capacity rather than steps may be the limit).

Reproduces: pilot 0 (`recipes/pilots/latent2s_emoji64_l0.py`, the shipped stage-2 recipe with snapshots) with one
change, compared with it on time-to-quality at the same wall-clock budget, seed and stage-1 codes.

Command:
    .venv/bin/python benchmarks/pilots.py recipes/pilots/latent2s_emoji64_l*.py --minutes 20 --runs ~/zoo-runs/pilots
"""

from zoo.training.recipe import base

RECIPE = base("latent2s_emoji64_l0").replace(
    name="latent2s-emoji-64.l1",
    generator_overrides={"num_blocks": 2, "image_channels": 4, "channels": 128},
    discriminator_overrides={"num_blocks": 4, "num_down": 2, "image_channels": 4, "channels": 128},
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
