"""Stage 1 of `latent2s-emoji-64`: the autoencoder from 64x64 RGB emoji to 16x16x4 codes (12x fewer values).

Reproduces: the first stage of the two-stage latent GAN of Liu, Yao and Ren (arXiv 1909.03611), whose
architecture and losses are not public; zoo's choices (`zoo.models.latent2s`): the encoder / decoder layout of
the first stages of Esser et al. 2021 and Rombach et al. 2022 (f = 4, c = 4, no quantization or KL term) at
the CPU width `latent2s_64_f4c4_small` (32 / 64 / 64 channels), trained with L1 + SSIM (weight 1 each; SSIM
stands in for a perceptual loss, which would need downloaded VGG weights) and, from step 1000 on, a hinge
patch-adversarial loss of weight 0.1 against pix2pix's patch discriminator (Isola et al. 2017) with spectral
norm; Adam 2e-4, betas (0.5, 0.9) for both networks (taming-transformers' betas).

Hardware / time: 2,000 steps in 1,372 s on 2 Intel Xeon cores (`train_state.json` of the run); the
reconstruction-ceiling FID by `zoo release` of stage 2: 74.42 on the 392 test emoji (floor 56.85).

Command:
    zoo train recipes/latent2s_emoji64_stage1.py --workdir runs/latent2s-emoji-64.stage1
    (stage 2, recipes/latent2s_emoji64.py, reads runs/latent2s-emoji-64.stage1/export)
"""

from zoo.training.recipe import DataSpec, ModelSpec, OptimizerSpec, RunSpec, TrainRecipe
from zoo.training.tasks import AutoencoderSettings

RECIPE = TrainRecipe(
    name="latent2s-emoji-64.stage1",
    model=ModelSpec(
        family="latent2s",
        preset="latent2s_64_f4c4_small",
        generator_overrides={},
        discriminator_overrides={},
    ),
    data=DataSpec(
        dataset="emoji",
        split="train",
        batch_size=32,
    ),
    optimizers={
        "autoencoder": OptimizerSpec(lr=0.0002, beta_1=0.5, beta_2=0.9),
        "discriminator": OptimizerSpec(lr=0.0002, beta_1=0.5, beta_2=0.9),
    },
    objective=(),
    task=AutoencoderSettings(
        loss="hinge",
        l1_weight=1.0,
        ssim_weight=1.0,
        adversarial_weight=0.1,
        adversarial_start=1000,
    ),
    run=RunSpec(
        steps=2000,
        seed=0,
        checkpoint_every=250,
        sample_every=250,
        log_every=50,
        keep_checkpoints=2,
        snapshot_every=0,
        deterministic=True,
        jit_compile=False,
    ),
)
