"""SAGAN generator: conditional-BN ResNet generator with self-attention and spectral norm."""

from __future__ import annotations

import keras

from zoo.models.biggan.biggan_generator import BigGANGenerator


@keras.saving.register_keras_serializable(package="zoo")
class SAGANGenerator(BigGANGenerator):
    """SAGAN generator: the BigGAN generator without its two additions (no shared embedding, no hierarchical
    z): z -> SNDense -> ResBlocks(up) with per-class conditional BN tables [-> self-attention] -> BN-ReLU-SNConv3
    -> tanh. Spectral norm on every conv / linear of G, attention block with zero-initialised gain.

    Args:
        latent_dim: size of z (paper: 128).
        num_classes: number of classes.
        channels, channel_multipliers, bottom_width, attention_resolutions, image_channels, bn_*: as
            `zoo.models.biggan.BigGANGenerator`.

    Example:
        >>> g = SAGANGenerator(**zoo.models.sagan.PRESETS["sagan_32_small"]["generator"])
        >>> x = g.sample(10, seed=0, labels=list(range(10)))

    Reference: Zhang, Goodfellow, Metaxas, Odena, "Self-Attention Generative Adversarial Networks", ICML 2019,
    Sec. 3-5 (self-attention, SN in G, TTUR); the 128x128 layout is the "SAGAN baseline" of Brock et al. 2019,
    Table 1 row 1 (ch 64, 81.5M parameters in G and D together).
    """

    def __init__(self, *, latent_dim=128, num_classes=1000, channels=64, channel_multipliers=(16, 16, 8, 4, 2, 1),
                 bottom_width=4, attention_resolutions=(64,), image_channels=3, bn_momentum=0.9, bn_epsilon=1e-5,
                 sync_bn=True, shared_dim=0, hierarchical=False, **kwargs):
        if shared_dim or hierarchical:
            raise ValueError("SAGANGenerator has no shared embedding or hierarchical z; use BigGANGenerator")
        super().__init__(latent_dim=latent_dim, num_classes=num_classes, channels=channels,
                         channel_multipliers=channel_multipliers, bottom_width=bottom_width,
                         attention_resolutions=attention_resolutions, shared_dim=0, hierarchical=False,
                         image_channels=image_channels, bn_momentum=bn_momentum, bn_epsilon=bn_epsilon,
                         sync_bn=sync_bn, **kwargs)
