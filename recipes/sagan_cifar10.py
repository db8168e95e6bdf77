"""SAGAN at 32x32 on CIFAR-10 with the paper's training settings -> `sagan-cifar10-32` (for GPU users; not run
here).

Reproduces: the training settings of Zhang et al. 2019 (ICML 2019), Sec. 5 "Implementation details": hinge
loss, spectral norm in G and D, TTUR with G 1e-4 / D 4e-4, Adam beta_1 = 0 / beta_2 = 0.9, one D step per G
step, batch 256; with the `sagan_32` preset (the 32x32 ResNet at 256 channels, attention at 16x16 in G and
D: the paper has no CIFAR-10 model, so this layout is ours). The paper trains ImageNet for ~1M iterations;
here 100k G steps (~500 epochs of CIFAR-10 at batch 256), EMA 0.9999 from step 1000 for sampling (not in the
paper).

Needs: `tfds:cifar10` (downloaded on first use: network) and a GPU; nothing here has been trained with it.
`smoke()` runs the same settings tiny on fmnist in the tests.

Command:
    zoo train recipes/sagan_cifar10.py --workdir runs/sagan-cifar10-32 --strategy mirrored
"""

from zoo.training.recipe import DataSpec, ModelSpec, OptimizerSpec, RunSpec, TechniquesSpec, TrainRecipe
from zoo.training.tasks import GANSettings

RECIPE = TrainRecipe(
    name="sagan-cifar10-32",
    model=ModelSpec(
        family="sagan",
        preset="sagan_32",
        generator_overrides={},
        discriminator_overrides={},
    ),
    data=DataSpec(
        dataset="tfds:cifar10",
        split="train",
        batch_size=256,
    ),
    optimizers={
        "generator": OptimizerSpec(lr=1e-4, beta_1=0.0, beta_2=0.9),
        "discriminator": OptimizerSpec(lr=4e-4, beta_1=0.0, beta_2=0.9),
    },
    objective=(),
    task=GANSettings(
        loss="hinge",
        n_dis=1,
        ema_decay=0.9999,
        ema_start=1000,
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
        steps=100000,
        seed=0,
        checkpoint_every=2000,
        sample_every=2000,
        log_every=100,
        keep_checkpoints=3,
        snapshot_every=0,
        deterministic=True,
        jit_compile=False,
    ),
)


def smoke():
    """The same settings, tiny, on the offline fmnist data (1 channel): base width 4, a few steps."""
    return RECIPE.smoke(channels=4, image_channels=1).replace(dataset="fmnist")
