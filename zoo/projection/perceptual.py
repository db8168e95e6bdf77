"""The perceptual term of projection: distances between intermediate features of the FID Inception network.

LPIPS (Zhang et al., CVPR 2018) compares unit-normalised VGG / AlexNet features with learned per-channel
weights, and stylegan2-ada's `projector.py` uses it; neither those weights nor VGG's are available offline. zoo
builds the same kind of distance from the network it already loads offline and checks by sha256, the FID
InceptionV3 "2015-12-05" (`zoo.metrics.fid_inception`, weights from `zoo.metrics.fid_weights`):

    d(x, y) = sum over layers l of  mean over positions of  || f_l(x) / |f_l(x)| - f_l(y) / |f_l(y)| ||^2

with f_l the channel vector of layer l at one position (unit-normalised over channels, LPIPS' normalisation,
uniform weights: LPIPS' "baseline" form without the learned linear layer). The default layers are the early
ones, conv_2 (147x147x64), conv_4 (71x71x192) and mixed_2 (35x35x288): edges and textures, as LPIPS' early
VGG layers. Images are resized to 299x299 as for FID (`zoo.metrics.resize`, legacy bilinear; grayscale repeated
to 3 channels). Cost on 2 CPU cores: ~0.18 s per image for a forward and backward pass.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from zoo.metrics.fid_inception import fid_inception
from zoo.metrics.resize import DEFAULT_RESIZE, to_inception_input

DEFAULT_LAYERS = ("conv_2", "conv_4", "mixed_2")


class InceptionPerceptual:
    """Callable: (images, targets), float NHWC in [-1, 1] -> the perceptual distance per image, float32 (N,).

    Args:
        layers: FID Inception layer names whose outputs are compared (`DEFAULT_LAYERS`).
        weights: path of the FID weights file (default `zoo.metrics.fid_weights.fid_weights_path()`).

    Reference: Zhang et al., "The Unreasonable Effectiveness of Deep Features as a Perceptual Metric", CVPR 2018
    (LPIPS: unit-normalised deep features); Szegedy et al. 2016 (InceptionV3); Heusel et al. 2017 (its FID graph).
    """

    def __init__(self, layers=DEFAULT_LAYERS, weights: str | None = None):
        self.layers = tuple(layers)
        network = fid_inception(weights)
        missing = [name for name in self.layers if name not in {layer.name for layer in network.layers}]
        if missing:
            raise ValueError(f"the FID Inception network has no layers {missing}; e.g. {DEFAULT_LAYERS}")
        self.features = keras.Model(network.input, [network.get_layer(name).output for name in self.layers])

    def feature_maps(self, images) -> list:
        """Unit-normalised feature maps of float images in [-1, 1] (differentiable)."""
        x = to_inception_input((tf.convert_to_tensor(images, tf.float32) + 1.0) * 127.5, DEFAULT_RESIZE)
        maps = self.features(x, training=False)
        maps = maps if isinstance(maps, (list, tuple)) else [maps]
        return [f * tf.math.rsqrt(tf.reduce_sum(tf.square(f), axis=-1, keepdims=True) + 1e-10) for f in maps]

    def __call__(self, images, targets) -> tf.Tensor:
        return self.distance(self.feature_maps(images), self.feature_maps(targets))

    @staticmethod
    def distance(maps, target_maps) -> tf.Tensor:
        """Per image: the sum over layers of the mean squared difference of unit-normalised features."""
        return tf.add_n([tf.reduce_mean(tf.reduce_sum(tf.square(a - b), axis=-1), axis=[1, 2])
                         for a, b in zip(maps, target_maps)])
