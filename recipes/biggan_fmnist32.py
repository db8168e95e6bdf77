"""BigGAN (class-conditional, Fashion-MNIST 10 classes) at 32x32 -> `biggan-fmnist-32`.

Reproduces: the BigGAN recipe of Brock et al. 2019 (ICLR 2019), Sec. 3-4 and Appendix C (hinge loss, spectral
norm in G and D, shared class embedding + hierarchical z, projection D, self-attention, orthogonal
regularization beta = 1e-4 on G, Adam beta_1 = 0 / beta_2 = 0.999, EMA of G, truncation at sampling) on
Fashion-MNIST instead of ImageNet / CIFAR-10 (no ImageNet or CIFAR-10 offline here).

Deviations from the paper, for a 2-core CPU with no GPU (same budget as `recipes/sngan_fmnist32.py` and
`recipes/sagan_fmnist32.py`, for the family comparison in the README):
- preset `biggan_32_small` (base width 16 -> 64 channels, z 128 in 4 chunks of 32, shared embedding 32,
  attention at 16x16 in G and D, 1 image channel) instead of ch 96 at 128x128 (`biggan_128`);
- batch 64 instead of 2048, n_dis 1 instead of 2, learning rates G 1e-4 / D 4e-4 (the SAGAN TTUR pair; the
  paper uses 5e-5 / 2e-4 at 128x128: the same 1:4 ratio, halved for its batch 2048);
- EMA decay 0.999 from step 500 instead of 0.9999 from step 20k; Keras default (Glorot) init instead of
  orthogonal init; 4,500 generator steps.

Hardware / time: see `weights_manifest/biggan-fmnist-32/manifest.json` (`recipe.wall_clock_s`, `hardware`).
Expected result: class-conditional garments; FID-10k vs fmnist/test and an FID-vs-truncation curve in the
manifest and model card.

Command:
    zoo train recipes/biggan_fmnist32.py --workdir runs/biggan-fmnist-32
    zoo release runs/biggan-fmnist-32 --recipe recipes/biggan_fmnist32.py --repo-id zoo-gan/biggan-fmnist-32 \
        --num 10000 --reference fmnist/test --train fmnist/train --seed 0 \
        --truncation-curve 0.25,0.5,0.75,1.0,1.5 --curve-num 5000
"""

from zoo.training.recipe import DataSpec, ModelSpec, OptimizerSpec, RunSpec, TechniquesSpec, TrainRecipe
from zoo.training.tasks import GANSettings

RECIPE = TrainRecipe(
    name="biggan-fmnist-32",
    model=ModelSpec(
        family="biggan",
        preset="biggan_32_small",
        generator_overrides={},
        discriminator_overrides={},
    ),
    data=DataSpec(
        dataset="fmnist",
        split="train",
        batch_size=64,
    ),
    optimizers={
        "generator": OptimizerSpec(lr=1e-4, beta_1=0.0, beta_2=0.999),
        "discriminator": OptimizerSpec(lr=4e-4, beta_1=0.0, beta_2=0.999),
    },
    objective=({"kind": "orthogonal", "weight": 1e-4},),
    task=GANSettings(
        loss="hinge",
        n_dis=1,
        ema_decay=0.999,
        ema_start=500,
    ),
    techniques=TechniquesSpec(
        diffaugment="",
        training_mode="two_stage",
        advaug_d_steps=0,
        advaug_d_step_size=0.01,
        advaug_d_radius=0.01,
        advaug_g_steps=0,
        advaug_g_step_size=0.01,
        advaug_g_radius=0.01,
        prune_rounds=0,
        prune_rate=0.2,
        rewind_step=0,
        init_masks="",
    ),
    run=RunSpec(
        steps=4500,
        seed=0,
        checkpoint_every=250,
        sample_every=500,
        log_every=50,
        keep_checkpoints=3,
        snapshot_every=0,
        deterministic=True,
        jit_compile=False,
    ),
)


def smoke():
    """A few tiny steps of the same run (tests): base width 4 (16 channels after the x4 multipliers)."""
    return RECIPE.smoke(channels=4)
