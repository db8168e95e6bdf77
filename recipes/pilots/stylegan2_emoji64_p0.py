"""Pilot 0 of `stylegan2-emoji-64` (issue 24 item 4): the shipped recipe as it is, run for a fixed wall-clock budget
with generator snapshots, the point every other pilot is compared with on time-to-quality.

Reproduces: `recipes/stylegan2_emoji64.py` (StyleGAN2 config F's setup with DiffAugment, see there) with a step
budget larger than any pilot reaches (`benchmarks/pilots.py` stops each pilot at its wall-clock budget with
SIGTERM, which checkpoints) and `snapshot_every` = 500 for `benchmarks/time_to_quality.py`.

Command:
    .venv/bin/python benchmarks/pilots.py recipes/pilots/stylegan2_emoji64_p*.py --minutes 30 --runs ~/zoo-runs/pilots
"""

from zoo.training.recipe import base

RECIPE = base("stylegan2_emoji64").replace(
    name="stylegan2-emoji-64.p0",
    steps=1_000_000,
    snapshot_every=500,
    checkpoint_every=500,
    sample_every=2000,
    keep_checkpoints=2,
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
