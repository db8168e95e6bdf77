"""Pilot of `tganv2-mfmnist-16x64` (issue 24 item 4): learning rate 2e-4 for G and every D instead of the paper's
1e-4 (the paper's rate is for 100k steps on 8 GPUs; a CPU run has a few thousand).

Reproduces: pilot 0 (`recipes/pilots/tganv2_mfmnist64_t0.py`, the shipped recipe with snapshots and a constant
rate) with one change, compared with it on time-to-quality at the same wall-clock budget and seed.

Command:
    .venv/bin/python benchmarks/pilots.py recipes/pilots/tganv2_mfmnist64_t*.py --minutes 20 --runs ~/zoo-runs/pilots
"""

from zoo.training.recipe import OptimizerSpec, base

RECIPE = base("tganv2_mfmnist64_t0").replace(
    name="tganv2-mfmnist-16x64.t1",
    optimizers={"generator": OptimizerSpec(lr=0.0002, beta_1=0.0, beta_2=0.9),
                "discriminator": OptimizerSpec(lr=0.0002, beta_1=0.0, beta_2=0.9)},
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
