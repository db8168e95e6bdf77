"""Augmentations for data-efficient GAN training (applied to real and fake images before D)."""

from zoo.augment.advaug import AdvAug, pgd_perturbation
from zoo.augment.diffaugment import POLICIES, diff_augment, make_diffaugment, parse_policy

__all__ = ["AdvAug", "pgd_perturbation", "POLICIES", "diff_augment", "make_diffaugment", "parse_policy"]
