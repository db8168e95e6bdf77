"""Pilot 0 of `stylegan2-emoji-64` (issue 24 item 4): release 1's recipe as it was (`recipes/stylegan2_emoji64.py`
at commit 8f412fe, written out here so that this pilot keeps reproducing when that recipe changes), with
generator snapshots: the point every other pilot is compared with on time-to-quality.

Reproduces: StyleGAN2 config F's setup (Karras et al., CVPR 2020, Appendix B; stylegan2-ada-pytorch `--cfg auto`)
with DiffAugment "color,translation,cutout" (Zhao et al. 2020) on the emoji set at 64x64: non-saturating loss,
lazy R1 every 16 steps (gamma 0.0256, the `auto` heuristic), path length every 4 steps (weight 2), style mixing
0.9, Adam lr 0.0025 betas (0, 0.99), EMA half-life 10k images; preset `stylegan2_64_small`, batch 32. The run
settings: a step budget larger than any pilot reaches (`benchmarks/pilots.py --kimg K` stops each pilot at K
thousand images), a snapshot every 500 steps for `benchmarks/time_to_quality.py`.

Command:
    .venv/bin/python benchmarks/pilots.py recipes/pilots/stylegan2_emoji64_p*.py --kimg 64 --runs ~/zoo-runs/pilots --evaluate --num 500
"""

from zoo.training.recipe import DataSpec, ModelSpec, OptimizerSpec, RunSpec, TechniquesSpec, TrainRecipe
from zoo.training.tasks import StyleGAN2Settings

RECIPE = TrainRecipe(
    name="stylegan2-emoji-64.p0",
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
        steps=1_000_000,
        seed=0,
        checkpoint_every=500,
        sample_every=2000,
        log_every=50,
        keep_checkpoints=2,
        snapshot_every=500,
        deterministic=True,
        jit_compile=False,
    ),
)


def smoke():
    """A few tiny steps of the same run (tests): 4 maps per resolution, batch 4 (one mbstd group)."""
    return RECIPE.smoke(channels=4)
