"""Pilot of `stylegan2-emoji-64` (issue 24 item 4): batch 16 (DiffAugment's low-shot runs): twice the updates per image seen.

Reproduces: pilot 0 (`recipes/pilots/stylegan2_emoji64_p0.py`, the shipped recipe with snapshots) with one change,
compared with it on time-to-quality at the same budget of images and seed.

Command:
    .venv/bin/python benchmarks/pilots.py recipes/pilots/stylegan2_emoji64_p*.py --kimg 64 --runs ~/zoo-runs/pilots --evaluate --num 500
"""

from zoo.training.recipe import base

RECIPE = base("stylegan2_emoji64_p0").replace(
    name="stylegan2-emoji-64.p4",
    batch_size=16,
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
