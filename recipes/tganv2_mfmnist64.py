"""TGANv2 on moving Fashion-MNIST, 16 frames of 64x64 -> `tganv2-mfmnist-16x64` (the shipped model).

Reproduces: the training setup of Saito et al., IJCV 2020 (Sec. 4.2, official `conf/tgan-v41-ucf101.yml`):
z ~ U(-1, 1), ConvLSTM temporal generator, sub-generators with frame and batch subsampling (every 2nd frame
and every 2nd clip per level), one 3D ResNet discriminator per level, non-saturating softplus loss, the
zero-centred gradient penalty on real clips summed over levels with lambda 0.5 (`levels_r1`), Adam lr 1e-4 with
betas (0, 0.9) for G and for each discriminator, the learning rate decayed linearly to 0 over the run, n_dis 1.

Deviations, for a 2-core CPU: preset `tganv2_64_small` (3 levels: 16x16x16, 32x32x8, 64x64x4; G 1.9M / D 1.4M
parameters; the paper's UCF-101 preset has 88.0M / 116.1M), batch 16 (the paper uses 16 per GPU on 8 GPUs),
`steps` x 16 clips in all (the paper trains for 100k steps), and an EMA of G (decay 0.999 after step 500; the
official code samples from G itself) for the published sampler. Keras' Adam epsilon is 1e-7 (official 1e-8).

Data: `mfmnist` train, 8,000 deterministic clips of 1-2 bouncing Fashion-MNIST items (`zoo.data.mfmnist`).

Hardware / time: `train_state.json` of the run (`wall_clock_s`, `hardware`); per-frame FID and zoo's video
Fréchet distance by `zoo release`, quoted in the model card and README.

Command:
    zoo train recipes/tganv2_mfmnist64.py --workdir runs/tganv2-mfmnist-16x64
"""

from zoo.training.recipe import DataSpec, ModelSpec, OptimizerSpec, RunSpec, TechniquesSpec, TrainRecipe
from zoo.training.tasks import TGANv2Settings

STEPS = 3500

RECIPE = TrainRecipe(
    name="tganv2-mfmnist-16x64",
    model=ModelSpec(
        family="tganv2",
        preset="tganv2_64_small",
        generator_overrides={},
        discriminator_overrides={},
    ),
    data=DataSpec(
        dataset="mfmnist",
        split="train",
        batch_size=16,
    ),
    optimizers={
        "generator": OptimizerSpec(lr=0.0001, beta_1=0.0, beta_2=0.9, lr_decay_steps=STEPS),
        "discriminator": OptimizerSpec(lr=0.0001, beta_1=0.0, beta_2=0.9, lr_decay_steps=STEPS),
    },
    objective=(
        {"kind": "levels_r1", "weight": 0.5},
    ),
    task=TGANv2Settings(
        loss="non_saturating",
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
        steps=STEPS,
        seed=0,
        checkpoint_every=250,
        sample_every=500,
        log_every=50,
        keep_checkpoints=2,
        snapshot_every=0,
        deterministic=True,
        jit_compile=False,
    ),
)


def smoke():
    """A few tiny steps of the same run (tests): 4 maps everywhere, batch 4."""
    return RECIPE.smoke(channels=4)
