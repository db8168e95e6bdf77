"""Building blocks shared by the GAN families."""

from zoo.layers.resnet_blocks import DBlock, GBlock
from zoo.layers.spectral_norm import SNConv2D, SNDense, SNEmbedding, spectral_normalize

__all__ = ["DBlock", "GBlock", "SNConv2D", "SNDense", "SNEmbedding", "spectral_normalize"]
