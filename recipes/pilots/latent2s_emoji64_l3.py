"""Pilot of `latent2s-emoji-64`'s code GAN (issue 24 item 4): another family, SAGAN (Zhang et al. 2019: batch-norm
ResNet G, self-attention at 8x8 of the 16x16 codes in G and D, spectral norm in both) at the width of
`sagan_32_small` (16 x (4, 4, 4) channels), instead of SNGAN. zoo's SAGAN is class-conditional (conditional BN in
G, projection in D): with one class (every emoji code has label 0) it is an unconditional GAN whose BN gains and
D's projection term are learned constants.

Reproduces: pilot 0 (`recipes/pilots/latent2s_emoji64_l0.py`, the shipped stage-2 recipe with snapshots: hinge
loss, TTUR 1e-4 / 4e-4, which are SAGAN's own) with the family changed, compared with it on time-to-quality at the
same wall-clock budget, seed and stage-1 codes.

Command:
    .venv/bin/python benchmarks/pilots.py recipes/pilots/latent2s_emoji64_l*.py --minutes 20 --runs ~/zoo-runs/pilots
"""

from zoo.training.recipe import base

RECIPE = base("latent2s_emoji64_l0").replace(
    name="latent2s-emoji-64.l3",
    family="sagan",
    preset="sagan_32_small",
    generator_overrides={"num_classes": 1, "channel_multipliers": [4, 4, 4], "attention_resolutions": [8],
                         "image_channels": 4},
    discriminator_overrides={"num_classes": 1, "channel_multipliers": [4, 4, 4], "num_down": 2, "resolution": 16,
                             "attention_resolutions": [8], "image_channels": 4},
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
