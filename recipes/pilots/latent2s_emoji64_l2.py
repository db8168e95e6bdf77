"""Pilot of `latent2s-emoji-64`'s code GAN (issue 24 item 4): the SNGAN paper's own update schedule, n_dis = 5
with lr 2e-4 for both networks (Miyato et al. 2018, Table 1 setting C for the hinge loss), instead of TTUR with
n_dis = 1.

Reproduces: pilot 0 (`recipes/pilots/latent2s_emoji64_l0.py`, the shipped stage-2 recipe with snapshots) with one
change, compared with it on time-to-quality at the same wall-clock budget, seed and stage-1 codes.

Command:
    .venv/bin/python benchmarks/pilots.py recipes/pilots/latent2s_emoji64_l*.py --minutes 20 --runs ~/zoo-runs/pilots
"""

from zoo.training.recipe import OptimizerSpec, base

RECIPE = base("latent2s_emoji64_l0").replace(
    name="latent2s-emoji-64.l2",
    optimizers={"generator": OptimizerSpec(lr=0.0002, beta_1=0.0, beta_2=0.9),
                "discriminator": OptimizerSpec(lr=0.0002, beta_1=0.0, beta_2=0.9)},
    n_dis=5,
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
