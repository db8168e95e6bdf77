"""SNGAN on Fashion-MNIST 32x32, non-saturating loss, one-stage (OSGAN): the exact-loss OSGAN comparison.

Reproduces: nothing from a paper table; the one-stage arm of an equal-time comparison with
`recipes/sngan_fmnist32_ns.py` (Shen et al. 2021, "Training Generative Adversarial Networks in One Stage",
CVPR 2021, Sec. 3 gradient decomposition: gamma = -exp(-l) for the non-saturating loss, exact).

Same as `recipes/sngan_fmnist32_ns.py` except: `training_mode="one_stage"`, and 2,600 steps with a
checkpoint every 325: one-stage SNGAN steps were 1.30x faster than two-stage ones on an idle machine
(`benchmarks/onestage.py`, `benchmarks/results/onestage.jsonl`), so one-stage step 325k costs about the time of
two-stage step 250k, and the whole run about the time of the two-stage arm's 2,000 steps. Not shipped.

Hardware / time / result: 2,600 steps in 1,725 s beside the two-stage arm on 2 CPU cores; FID-5k 108.4 / 70.6 / 59.7
at steps 1,300 / 1,950 / 2,600 (`benchmarks/onestage_quality.py`, README one-stage section).

Command:
    zoo train recipes/sngan_fmnist32_ns_onestage.py --workdir runs/sngan-fmnist-32.ns_onestage
"""

from zoo.training.recipe import (DataSpec, ModelSpec, OptimizerSpec, RunSpec, TaskSpec, TechniquesSpec,
                                 TrainRecipe)

RECIPE = TrainRecipe(
    name="sngan-fmnist-32.ns_onestage",
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
        training_mode="one_stage",
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
        steps=2600,
        seed=0,
        checkpoint_every=325,
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
