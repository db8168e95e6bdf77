"""The pixel-space baseline of the two-stage latent GAN's acceleration claim: the same SNGAN, hyperparameters,
data and budget as stage 2 of `latent2s-emoji-64` (`recipes/latent2s_emoji64.py`), on the 64x64 RGB emoji
themselves instead of their 16x16x4 codes.

Reproduces: the "same GAN in pixel space" of Liu, Yao and Ren (arXiv 1909.03611), whose abstract claims the
two-stage model trains faster; zoo's SNGAN (Miyato et al. 2018) with hinge loss, n_dis = 1, TTUR (G 1e-4,
D 4e-4), betas (0, 0.9), EMA 0.999; preset `sngan_32_small` resized to 64x64x3: bottom 4x4 and 4 up-blocks
(the code GAN has 2), D with 4 blocks that all downsample (the code GAN's 2 of 4), so both D end at 4x4 with
the same widths. Compared by `benchmarks/latent_vs_pixel.py`.

Command:
    zoo train recipes/latent2s_emoji64_pixel.py --workdir runs/sngan-emoji-64.pixel
"""

from zoo.training.recipe import DataSpec, ModelSpec, OptimizerSpec, RunSpec, TechniquesSpec, TrainRecipe
from zoo.training.tasks import GANSettings

RECIPE = TrainRecipe(
    name="sngan-emoji-64.pixel",
    model=ModelSpec(
        family="sngan",
        preset="sngan_32_small",
        generator_overrides={"num_blocks": 4, "image_channels": 3},
        discriminator_overrides={"num_blocks": 4, "num_down": 4, "image_channels": 3},
    ),
    data=DataSpec(
        dataset="emoji",
        split="train",
        batch_size=64,
    ),
    optimizers={
        "generator": OptimizerSpec(lr=0.0001, beta_1=0.0, beta_2=0.9),
        "discriminator": OptimizerSpec(lr=0.0004, beta_1=0.0, beta_2=0.9),
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
        steps=4000,
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

