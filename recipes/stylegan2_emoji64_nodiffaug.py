"""StyleGAN2 on the emoji set at 64x64 without DiffAugment -> `stylegan2-emoji-64.nodiffaug` (baseline, not shipped).

Reproduces: the data-efficiency baseline of `recipes/stylegan2_emoji64.py` (the shipped `stylegan2-emoji-64`):
the same run, budget and seed with `diffaugment=""` (Zhao et al. 2020, "Differentiable Augmentation for
Data-Efficient GAN Training", Table 1 / Fig. 1 make this comparison on small sets; Chen et al. 2021 use StyleGAN2
as one of their backbones). Setup and deviations from the paper: see the base recipe. The README's 750-step
comparison (FID 283 without DiffAugment against 341 with it, 24k images) was made with release 1's recipe, at
commit 8f412fe (now `recipes/pilots/stylegan2_emoji64_p0.py` with 750 steps); this file follows the current
base recipe, so a new comparison runs at release 2's setup and budget.

Hardware / time: `train_state.json` of the run (`wall_clock_s`, `hardware`); FID / KID by
`benchmarks/stylegan2_diffaug_fid.py`.

Command:
    zoo train recipes/stylegan2_emoji64_nodiffaug.py --workdir ~/zoo-runs/stylegan2-emoji-64.nodiffaug --resume
"""

from zoo.training.recipe import base

RECIPE = base("stylegan2_emoji64").replace(
    name="stylegan2-emoji-64.nodiffaug",
    diffaugment="",
)

# smoke(): the base's smoke with these changes (`zoo.training.recipe.derived_smoke`)
