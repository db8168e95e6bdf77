"""SAGAN projection discriminator with self-attention."""

from __future__ import annotations

import keras

from zoo.models.biggan.biggan_discriminator import BigGANDiscriminator


@keras.saving.register_keras_serializable(package="zoo")
class SAGANDiscriminator(BigGANDiscriminator):
    """SAGAN discriminator: SN ResBlocks(down) [-> self-attention] -> ReLU -> sum pool -> linear + projection.
    Same layers as `zoo.models.biggan.BigGANDiscriminator` (BigGAN kept SAGAN's D); defaults are the 128x128
    "SAGAN baseline" of Brock et al. 2019 (ch 64).

    Args:
        num_classes, channels, channel_multipliers, num_down, resolution, attention_resolutions,
        image_channels: as `BigGANDiscriminator`.

    Example:
        >>> d = SAGANDiscriminator(**zoo.models.sagan.PRESETS["sagan_32_small"]["discriminator"])

    Reference: Zhang et al. 2019, Sec. 4-5; Miyato & Koyama 2018 (projection).
    """

    def __init__(self, *, num_classes=1000, channels=64, channel_multipliers=(1, 2, 4, 8, 16, 16), num_down=5,
                 resolution=128, attention_resolutions=(64,), image_channels=3, **kwargs):
        super().__init__(num_classes=num_classes, channels=channels, channel_multipliers=channel_multipliers,
                         num_down=num_down, resolution=resolution, attention_resolutions=attention_resolutions,
                         image_channels=image_channels, **kwargs)
