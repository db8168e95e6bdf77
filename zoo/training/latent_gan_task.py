"""Stage 2 of the two-stage latent GAN: the GAN task on normalised codes, publishing decode(G(z))."""

from __future__ import annotations

from zoo.models.latent2s import LatentCodeGenerator
from zoo.training.gan_task import GANTask


class LatentGANTask(GANTask):
    """A `GANTask` whose real batch is {"codes": normalised codes [B, h, w, c]} (the float-code pipeline,
    `zoo.training.code_data`), so the family's G and D work on codes exactly as they do on images (the GAN
    task's techniques run unchanged, except DiffAugment's colour ops, which assume RGB pixels and which
    `build_latent_gan_task` refuses; translation and cutout are spatial and apply). The stage-1 decoder is
    not one of the task's networks: it has no optimizer and is never changed (frozen).

    What it publishes, and previews (`sampler`), is the composite `LatentCodeGenerator(EMA G, decoder, statistics)`.

    Args:
        decoder: the stage-1 `CodeDecoder`.
        code_mean, code_std, code_scale, code_clipped: the normalisation of the training codes and the fraction
            of code values it clipped.
        the rest: `GANTask`'s.
    """

    real_key = "codes"

    def __init__(self, generator, discriminator, *, decoder, code_mean, code_std, code_scale, code_clipped=None,
                 **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.decoder = decoder
        self.code_mean, self.code_std, self.code_scale = list(code_mean), list(code_std), float(code_scale)
        self.code_clipped = code_clipped

    def sampler(self) -> LatentCodeGenerator:
        """The published and previewed sampler: decode(denormalise(EMA G(z))), sharing the EMA generator's and
        the decoder's variables."""
        return LatentCodeGenerator(code_generator=self.ema_generator, decoder=self.decoder, code_mean=self.code_mean,
                                   code_std=self.code_std, code_scale=self.code_scale,
                                   code_clipped=self.code_clipped).build_for_inputs()
