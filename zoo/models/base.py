"""Base classes every zoo generator and discriminator derives from."""

from __future__ import annotations

import keras
import numpy as np

from zoo.images import to_uint8
from zoo.models.latents import check_label_values, check_labels, sample_latents


class GANGenerator(keras.Model):
    """A generator: `call(z, labels=None, training=False)` -> images in [-1, 1], NHWC (video: NTHWC).

    Subclasses set `latent_dim`, `num_classes` (0 = unconditional) and `image_shape` and implement `call`.
    `sample` is the one-call user API: seed -> uint8 numpy images, the same for the same seed on any machine
    (z is drawn with NumPy, not TensorFlow).

    Args:
        latent_dim: size of z.
        num_classes: number of classes for class-conditional generators, 0 otherwise.
    """

    def __init__(self, *, latent_dim: int, num_classes: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = int(latent_dim)
        self.num_classes = int(num_classes)

    @property
    def image_shape(self) -> tuple:
        raise NotImplementedError

    def get_config(self):
        config = super().get_config()
        config.update(latent_dim=self.latent_dim, num_classes=self.num_classes)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def orthogonal_kernels(self):
        """The weights BigGAN's orthogonal regularization applies to (default: every trainable matrix or conv
        kernel). Families override this to exclude weights such as embeddings."""
        return [v for v in self.trainable_variables if len(v.shape) >= 2]

    def check_inputs(self, z, labels=None):
        """Raise a ValueError naming the expected shapes when z / labels do not fit this generator."""
        shape = tuple(z.shape)
        if len(shape) != 2 or (shape[1] is not None and shape[1] != self.latent_dim):
            raise ValueError(f"{type(self).__name__} expects z of shape (N, {self.latent_dim}), got {shape}")
        if self.num_classes and labels is None:
            raise ValueError(f"{type(self).__name__} is class-conditional: labels of shape (N,) are required")
        if not self.num_classes and labels is not None:
            raise ValueError(f"{type(self).__name__} is unconditional: labels must be None")
        if labels is not None:
            check_label_values(labels, shape[0], self.num_classes, type(self).__name__)

    def stem(self, z, labels=None, training=None):
        """(h, context): the output h of G's first layer and whatever the rest of G needs besides h (e.g. the
        class / latent conditioning of each block), so that `render(*stem(z, labels))` == `call(z, labels)`.
        AdvAug (`zoo.augment.advaug`) perturbs h."""
        raise NotImplementedError(f"{type(self).__name__} does not split into stem / render (needed by AdvAug)")

    def render(self, h, context=None, training=None):
        """Images from the first layer's output h and the `context` returned by `stem`."""
        raise NotImplementedError(f"{type(self).__name__} does not split into stem / render (needed by AdvAug)")

    def build_for_inputs(self):
        """Create all variables by one call on a dummy batch (so weights can be loaded)."""
        z = np.zeros((1, self.latent_dim), np.float32)
        labels = np.zeros((1,), np.int32) if self.num_classes else None
        self(z, labels=labels, training=False)
        return self

    def generate(self, z, labels=None, batch_size: int = 64) -> np.ndarray:
        """Float images in [-1, 1] for the given latents (inference mode), computed in batches."""
        z = np.asarray(z, np.float32)
        self.check_inputs(z, labels)
        out = []
        for i in range(0, len(z), batch_size):
            lab = None if labels is None else np.asarray(labels[i:i + batch_size], np.int32)
            out.append(np.asarray(self(z[i:i + batch_size], labels=lab, training=False)))
        return np.concatenate(out, axis=0)

    def sample(self, num: int, seed: int = 0, labels=None, truncation: float | None = None,
               batch_size: int = 64) -> np.ndarray:
        """`num` uint8 images (NHWC; video NTHWC) from seed `seed`; same seed -> same images.

        Args:
            num: how many samples.
            seed: NumPy seed for z.
            labels: class ids, shape (num,) or one int, for class-conditional generators.
            truncation: draw z from a normal truncated at +-truncation (the truncation trick); None = plain normal.
            batch_size: how many samples per forward pass.
        """
        labels = check_labels(labels, int(num), self.num_classes)
        z = sample_latents(num, self.latent_dim, seed=seed, truncation=truncation)
        return to_uint8(self.generate(z, labels, batch_size=batch_size))


class GANDiscriminator(keras.Model):
    """A discriminator: `call(images, labels=None, training=False)` -> logits of shape (N,).

    Families also split `call` into `features` (the penultimate features: the input of the final linear /
    projection head) and `head`, so that `head(features(x, y), y)` == `call(x, y)`; AdvAug perturbs them.

    Args:
        num_classes: number of classes for projection discriminators, 0 otherwise.
    """

    def __init__(self, *, num_classes: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = int(num_classes)

    def get_config(self):
        config = super().get_config()
        config.update(num_classes=self.num_classes)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def features(self, images, labels=None, training=None):
        """The penultimate features h (N, F) of `images`: the input of the final linear / projection head."""
        raise NotImplementedError(f"{type(self).__name__} does not split into features / head (needed by AdvAug)")

    def head(self, features, labels=None, training=None):
        """Logits (N,) from the penultimate features (and the labels, for projection discriminators)."""
        raise NotImplementedError(f"{type(self).__name__} does not split into features / head (needed by AdvAug)")
