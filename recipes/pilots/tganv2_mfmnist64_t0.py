"""Pilot 0 of `tganv2-mfmnist-16x64` (issue 24 item 4): the shipped recipe as it is, run for a fixed wall-clock
budget with generator snapshots, the point every other TGANv2 pilot is compared with on time-to-quality (per-frame
FID, the first and last frame position's FID, ZVD: `benchmarks/video_time_to_quality.py`).

Reproduces: `recipes/tganv2_mfmnist64.py` (TGANv2's UCF-101 setup at the CPU preset, see there) with a step
budget larger than any pilot reaches (`benchmarks/pilots.py` stops each pilot at its wall-clock budget with
SIGTERM, which checkpoints), a constant learning rate (the shipped recipe decays it to 0 over its own 3,500
steps, which has no meaning without a fixed end) and `snapshot_every` = 250 for `benchmarks/time_to_quality.py`.

Command:
    .venv/bin/python benchmarks/pilots.py recipes/pilots/tganv2_mfmnist64_t*.py --minutes 20 --runs ~/zoo-runs/pilots
"""

from zoo.training.recipe import OptimizerSpec, base

RECIPE = base("tganv2_mfmnist64").replace(
    name="tganv2-mfmnist-16x64.t0",
    optimizers={"generator": OptimizerSpec(lr=0.0001, beta_1=0.0, beta_2=0.9),
                "discriminator": OptimizerSpec(lr=0.0001, beta_1=0.0, beta_2=0.9)},
    steps=1_000_000,
    snapshot_every=250,
    checkpoint_every=250,
    sample_every=1000,
    keep_checkpoints=2,
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
