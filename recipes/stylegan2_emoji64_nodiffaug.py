"""StyleGAN2 on the emoji set at 64x64 without DiffAugment -> `stylegan2-emoji-64.nodiffaug` (baseline, not shipped).

Reproduces: the data-efficiency baseline of `recipes/stylegan2_emoji64.py` (the shipped `stylegan2-emoji-64`):
the same run, budget and seed with `diffaugment=""`; the two FIDs are compared in the README (Zhao et al. 2020,
"Differentiable Augmentation for Data-Efficient GAN Training", Table 1 / Fig. 1 make this comparison on
small sets; Chen et al. 2021 use StyleGAN2 as one of their backbones).

Setup (see `recipes/stylegan2_emoji64.py` for the sources): non-saturating logistic loss, lazy R1 every 16
steps with gamma = 0.0002 * 64^2 / 32, path-length regularization every 4 steps (weight 2, decay 0.01, batch
shrink 2), style mixing 0.9, Adam lr 0.0025 with betas (0, 0.99) (lazy correction by the trainer), EMA
half-life 10k images with ramp-up 0.05.

Deviations from the paper, for a 2-core CPU: preset `stylegan2_64_small` (z = w = 128, 2 mapping layers,
256 -> 16 maps from 4x4 to 64x64, 1.4M / 2.3M parameters in G / D) and a budget of `steps` x 32 images
(the paper trains for 25M+ images).

Hardware / time: `train_state.json` of the run (`wall_clock_s`, `hardware`); FID / KID, the psi sweep and the
style-mixing grid by `zoo release` (`zoo.cli.release`), quoted in the model card and README.

Command:
    zoo train recipes/stylegan2_emoji64_nodiffaug.py --workdir runs/stylegan2-emoji-64.nodiffaug
"""

from zoo.training.recipe import base

RECIPE = base("stylegan2_emoji64").replace(
    name="stylegan2-emoji-64.nodiffaug",
    diffaugment="",
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
