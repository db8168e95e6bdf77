"""BigGAN on 10% of Fashion-MNIST, dense baseline -> `biggan-fmnist10pct-32`.

Reproduces: one row of the data-efficiency comparison of Chen et al. 2021 ("Data-Efficient GAN Training
Beyond (Just) Augmentations: A Lottery Ticket Perspective", NeurIPS 2021, Tables 1-2: dense / DiffAugment /
ticket / ticket + DiffAugment + AdvAug on 10% of the training data, FID against the full test set), at small
scale on Fashion-MNIST 10% (`fmnist10pct`: 600 images per class, 6,000 in all): the dense baseline row (no augmentation, all weights).
The four `biggan_fmnist10pct32*.py` recipes differ only in `name`, `diffaugment`, `init_masks` and the
`advaug_*` fields.

Deviations from the paper, for a 2-core CPU: preset `biggan_32_small` at base width 8 (32 channels per
block), 3,000 generator steps at batch 64 (32 epochs of the subset); the paper's IMP rounds train to
completion, ours 400 steps each (`recipes/biggan_fmnist10pct32_imp.py`).

Hardware / time: `train_state.json` of the run (`wall_clock_s`, `hardware`); FID-10k vs fmnist/test by
`benchmarks/data_efficiency.py`, quoted in the README table.

Command:
    zoo train recipes/biggan_fmnist10pct32.py --workdir runs/biggan-fmnist10pct-32
"""

from zoo.training.recipe import base

RECIPE = base("biggan_fmnist32").replace(
    name="biggan-fmnist10pct-32",
    dataset="fmnist10pct",
    generator_overrides={"channels": 8},
    discriminator_overrides={"channels": 8},
    steps=3000,
    keep_checkpoints=2,
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
