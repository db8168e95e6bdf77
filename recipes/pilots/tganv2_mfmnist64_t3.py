"""Pilot of `tganv2-mfmnist-16x64` (issue 24 item 4): batch 32 clips instead of 16 (the paper's 16 per GPU on 8
GPUs is 128 per step): half the steps in the same wall clock, each on twice the clips.

Reproduces: pilot 0 (`recipes/pilots/tganv2_mfmnist64_t0.py`, the shipped recipe with snapshots and a constant
rate) with one change, compared with it on time-to-quality at the same wall-clock budget and seed.

Command:
    .venv/bin/python benchmarks/pilots.py recipes/pilots/tganv2_mfmnist64_t*.py --minutes 20 --runs ~/zoo-runs/pilots
"""

from zoo.training.recipe import base

RECIPE = base("tganv2_mfmnist64_t0").replace(
    name="tganv2-mfmnist-16x64.t3",
    batch_size=32,
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
