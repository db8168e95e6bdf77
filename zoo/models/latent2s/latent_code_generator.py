"""The published sampler of the two-stage latent GAN: a code generator followed by the frozen decoder."""

from __future__ import annotations

import keras
import numpy as np

from zoo.models.base import GANGenerator
from zoo.models.latent2s.code_normalization import check_statistics, denormalise


@keras.saving.register_keras_serializable(package="zoo")
class LatentCodeGenerator(GANGenerator):
    """Images = decode(denormalise(G(z))): a zoo GAN generator of normalised codes and stage 1's decoder.

    `sample`, `generate`, the `.keras` / model-folder round trip and the serving export work as for any zoo
    generator; z, labels and truncation are the code generator's (`latent_dim`, `num_classes`,
    `truncates_in_call`, `latents`, `latents_tf` delegate to it). The code statistics (per-channel mean and
    std of the training codes, and the scale of `zoo.models.latent2s.code_normalization`) are part of the
    config, so the saved model carries them.

    Args:
        code_generator: a built `GANGenerator` whose `image_shape` is the decoder's code shape (or its Keras
            serialization, when loading).
        decoder: the stage-1 `CodeDecoder` (or its serialization).
        code_mean, code_std: per code channel; code_scale: the normalisation's scale.
        code_clipped: the fraction of training code values the normalisation clipped (information only).

    Reference: Liu, Yao and Ren, arXiv 1909.03611 (only the abstract is public: an autoencoder compresses the
    images, a GAN learns the codes, the decoder renders them); `zoo.models.latent2s` for zoo's choices.
    """

    def __init__(self, *, code_generator, decoder, code_mean, code_std, code_scale, code_clipped=None,
                 latent_dim=None, num_classes=None, **kwargs):
        if isinstance(code_generator, dict):
            code_generator = keras.saving.deserialize_keras_object(code_generator)
        if isinstance(decoder, dict):
            decoder = keras.saving.deserialize_keras_object(decoder)
        if not isinstance(code_generator, GANGenerator):
            raise ValueError(f"code_generator must be a zoo GANGenerator, got {type(code_generator).__name__}")
        super().__init__(latent_dim=code_generator.latent_dim, num_classes=code_generator.num_classes, **kwargs)
        self.code_mean = [float(v) for v in code_mean]
        self.code_std = [float(v) for v in code_std]
        self.code_scale = float(code_scale)
        self.code_clipped = None if code_clipped is None else float(code_clipped)
        check_statistics(self.code_mean, self.code_std, self.code_scale)
        code_shape = tuple(int(s) for s in decoder.input_shape_for_build)
        if tuple(code_generator.image_shape) != code_shape or len(self.code_mean) != code_shape[-1]:
            raise ValueError(f"the code generator makes {tuple(code_generator.image_shape)} samples and there are "
                             f"{len(self.code_mean)} channel statistics, but the decoder takes codes of shape "
                             f"{code_shape}; expected the same shape and one statistic per code channel")
        self.code_generator = code_generator
        self.decoder = decoder

    @property
    def image_shape(self) -> tuple:
        return tuple(self.decoder.image_shape)

    @property
    def truncates_in_call(self) -> bool:
        return self.code_generator.truncates_in_call

    def latents(self, num: int, seed: int = 0, truncation: float | None = None) -> np.ndarray:
        return self.code_generator.latents(num, seed=seed, truncation=truncation)

    def latents_tf(self, num, seed, truncation=None):
        return self.code_generator.latents_tf(num, seed, truncation)

    def check_inputs(self, z, labels=None):
        self.code_generator.check_inputs(z, labels)

    def codes(self, z, labels=None, training=False, **kwargs):
        """The denormalised codes the decoder renders, [N, h, w, c]."""
        return denormalise(self.code_generator(z, labels=labels, training=training, **kwargs), self.code_mean,
                           self.code_std, self.code_scale)

    def call(self, z, labels=None, training=False, truncation=None):
        kwargs = {"truncation": truncation} if truncation is not None else {}
        return self.decoder(self.codes(z, labels, training=training, **kwargs), training=False)

    def build_for_inputs(self):
        self.code_generator.build_for_inputs()
        self.decoder.build_for_inputs()
        return super().build_for_inputs()

    def get_config(self):
        config = super().get_config()
        config.pop("latent_dim", None)
        config.pop("num_classes", None)
        config.update(code_generator=keras.saving.serialize_keras_object(self.code_generator),
                      decoder=keras.saving.serialize_keras_object(self.decoder), code_mean=self.code_mean,
                      code_std=self.code_std, code_scale=self.code_scale, code_clipped=self.code_clipped)
        return config
