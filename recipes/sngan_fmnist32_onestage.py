"""SNGAN on Fashion-MNIST 32x32 trained in one stage (OSGAN) -> `sngan-fmnist-32.onestage`.

Reproduces: the one-stage training scheme of Shen et al. 2021 ("Training Generative Adversarial Networks in
One Stage", CVPR 2021, Sec. 3: gradient decomposition for asymmetric losses) applied to our shipped
`sngan-fmnist-32` run (`recipes/sngan_fmnist32.py`): the same architecture, data, loss, optimizers, batch,
seed and number of steps; only `training_mode` differs (and `keep_checkpoints`, 20 instead of 3, so the
intermediate checkpoints stay for the FID-vs-wall-clock curve of `benchmarks/onestage_quality.py`). Not a paper table: the paper trains DCGAN / WGAN
models on MNIST, CelebA and others and reports about 1.5x faster training at similar quality (Sec. 4).

What differs from `sngan-fmnist-32` (see `zoo/training/one_stage.py`):
- one G forward and one D forward/backward per step give both updates; both are computed at the same
  (pre-update) weights and applied together, where the two-stage run alternates (its G step sees D's
  updated weights) and draws a separate z for its G step; BN statistics and spectral-norm power iterations
  advance once per step instead of twice;
- hinge loss in one stage is exact only on the fakes D has not rejected with margin: a fake with
  D(G(z)) <= -1 gives G no gradient (D's fake hinge is flat there, so D's backward pass carries nothing to
  rescale). G therefore minimises -E[1(D(G(z)) > -1) D(G(z))] instead of -E[D(G(z))]. The logged `g_active`
  is the fraction of fakes that still teach G; if it stays near 0, G stalls (a loss such as non_saturating
  is exact in one stage, but would no longer compare with `sngan-fmnist-32`).
Speed: `benchmarks/onestage.py` measured 0.536 vs 0.669 s/step (ratio 1.25) for `sngan_32_small` at batch 64
on 2 CPU cores shared with two training jobs (`benchmarks/results/onestage.jsonl`; the pass-count estimate
is 4/3), so the same 4,500 steps should take about 20% less wall clock.

Hardware / time: 4,500 steps in 4,253 s (`runs/sngan-fmnist-32.onestage/train_state.json`) on 2 CPU cores
shared with other training and FID jobs (so not a speed measurement; the step-time ratio comes from
`benchmarks/onestage.py`). Result: FID-5k vs fmnist/test 38.3 at step 4,500 against 32.5 for the two-stage run
at the same step, and no better at equal time (`benchmarks/onestage_quality.py`, README one-stage section);
`g_active` median 0.39 over the run. It did not reach the two-stage FID, so it is not released; the release
command below is what shipping it would take.

Command:
    zoo train recipes/sngan_fmnist32_onestage.py --workdir runs/sngan-fmnist-32.onestage
    zoo release runs/sngan-fmnist-32.onestage --recipe recipes/sngan_fmnist32_onestage.py \
        --repo-id zoo-gan/sngan-fmnist-32.onestage --num 10000 --reference fmnist/test --train fmnist/train --seed 0
"""

from zoo.training.recipe import base

RECIPE = base("sngan_fmnist32").replace(
    name="sngan-fmnist-32.onestage",
    training_mode="one_stage",
    keep_checkpoints=20,
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
