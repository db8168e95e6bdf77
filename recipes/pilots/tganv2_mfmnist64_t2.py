"""Pilot of `tganv2-mfmnist-16x64` (issue 24 item 4): the zero-centred gradient penalty on real clips with weight
0.1 instead of the paper's 0.5 (a weaker D constraint lets the discriminators learn faster early on).

Reproduces: pilot 0 (`recipes/pilots/tganv2_mfmnist64_t0.py`, the shipped recipe with snapshots and a constant
rate) with one change, compared with it on time-to-quality at the same wall-clock budget and seed.

Command:
    .venv/bin/python benchmarks/pilots.py recipes/pilots/tganv2_mfmnist64_t*.py --minutes 20 --runs ~/zoo-runs/pilots
"""

from zoo.training.recipe import base

RECIPE = base("tganv2_mfmnist64_t0").replace(
    name="tganv2-mfmnist-16x64.t2",
    objective=({"kind": "levels_r1", "weight": 0.1},),
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
