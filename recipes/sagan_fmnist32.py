"""TODO"""

from zoo.training import TrainRecipe

RECIPE = TrainRecipe(
    name="sagan-fmnist-32",
    family="sagan",
    preset="sagan_32_small",
    generator_overrides={},
    discriminator_overrides={},
    dataset="fmnist",
    split="train",
    loss="hinge",
    batch_size=64,
    n_dis=1,
    steps=4500,
    g_lr=1e-4,
    d_lr=4e-4,
    beta_1=0.0,
    beta_2=0.9,
    ema_decay=0.999,
    ema_start=500,
    gp_lambda=0.0,
    r1_gamma=0.0,
    ortho_reg=0.0,
    seed=0,
    checkpoint_every=250,
    sample_every=500,
    log_every=50,
    keep_checkpoints=3,
    diffaugment="",
    deterministic=True,
    jit_compile=False,
)


def smoke():
    """A few tiny steps of the same run (tests)."""
    return RECIPE.smoke()
