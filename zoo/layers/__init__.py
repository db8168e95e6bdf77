"""Building blocks shared by the GAN families."""

from zoo.layers.conditional_batch_norm import ConditionalBatchNorm
from zoo.layers.conditional_blocks import ConditionalGBlock
from zoo.layers.equalized import EqualizedConv2D, EqualizedDense
from zoo.layers.minibatch_std import MinibatchStdDev
from zoo.layers.modulated_conv import ModulatedConv2D
from zoo.layers.resnet_blocks import DBlock, GBlock
from zoo.layers.self_attention import SelfAttention
from zoo.layers.spectral_norm import SNConv2D, SNDense, SNEmbedding, spectral_normalize

__all__ = ["ConditionalBatchNorm", "ConditionalGBlock", "DBlock", "EqualizedConv2D", "EqualizedDense", "GBlock",
           "MinibatchStdDev", "ModulatedConv2D", "SNConv2D", "SNDense", "SNEmbedding", "SelfAttention",
           "spectral_normalize"]
