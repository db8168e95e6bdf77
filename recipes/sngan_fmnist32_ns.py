"""SNGAN on Fashion-MNIST 32x32, non-saturating loss, two-stage: the baseline of the exact-loss OSGAN comparison.

Reproduces: nothing from a paper table; the two-stage arm of an equal-time comparison with
`recipes/sngan_fmnist32_ns_onestage.py` (Shen et al. 2021, "Training Generative Adversarial Networks in One
Stage", CVPR 2021, Sec. 4 compares one- and two-stage training at equal wall clock). The hinge comparison
(`recipes/sngan_fmnist32.py` vs `recipes/sngan_fmnist32_onestage.py`) is inexact in one stage (fakes with
D(G(z)) <= -1 teach G nothing); with the non-saturating loss one-stage gradients equal two-stage ones
(tests/training/test_one_stage.py), so this pair measures the scheme itself.

Same as `recipes/sngan_fmnist32.py` except: loss non_saturating, 2,000 steps (a budget that fits beside the
one-stage arm in about an hour on 2 cores), checkpoints every 250 steps, all kept. Not shipped.

Hardware / time / result: 2,000 steps in 1,716 s beside the one-stage arm on 2 CPU cores; FID-5k 112.1 / 81.8 / 69.2 at
steps 1,000 / 1,500 / 2,000 (`benchmarks/onestage_quality.py`, README one-stage section).

Command:
    zoo train recipes/sngan_fmnist32_ns.py --workdir runs/sngan-fmnist-32.ns
"""

from zoo.training.recipe import base

RECIPE = base("sngan_fmnist32").replace(
    name="sngan-fmnist-32.ns",
    loss="non_saturating",
    steps=2000,
    keep_checkpoints=50,
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
