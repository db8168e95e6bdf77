"""Pilot 0 of `latent2s-emoji-64`'s code GAN (issue 24 item 4): the shipped stage-2 recipe as it is, run for a
fixed wall-clock budget with generator snapshots (decode(G(z)), images), the point every other code-GAN pilot is
compared with on time-to-quality.

Reproduces: `recipes/latent2s_emoji64.py` (SNGAN `sngan_32_small` resized to the 16x16x4 codes, see there) on the
codes of the stage-1 run at `runs/latent2s-emoji-64.stage1` (`recipes/latent2s_emoji64_stage1.py`; every code
pilot uses that same autoencoder), with a step budget larger than any pilot reaches (`benchmarks/pilots.py` stops
each pilot at its wall-clock budget with SIGTERM, which checkpoints) and `snapshot_every` = 1000.

Command (after stage 1; `runs/` may be a link to a folder outside the git tree, e.g. ~/zoo-runs):
    zoo train recipes/latent2s_emoji64_stage1.py --workdir runs/latent2s-emoji-64.stage1
    .venv/bin/python benchmarks/pilots.py recipes/pilots/latent2s_emoji64_l*.py --minutes 20 --runs ~/zoo-runs/pilots
"""

from zoo.training.recipe import base

RECIPE = base("latent2s_emoji64").replace(
    name="latent2s-emoji-64.l0",
    steps=1_000_000,
    snapshot_every=1000,
    checkpoint_every=1000,
    sample_every=5000,
    keep_checkpoints=2,
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
