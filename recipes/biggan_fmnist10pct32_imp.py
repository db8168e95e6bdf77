"""Lottery-ticket search (IMP) for BigGAN on 10% of Fashion-MNIST -> the ticket of
`recipes/biggan_fmnist10pct32_lth*.py`.

Reproduces: the ticket-finding stage of Chen et al. 2021 ("Data-Efficient GAN Training Beyond (Just)
Augmentations: A Lottery Ticket Perspective", NeurIPS 2021, Sec. 3.1 / Algorithm 1): iterative magnitude
pruning of G and D on the small training set itself (global magnitude per network, 20% of the remaining
weights per round, rewinding to the initialization), at small scale (paper: SNGAN / BigGAN on CIFAR-10 10%,
Tables 1-2). 7 pruning rounds leave 0.8^7 = 20.97% of the prunable weights of G and of D.

Deviations from the paper, for a 2-core CPU:
- every IMP round trains only 400 generator steps (the paper trains every round to completion); the ticket
  found is then trained for the full budget of the comparison (`steps` of `biggan_fmnist10pct32*.py`) by the
  `_lth` recipes, from the same initialization (seed 0: a fresh run with `init_masks` starts from exactly the
  weights this pipeline rewinds to);
- preset `biggan_32_small` at base width 8 (32 channels per block instead of 64) so that the whole search
  (8 trainings) takes about 20-30 minutes here;
- batch 64, n_dis 1, learning rates and EMA as `recipes/biggan_fmnist32.py`.

Hardware / time: `runs/biggan-fmnist10pct-32.imp/imp.json` (per round: density, steps, wall clock), written by
the run; the README's data-efficiency table quotes it.

Command:
    zoo imp recipes/biggan_fmnist10pct32_imp.py --workdir runs/biggan-fmnist10pct-32.imp
"""

from zoo.training.recipe import base

RECIPE = base("biggan_fmnist10pct32").replace(
    name="biggan-fmnist10pct-32.imp",
    prune_rounds=7,
    steps=400,
    checkpoint_every=100,
    sample_every=400,
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
