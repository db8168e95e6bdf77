"""SNGAN (ResNet, hinge loss, spectral norm in D) on Fashion-MNIST 32x32 -> `sngan-fmnist-32`.

Reproduces: the training setup of Miyato et al. 2018 ("Spectral Normalization for GANs", ICLR 2018),
Table 3 setting (B) / the ResNet CIFAR-10 experiments of Sec. 4 (hinge loss, Adam beta_1 = 0, beta_2 = 0.9),
on Fashion-MNIST instead of CIFAR-10 (no CIFAR-10 is available offline here).

Deviations from the paper, for a 2-core CPU with no GPU:
- architecture preset `sngan_32_small` (64 channels in G and D, 1 image channel) instead of 256/128;
- n_dis = 1 with separate learning rates (TTUR, Heusel et al. 2017: D 4e-4, G 1e-4) instead of n_dis = 5
  at 2e-4 (5x cheaper per generator step);
- EMA of G's weights (decay 0.999) for sampling, which the paper does not use;
- far fewer steps (see `steps`).

Hardware / time: see `weights_manifest/sngan-fmnist-32/manifest.json` (`recipe.wall_clock_s`, `hardware`),
written by the run itself. Expected result: recognisable garments; FID-10k vs fmnist/test in the manifest
with the real-data floor beside it.

Command:
    zoo train recipes/sngan_fmnist32.py --workdir runs/sngan-fmnist-32
    zoo release runs/sngan-fmnist-32 --recipe recipes/sngan_fmnist32.py --repo-id zoo-gan/sngan-fmnist-32 \
        --num 10000 --reference fmnist/test --train fmnist/train --seed 0

The shipped run (2026-11-22, 2 CPU cores shared with other jobs): started with `steps=6000`, stopped after
the step-1500 checkpoint, `steps` lowered to 4500 (the CPU time budget) and resumed with `--resume` (the
loop allows only `steps` to change on resume; data order and random draws depend on the step alone, so the
run equals an uninterrupted 4500-step run). Measured by the release command above: FID-10k 30.26 vs
fmnist/test (real-data floor at n=10k: 2.41), KID 0.0180 +- 0.0011; see the manifest.
"""

from zoo.training.recipe import DataSpec, ModelSpec, OptimizerSpec, RunSpec, TechniquesSpec, TrainRecipe
from zoo.training.tasks import GANSettings

RECIPE = TrainRecipe(
    name="sngan-fmnist-32",
    model=ModelSpec(
        family="sngan",
        preset="sngan_32_small",
        generator_overrides={},
        discriminator_overrides={},
    ),
    data=DataSpec(
        dataset="fmnist",
        split="train",
        batch_size=64,
    ),
    optimizers={
        "generator": OptimizerSpec(lr=1e-4, beta_1=0.0, beta_2=0.9),
        "discriminator": OptimizerSpec(lr=4e-4, beta_1=0.0, beta_2=0.9),
    },
    objective=(),
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
    """A few tiny steps of the same run (tests)."""
    return RECIPE.smoke()
