"""BigGAN at 32x32 on CIFAR-10 with the reference settings -> `biggan-cifar10-32` (for GPU users; not run here).

Reproduces: the CIFAR-10 run of the BigGAN-PyTorch reference implementation (Brock et al.,
`scripts/launch_cifar_ema.sh`: arch[32] with ch 64, batch 50, 4 D steps per G step, Adam 2e-4 / 2e-4 with
beta_1 = 0 and beta_2 = 0.999, EMA of G with decay 0.9999 from step 1000, hinge loss) plus the two BigGAN
parts that script leaves off (shared embedding + hierarchical z: preset `biggan_32`) and the paper's
orthogonal regularization beta = 1e-4 (Brock et al. 2019, Sec. 3.1). 500 epochs of 50k images at batch 50
and n_dis 4 is 125k G steps.

Needs: CIFAR-10 through TensorFlow Datasets (`tfds:cifar10`, downloaded on first use: needs network) and a
GPU: the `biggan_32` preset runs ~0.3 steps/s on the 2-core CPU this repo is developed on, i.e. ~5 days.
Nothing here has been trained with it; `smoke()` runs the same settings tiny on fmnist in the tests.

Command:
    zoo train recipes/biggan_cifar10.py --workdir runs/biggan-cifar10-32 --strategy mirrored
"""

from zoo.training.recipe import DataSpec, ModelSpec, OptimizerSpec, RunSpec, TechniquesSpec, TrainRecipe
from zoo.training.tasks import GANSettings

RECIPE = TrainRecipe(
    name="biggan-cifar10-32",
    model=ModelSpec(
        family="biggan",
        preset="biggan_32",
        generator_overrides={},
        discriminator_overrides={},
    ),
    data=DataSpec(
        dataset="tfds:cifar10",
        split="train",
        batch_size=50,
    ),
    optimizers={
        "generator": OptimizerSpec(lr=2e-4, beta_1=0.0, beta_2=0.999),
        "discriminator": OptimizerSpec(lr=2e-4, beta_1=0.0, beta_2=0.999),
    },
    objective=({"kind": "orthogonal", "weight": 1e-4},),
    task=GANSettings(
        loss="hinge",
        n_dis=4,
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
        steps=125000,
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
