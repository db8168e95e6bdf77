"""StyleGAN2 on the emoji set at 64x64 with DiffAugment -> `stylegan2-emoji-64`, release 2 (issue 24).

Reproduces: StyleGAN2 (Karras et al., CVPR 2020, config F's architecture: mapping network, modulated convolution
with demodulation, per-layer noise, skip G, residual D with minibatch std) in the data-efficient setting of Zhao
et al. 2020 (DiffAugment "color,translation,cutout" on real and fake images before D) on 3,534 emoji images:
non-saturating logistic loss, lazy R1 every 16 steps with gamma = 0.0002 * 64^2 / 32 (stylegan2-ada's `auto`
heuristic, gamma / 2 as weight), Adam lr 0.0025 with betas (0, 0.99) for both networks (the lazy-regularization
correction applied by the trainer to D's), EMA with a half-life of 10k images ramped up over the first 5% of
images seen (`auto`: batch * 10 / 32 kimg, ramp-up 0.05).

Chosen by pilots (issue 24 item 4; `recipes/pilots/stylegan2_emoji64_p*.py`, 64k images each, seed 0, FID / KID /
precision / recall / coverage of 500 EMA samples against emoji half B every 16k images; table in the README,
"Retraining (issue 24): pilots"). Release 1's recipe is pilot 0 (config F's full setup). Changes from it:
- no path-length regularization and no style mixing (pilot 1; stylegan2-ada's `cifar` configuration and
  DiffAugment's low-shot StyleGAN2 runs use neither): FID-500 at 64k images 225.6 against pilot 0's 242.6,
  in 24.1 minutes against pilot 0's 46.5 (contended); without the path-length phase and the second mapping pass
  a step takes less time (idle seconds per step of every pilot: `benchmarks/step_efficiency.py --recipes
  recipes/pilots/stylegan2_emoji64_p*.py`).
- batch 16 (pilot 4, DiffAugment's low-shot batch: twice the updates per image): FID-500 at 64k images 202.8
  (best snapshot 199.6), KID 0.125, the only pilot with recall above 0 (0.038), against 225.6 / 0.155 / 0 for
  pilot 1 and 242.6 / 0.178 / 0 for pilot 0. Pilot 4 kept path length and style mixing; this recipe combines it
  with pilot 1's changes, a combination no pilot ran (both moved the same way from pilot 0). R1 gamma and the EMA
  half-life stay at pilot 4's values (stylegan2-ada's `auto` would rescale both with the batch).
- kept from release 1, as the pilots did not separate them from pilot 0 beyond the noise of FID at n = 500 and
  64k images (about +-15, from the ups and downs between snapshots of one run): R1 gamma 0.0256 (pilot 2, gamma
  0.1: 223.3), learning rate 0.0025 (pilot 3, 0.002: 230.2). Pilot 5 (EMA half-life 5k images) was not run: the
  half-life moves the averaged generator by a few thousand images, which a 1.28M-image run does not feel.
- 1.28M images (80,000 steps at batch 16): DiffAugment's low-shot runs see 300k, stylegan2-ada's smallest runs
  several million; about 6-7 CPU-hours on 2 cores at this preset's speed, within issue 24's budget of 8.

Deviations from the paper, for a 2-core CPU: preset `stylegan2_64_small` (z = w = 128, 2 mapping layers,
256 -> 16 maps from 4x4 to 64x64, 1.4M / 2.3M parameters in G / D) and 1.28M images (the paper trains for 25M+).
Run settings for a run that spans sessions: a checkpoint every 1,000 steps (a few minutes: a session's end may
kill the run without a signal), a generator snapshot every 4,000 steps (64k images) for
`benchmarks/time_to_quality.py`.

Hardware / time: `train_state.json` of the run (`wall_clock_s`, `hardware`); FID / KID / precision / recall /
density / coverage, the psi sweep and the style-mixing grid by `zoo release` (`zoo.cli.release`), quoted in the
model card and README.

Command (work dir outside the git tree; continue after an interruption with the same command):
    nohup nice -n 5 zoo train recipes/stylegan2_emoji64.py --workdir ~/zoo-runs/stylegan2-emoji-64.r2 --resume &
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
        batch_size=16,
    ),
    optimizers={
        "generator": OptimizerSpec(lr=0.0025, beta_1=0.0, beta_2=0.99),
        "discriminator": OptimizerSpec(lr=0.0025, beta_1=0.0, beta_2=0.99),
    },
    objective=(
        {"kind": "r1", "gamma": 0.0256, "interval": 16},
    ),
    task=StyleGAN2Settings(
        loss="non_saturating",
        n_dis=1,
        ema_kimg=10.0,
        ema_rampup=0.05,
        style_mixing=0.0,
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
        steps=80_000,
        seed=0,
        checkpoint_every=1000,
        sample_every=4000,
        log_every=50,
        keep_checkpoints=2,
        snapshot_every=4000,
        deterministic=True,
        jit_compile=False,
    ),
)


def smoke():
    """A few tiny steps of the same run (tests): 4 maps per resolution, batch 4 (one mbstd group)."""
    return RECIPE.smoke(channels=4)
