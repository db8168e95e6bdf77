"""Latent walks of image generators: `interpolate` (slerp in z, lerp in w, class-embedding interpolation) and
`save_walk` (a grid video, GIF or MP4)."""

from zoo.interpolation.paths import fractions, lerp, slerp
from zoo.interpolation.walk import interpolate, walk_labels
from zoo.interpolation.writing import save_walk

__all__ = ["fractions", "interpolate", "lerp", "save_walk", "slerp", "walk_labels"]
