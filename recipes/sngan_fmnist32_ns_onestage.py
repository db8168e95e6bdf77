"""SNGAN on Fashion-MNIST 32x32, non-saturating loss, one-stage (OSGAN): the exact-loss OSGAN comparison.

Reproduces: nothing from a paper table; the one-stage arm of an equal-time comparison with
`recipes/sngan_fmnist32_ns.py` (Shen et al. 2021, "Training Generative Adversarial Networks in One Stage",
CVPR 2021, Sec. 3 gradient decomposition: gamma = -exp(-l) for the non-saturating loss, exact).

Same as `recipes/sngan_fmnist32_ns.py` except: `training_mode="one_stage"`, and 2,600 steps with a
checkpoint every 325: one-stage SNGAN steps were 1.30x faster than two-stage ones on an idle machine
(`benchmarks/onestage.py`, `benchmarks/results/onestage.jsonl`), so one-stage step 325k costs about the time of
two-stage step 250k, and the whole run about the time of the two-stage arm's 2,000 steps. Not shipped.

Hardware / time / result: 2,600 steps in 1,725 s beside the two-stage arm on 2 CPU cores; FID-5k 108.4 / 70.6 / 59.7
at steps 1,300 / 1,950 / 2,600 (`benchmarks/onestage_quality.py`, README one-stage section).

Command:
    zoo train recipes/sngan_fmnist32_ns_onestage.py --workdir runs/sngan-fmnist-32.ns_onestage
"""

from zoo.training.recipe import base

RECIPE = base("sngan_fmnist32_ns").replace(
    name="sngan-fmnist-32.ns_onestage",
    training_mode="one_stage",
    steps=2600,
    checkpoint_every=325,
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
