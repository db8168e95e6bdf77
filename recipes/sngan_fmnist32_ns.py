"""SNGAN on Fashion-MNIST 32x32, non-saturating loss, two-stage: the baseline of the exact-loss OSGAN comparison.

Reproduces: nothing from a paper table; the two-stage arm of an equal-time comparison with
`recipes/sngan_fmnist32_ns_onestage.py` (Shen et al. 2021, "Training Generative Adversarial Networks in One
Stage", CVPR 2021, Sec. 4 compares one- and two-stage training at equal wall clock). The hinge comparison
(`recipes/sngan_fmnist32.py` vs `recipes/sngan_fmnist32_onestage.py`) is inexact in one stage (fakes with
D(G(z)) <= -1 teach G nothing); with the non-saturating loss one-stage gradients equal two-stage ones
(tests/training/test_one_stage.py), so this pair measures the scheme itself.

Same as `recipes/sngan_fmnist32.py` except: loss non_saturating, 2,000 steps (a budget that fits beside the
one-stage arm in about an hour on 2 cores), checkpoints every 250 steps, all kept. Not shipped.

Hardware / time / result: 2,000 steps in 1,716 s beside the one-stage arm on 2 CPU cores; FID-5k 112.1 / 81.8 / 69.2 at
steps 1,000 / 1,500 / 2,000 (`benchmarks/onestage_quality.py`, README one-stage section).

Command:
    zoo train recipes/sngan_fmnist32_ns.py --workdir runs/sngan-fmnist-32.ns
"""

from zoo.training.recipe import (DataSpec, ModelSpec, OptimizerSpec, RunSpec, TaskSpec, TechniquesSpec,
                                 TrainRecipe)

RECIPE = TrainRecipe(
    name="sngan-fmnist-32.ns",
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
        codes_from="",
        code_scale=3.0,
    ),
    optimizers={
        "generator": OptimizerSpec(lr=1e-4, beta_1=0.0, beta_2=0.9),
        "discriminator": OptimizerSpec(lr=4e-4, beta_1=0.0, beta_2=0.9),
    },
    objective=(),
    task=TaskSpec(
        kind="gan",
        loss="non_saturating",
        n_dis=1,
        ema_decay=0.999,
        ema_start=500,
        ema_kimg=0.0,
        ema_rampup=0.0,
        style_mixing=0.0,
        l1_weight=1.0,
        ssim_weight=0.0,
        adversarial_weight=0.0,
        adversarial_start=0,
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
        steps=2000,
        seed=0,
        checkpoint_every=250,
        sample_every=500,
        log_every=50,
        keep_checkpoints=50,
        deterministic=True,
        jit_compile=False,
    ),
)


def smoke():
    """A few tiny steps of the same run (tests)."""
    return RECIPE.smoke()
