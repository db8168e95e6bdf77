"""StyleGAN2 on the emoji set at 64x64 with DiffAugment -> `stylegan2-emoji-64` (the shipped model).

Reproduces: StyleGAN2 config F's training setup (Karras et al., CVPR 2020, Appendix B; stylegan2-ada-pytorch
`--cfg auto` defaults) in the data-efficient setting of Zhao et al. 2020 (DiffAugment, "color,translation,cutout"
on real and fake images before D) and Chen et al. 2021 (StyleGAN2 is one of their backbones), on 3,534
emoji images (the baseline without DiffAugment is `recipes/stylegan2_emoji64_nodiffaug.py`): non-saturating
logistic loss, lazy R1 every 16 steps with gamma = 0.0002 * 64^2 / 32 (the stylegan2-ada `auto` heuristic,
gamma / 2 as weight), path-length regularization every 4 steps (weight 2,
decay 0.01, batch shrink 2), style mixing 0.9, Adam lr 0.0025 with betas (0, 0.99) for both networks (the
lazy-regularization correction applied by the trainer), EMA with a half-life of 10k images ramped up over the
first 5% of images seen (`auto`: batch * 10 / 32 kimg, ramp-up 0.05).

Deviations from the paper, for a 2-core CPU: preset `stylegan2_64_small` (z = w = 128, 2 mapping layers,
256 -> 16 maps from 4x4 to 64x64, 1.4M / 2.3M parameters in G / D) and a budget of `steps` x 32 images
(the paper trains for 25M+ images).

Hardware / time: `train_state.json` of the run (`wall_clock_s`, `hardware`); FID / KID, the psi sweep and the
style-mixing grid by `zoo release` (`zoo.cli.release`), quoted in the model card and README.

Command:
    zoo train recipes/stylegan2_emoji64.py --workdir runs/stylegan2-emoji-64
"""

from zoo.training.recipe import DataSpec, ModelSpec, OptimizerSpec, RunSpec, TechniquesSpec, TrainRecipe
from zoo.training.tasks import StyleGAN2Settings

RECIPE = TrainRecipe(
    name="stylegan2-emoji-64",
    model=ModelSpec(
        family="stylegan2",
        preset="stylegan2_64_small",
        generator_overrides={},
        discriminator_overrides={},
    ),
    data=DataSpec(
        dataset="emoji",
        split="train",
        batch_size=32,
    ),
    optimizers={
        "generator": OptimizerSpec(lr=0.0025, beta_1=0.0, beta_2=0.99),
        "discriminator": OptimizerSpec(lr=0.0025, beta_1=0.0, beta_2=0.99),
    },
    objective=(
        {"kind": "r1", "gamma": 0.0256, "interval": 16},
        {"kind": "path_length", "weight": 2.0, "interval": 4, "decay": 0.01, "batch_shrink": 2},
    ),
    task=StyleGAN2Settings(
        loss="non_saturating",
        n_dis=1,
        ema_kimg=10.0,
        ema_rampup=0.05,
        style_mixing=0.9,
    ),
    techniques=TechniquesSpec(
        diffaugment="color,translation,cutout",
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
        steps=750,
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
    """A few tiny steps of the same run (tests): 4 maps per resolution, batch 4 (one mbstd group)."""
    return RECIPE.smoke(channels=4)
