"""The latent space a generator is walked and projected in: z, or StyleGAN2's w.

`LatentSpace(g)` gives one interface to every image generator, for latent walks (`zoo.interpolation`) and image
projection (`zoo.projection`):

- `kind`: "w" for a generator with a mapping and a synthesis network (StyleGAN2), "z" for every other family;
- `images_from_z(z, labels)`: the generator's own inference pass, float images in [-1, 1];
- `ws(z, labels, truncation)` and `images_from_ws(ws)`: w-space families, the mapping (psi-truncated like
  `sample`) and the synthesis from ws [N, num_ws, w_dim] with the stored noise, clipped as in `call`;
- `class_embedding(labels)` and `images_from_embedding(z, embedding)`: class-conditional z-space families
  whose generator has the `call_with_embedding` hook (BigGAN, SAGAN): images from class embeddings given as
  vectors, so that a walk can move between two classes.

The two-stage sampler (`zoo.models.latent2s.LatentCodeGenerator`) is walked in its code generator's space;
its samples are decoded (`decode`) after each of the above. Video generators have no such space here.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from zoo.models.latent2s.code_normalization import denormalise
from zoo.models.latent2s.latent_code_generator import LatentCodeGenerator


class LatentSpace:
    """The latent of `generator` (see the module docstring); a ValueError for video generators.

    Args:
        generator: a built zoo image generator.

    Reference: Karras et al., "A Style-Based Generator Architecture for GANs", CVPR 2019, Sec. 2 and 4 (w, the
    intermediate latent space, and interpolation in it); Brock et al., ICLR 2019, Sec. 3 and Fig. 8 (BigGAN's
    shared class embedding, interpolated between classes).
    """

    def __init__(self, generator):
        if getattr(generator, "output_kind", "image") != "image":
            raise ValueError(f"{type(generator).__name__} makes {generator.output_kind}s: latent walks and "
                             f"projection are for image generators")
        self.generator = generator
        self.composite = isinstance(generator, LatentCodeGenerator)
        self.network = generator.code_generator if self.composite else generator
        self.kind = "w" if hasattr(self.network, "mapping") and hasattr(self.network, "synthesis") else "z"

    @property
    def num_classes(self) -> int:
        return self.generator.num_classes

    @property
    def has_class_embedding(self) -> bool:
        """True when classes can be mixed (`images_from_embedding`)."""
        return bool(self.num_classes) and hasattr(self.network, "call_with_embedding")

    def decode(self, x):
        """The generator's images from its network's output: the decoded codes for the two-stage sampler."""
        if not self.composite:
            return x
        g = self.generator
        return g.decoder(denormalise(x, g.code_mean, g.code_std, g.code_scale), training=False)

    def images_from_z(self, z, labels=None):
        """Float images in [-1, 1] of z (inference mode): `generator(z, labels)`."""
        return self.generator(z, labels=labels, training=False)

    def ws(self, z, labels=None, truncation=None):
        """ws [N, num_ws, w_dim] of z: the mapping, moved towards w_avg by psi = `truncation` as in `sample`."""
        self.require("w")
        return self.network.mapping(tf.convert_to_tensor(z, tf.float32), labels, truncation=truncation,
                                    cutoff=self.network.truncation_cutoff)

    def images_from_ws(self, ws):
        """Float images in [-1, 1] synthesised from ws [N, num_ws, w_dim] with the stored noise."""
        self.require("w")
        return self.decode(tf.clip_by_value(self.network.synthesis(ws, noise="const"), -1.0, 1.0))

    def class_embedding(self, labels) -> np.ndarray:
        """float32 class embeddings [N, dim] of int labels (the rows `images_from_embedding` mixes)."""
        self.require_embedding()
        return np.asarray(self.network.class_embedding(np.asarray(labels, np.int32)), np.float32)

    def images_from_embedding(self, z, embedding):
        """Float images in [-1, 1] of z with class embeddings [N, dim] instead of labels."""
        self.require_embedding()
        return self.decode(self.network.call_with_embedding(z, embedding, training=False))

    @property
    def w_shape(self) -> tuple:
        """(num_ws, w_dim) of a w-space generator."""
        self.require("w")
        return (self.network.num_ws, self.network.w_dim)

    def require(self, kind: str) -> None:
        if self.kind != kind:
            raise ValueError(f"{type(self.network).__name__} has a {self.kind} latent, not {kind}")

    def require_embedding(self) -> None:
        if not self.has_class_embedding:
            raise ValueError(f"{type(self.network).__name__} has no class embedding to interpolate (needs a "
                             f"class-conditional generator with `call_with_embedding`, e.g. BigGAN or SAGAN)")
