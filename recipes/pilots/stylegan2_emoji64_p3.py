"""Pilot of `stylegan2-emoji-64` (issue 24 item 4): learning rate 0.002 for both networks (DiffAugment's low-shot StyleGAN2 setting; the
shipped recipe uses stylegan2-ada's 0.0025).

Reproduces: pilot 0 (`recipes/pilots/stylegan2_emoji64_p0.py`, the shipped recipe with snapshots) with one change,
compared with it on time-to-quality at the same budget of images and seed.

Command:
    .venv/bin/python benchmarks/pilots.py recipes/pilots/stylegan2_emoji64_p*.py --kimg 64 --runs ~/zoo-runs/pilots --evaluate --num 500
"""

from zoo.training.recipe import OptimizerSpec, base

RECIPE = base("stylegan2_emoji64_p0").replace(
    name="stylegan2-emoji-64.p3",
    optimizers={"generator": OptimizerSpec(lr=0.002, beta_1=0.0, beta_2=0.99),
                "discriminator": OptimizerSpec(lr=0.002, beta_1=0.0, beta_2=0.99)},
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
