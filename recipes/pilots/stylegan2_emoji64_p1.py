"""Pilot of `stylegan2-emoji-64` (issue 24 item 4): no path-length regularization and no style mixing (stylegan2-ada's `cifar`
configuration turns both off; DiffAugment's low-shot StyleGAN2 runs use no path length).

Reproduces: pilot 0 (`recipes/pilots/stylegan2_emoji64_p0.py`, the shipped recipe with snapshots) with one change,
compared with it on time-to-quality at the same budget of images and seed.

Command:
    .venv/bin/python benchmarks/pilots.py recipes/pilots/stylegan2_emoji64_p*.py --kimg 64 --runs ~/zoo-runs/pilots --evaluate --num 500
"""

from zoo.training.recipe import base

RECIPE = base("stylegan2_emoji64_p0").replace(
    name="stylegan2-emoji-64.p1",
    objective=({"kind": "r1", "gamma": 0.0256, "interval": 16},),
    style_mixing=0.0,
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
