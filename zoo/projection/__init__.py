"""Projection of images into a generator's latent space: `project` (z, w or w+; class searched when not given),
`reconstruct`, `psnr`; the perceptual term from the FID Inception network's features (`perceptual`)."""

from zoo.projection.projector import ProjectionResult, project, psnr, reconstruct

__all__ = ["ProjectionResult", "project", "psnr", "reconstruct"]
