"""Stage 2 of `latent2s-emoji-64`: SNGAN on the normalised 16x16x4 codes of the stage-1 autoencoder; the
published sampler is decode(G(z)) (`zoo.models.latent2s.LatentCodeGenerator`).

Reproduces: the second stage of Liu, Yao and Ren (arXiv 1909.03611: a GAN learns the distribution of an
autoencoder's codes), with zoo's SNGAN (Miyato et al. 2018) as the code GAN: hinge loss, n_dis = 1 with TTUR
learning rates (G 1e-4, D 4e-4; Heusel et al. 2017), betas (0, 0.9), EMA 0.999 of G for sampling; preset
`sngan_32_small` resized to the code shape (bottom 4x4, 2 up-blocks -> 16x16, 4 channels; D: 2 of 4 blocks
downsample). Codes are normalised per channel to +-3 std -> +-1 (`data.code_scale`). The pixel-space
baseline of the acceleration claim is `recipes/latent2s_emoji64_pixel.py` (the same family and settings on
64x64 images).

Hardware / time: 12,000 steps in 1,668 s on 2 Intel Xeon cores (7 steps/s); `latent2s-emoji-64` FID 196.03
(3,000 samples vs all 3,926 emoji; floor 56.85 at n=392), see the README's two-stage section.

Command (after stage 1):
    zoo train recipes/latent2s_emoji64_stage1.py --workdir runs/latent2s-emoji-64.stage1
    zoo train recipes/latent2s_emoji64.py --workdir runs/latent2s-emoji-64
"""

from zoo.training.recipe import DataSpec, ModelSpec, OptimizerSpec, RunSpec, TechniquesSpec, TrainRecipe
from zoo.training.tasks import LatentGANSettings

STAGE1_RECIPE = "latent2s_emoji64_stage1.py"  # trained first; its export is task.codes_from (zoo.training.stages)

RECIPE = TrainRecipe(
    name="latent2s-emoji-64",
    model=ModelSpec(
        family="sngan",
        preset="sngan_32_small",
        generator_overrides={"num_blocks": 2, "image_channels": 4},
        discriminator_overrides={"num_blocks": 4, "num_down": 2, "image_channels": 4},
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
    task=LatentGANSettings(
        loss="hinge",
        n_dis=1,
        ema_decay=0.999,
        ema_start=500,
        codes_from="runs/latent2s-emoji-64.stage1/export",
        code_scale=3.0,
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
        steps=12000,
        seed=0,
        checkpoint_every=1000,
        sample_every=2000,
        log_every=50,
        keep_checkpoints=2,
        snapshot_every=0,
        deterministic=True,
        jit_compile=False,
    ),
)


def smoke(stage1_folder: str = ""):
    """The tiny variant tests run, on the codes of `stage1_folder` (the export of the stage-1 recipe's smoke run,
    `zoo.training.stages.smoke_recipe`; "" keeps the full run's folder) of the 392 test emoji (encoding the
    3,534 training images would take most of a smoke run's time)."""
    recipe = RECIPE.smoke(channels=16).replace(split="test")
    return recipe.replace(codes_from=stage1_folder) if stage1_folder else recipe
