"""Pilot of `stylegan2-emoji-64` (issue 24 item 4): R1 gamma 0.1 (4x the stylegan2-ada `auto` heuristic's 0.0256 at 64x64, batch 32):
stronger D regularization on a small set.

Reproduces: pilot 0 (`recipes/pilots/stylegan2_emoji64_p0.py`, the shipped recipe with snapshots) with one change,
compared with it on time-to-quality at the same budget of images and seed.

Command:
    .venv/bin/python benchmarks/pilots.py recipes/pilots/stylegan2_emoji64_p*.py --kimg 64 --runs ~/zoo-runs/pilots --evaluate --num 500
"""

from zoo.training.recipe import base

RECIPE = base("stylegan2_emoji64_p0").replace(
    name="stylegan2-emoji-64.p2",
    objective=({"kind": "r1", "gamma": 0.1, "interval": 16},
               {"kind": "path_length", "weight": 2.0, "interval": 4, "decay": 0.01, "batch_shrink": 2}),
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
