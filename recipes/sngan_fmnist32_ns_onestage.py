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

from zoo.training import TrainRecipe

RECIPE = TrainRecipe(
    name="sngan-fmnist-32.ns_onestage",
    family="sngan",
    preset="sngan_32_small",
    generator_overrides={},
    discriminator_overrides={},
    dataset="fmnist",
    split="train",
    loss="non_saturating",
    batch_size=64,
    n_dis=1,
    steps=2600,
    g_lr=1e-4,
    d_lr=4e-4,
    beta_1=0.0,
    beta_2=0.9,
    ema_decay=0.999,
    ema_start=500,
    gp_lambda=0.0,
    r1_gamma=0.0,
    ortho_reg=0.0,
    prune_rounds=0,
    prune_rate=0.2,
    rewind_step=0,
    init_masks="",
    seed=0,
    checkpoint_every=325,
    sample_every=500,
    log_every=50,
    keep_checkpoints=50,
    diffaugment="",
    deterministic=True,
    jit_compile=False,
    training_mode="one_stage",
    advaug_d_steps=0,
    advaug_d_step_size=0.01,
    advaug_d_radius=0.01,
    advaug_g_steps=0,
    advaug_g_step_size=0.01,
    advaug_g_radius=0.01,
)


def smoke():
    """A few tiny steps of the same run (tests)."""
    return RECIPE.smoke()
