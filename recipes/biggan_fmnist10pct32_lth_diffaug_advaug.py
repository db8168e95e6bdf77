"""BigGAN on 10% of Fashion-MNIST, ticket + DiffAugment + AdvAug -> `biggan-fmnist10pct-32.lth_diffaug_advaug`.

Reproduces: one row of the data-efficiency comparison of Chen et al. 2021 ("Data-Efficient GAN Training
Beyond (Just) Augmentations: A Lottery Ticket Perspective", NeurIPS 2021, Tables 1-2: dense / DiffAugment /
ticket / ticket + DiffAugment + AdvAug on 10% of the training data, FID against the full test set), at small
scale on Fashion-MNIST 10% (`fmnist10pct`: 600 images per class, 6,000 in all): the ticket + DiffAugment + AdvAug row: the same ticket, DiffAugment on real and fake images, and AdvAug with the reference code's setting (one PGD step of 0.01, radius 0.01) on D's penultimate features and G's first-layer output.
The four `biggan_fmnist10pct32*.py` recipes differ only in `name`, `diffaugment`, `init_masks` and the
`advaug_*` fields.

Deviations from the paper, for a 2-core CPU: preset `biggan_32_small` at base width 8 (32 channels per
block), 3,000 generator steps at batch 64 (32 epochs of the subset); the paper's IMP rounds train to
completion, ours 400 steps each (`recipes/biggan_fmnist10pct32_imp.py`).

Hardware / time: `train_state.json` of the run (`wall_clock_s`, `hardware`); FID-10k vs fmnist/test by
`benchmarks/data_efficiency.py`, quoted in the README table.

Command:
    zoo imp recipes/biggan_fmnist10pct32_imp.py --workdir runs/biggan-fmnist10pct-32.imp   # the ticket
    zoo train recipes/biggan_fmnist10pct32_lth_diffaug_advaug.py --workdir runs/biggan-fmnist10pct-32.lth_diffaug_advaug \
        --init-from runs/biggan-fmnist10pct-32.imp/rewind   # the weights IMP rewinds to (= seed 0's init)
"""

from zoo.training.recipe import base

RECIPE = base("biggan_fmnist10pct32_lth").replace(
    name="biggan-fmnist10pct-32.lth_diffaug_advaug",
    diffaugment="color,translation,cutout",
    advaug_d_steps=1,
    advaug_g_steps=1,
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
