"""Base classes every zoo generator and discriminator derives from.

Both rebuild their variables from their Keras build config (`get_build_config` / `build_from_config`), so
`keras.saving.load_model` of a `.keras` file or a model directory restores every weight exactly: a generator
rebuilds by `build_for_inputs()` (one call on a dummy batch, with dummy labels when class-conditional); a
discriminator records the image shape it was built for and rebuilds the same way.
"""

from __future__ import annotations

import inspect

import keras
import numpy as np

from zoo.models.compiled_sampling import sampling_functions
from zoo.models.latents import check_label_values, check_labels, sample_latents
from zoo.models.pretrained_loader import load_preset
from zoo.models.standing_stats import SEED, standing_statistics
from zoo.models.tf_latents import stateless_latents

OUTPUT_KINDS = ("image", "video")


class GANGenerator(keras.Model):
    """A generator: `call(z, labels=None, training=False)` -> images in [-1, 1], NHWC (video: NTHWC).

    Subclasses set `latent_dim`, `num_classes` (0 = unconditional) and `image_shape` and implement `call`.
    `sample` is the one-call user API: seed -> uint8 numpy images, the same for the same seed on any machine
    (z is drawn with NumPy, not TensorFlow).

    What the published model samples is decided here, and the serving export (`zoo.export.serving`) follows it:
    - `output_kind`: "image" (NHWC) or "video" (NTHWC);
    - truncation: by default the BigGAN truncation trick in z-space, `latents(num, seed, truncation)` (NumPy,
      used by `sample`) and `latents_tf(num, seed, truncation)` (TF ops, used by the export's seed-driven
      signatures). A family that truncates elsewhere (StyleGAN2: psi in w-space) takes `truncation` as an
      argument of `call` (then `truncates_in_call` is True and plain z is drawn) or overrides both methods;
    - batch norm under truncation: a generator with batch norm samples a truncation T with the standing
      statistics of T (`standing_stats`, `zoo.models.standing_stats`), not its running statistics.

    Args:
        latent_dim: size of z.
        num_classes: number of classes for class-conditional generators, 0 otherwise.
    """

    output_kind = "image"  # what `sample` returns: "image" (uint8 NHWC) or "video" (uint8 NTHWC)
    sample_chunk = 128  # most samples per chunk of a compiled `sample` pass (`zoo.models.compiled_sampling`)

    def __init__(self, *, latent_dim: int, num_classes: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = int(latent_dim)
        self.num_classes = int(num_classes)
        if self.output_kind not in OUTPUT_KINDS:
            raise ValueError(f"{type(self).__name__}.output_kind must be one of {OUTPUT_KINDS}, "
                             f"got {self.output_kind!r}")

    @property
    def image_shape(self) -> tuple:
        """Shape of one sample without the batch axis: (H, W, C), video (T, H, W, C)."""
        raise NotImplementedError

    @property
    def discriminator_shapes(self):
        """What the family's discriminator is built for (`GANDiscriminator.build_for_inputs`): the sample shape
        (H, W, C); a multi-level video family (TGANv2) gives one clip shape per level."""
        return self.image_shape

    @property
    def truncates_in_call(self) -> bool:
        """True when `call` takes a `truncation` argument (truncation inside the network, e.g. psi in w-space):
        `sample` then draws plain z and passes `truncation` to `call`. False: z-space truncation (`latents`)."""
        return "truncation" in inspect.signature(self.call).parameters

    def latents(self, num: int, seed: int = 0, truncation: float | None = None) -> np.ndarray:
        """The z that `sample(num, seed=seed, truncation=truncation)` feeds to `call`: float32 (num, latent_dim)
        drawn by NumPy (`zoo.models.latents.sample_latents`), a normal truncated at +-truncation when
        `truncation` is set and the family truncates in z-space (the truncation trick)."""
        return sample_latents(num, self.latent_dim, seed=seed,
                              truncation=None if self.truncates_in_call else truncation)

    def latents_tf(self, num, seed, truncation=None):
        """`latents` in TF ops for graphs (the serving export's `sample` / `sample_truncated` signatures): z of
        shape [num, latent_dim] from the stateless seed [seed, 0], truncated at +-truncation in z-space.
        Not the NumPy stream of `latents`: the same seed gives other z here."""
        return stateless_latents(num, self.latent_dim, seed, None if self.truncates_in_call else truncation)

    def get_build_config(self):
        """{"latent_dim"} once built: a generator rebuilds its variables with `build_for_inputs()`."""
        return {"latent_dim": self.latent_dim} if self.built else None

    def build_from_config(self, config):
        """Create every variable (before `keras.saving.load_model` loads the weights) by `build_for_inputs()`."""
        if config.get("latent_dim", self.latent_dim) != self.latent_dim:
            raise ValueError(f"{type(self).__name__}: build config {config} does not match latent_dim "
                             f"{self.latent_dim}; expected the build config saved with this model")
        self.build_for_inputs()

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

    @classmethod
    def from_preset(cls, preset: str):
        """A pretrained generator, keras-hub's way: `preset` is a published name ("sngan-fmnist-32"),
        "hf://org/name[@revision]" or a published folder; every file is checked against its manifest's sha256
        (a name loads through `zoo.load`). A preset of another family is refused with an error naming both
        (`SNGANGenerator.from_preset("biggan-fmnist-32")`); on the base class (`zoo.models.Generator`) any family
        loads. Resolved by the hub layer (`zoo.hub.presets`, through `zoo.models.pretrained_loader`).

        Example:
            >>> g = zoo.models.Generator.from_preset("sngan-fmnist-32")
            >>> g = BigGANGenerator.from_preset("hf://zoo-gan/biggan-fmnist-32")
        """
        return load_preset(cls, preset)

    def build_for_inputs(self):
        """Create all variables by one call on a dummy batch (so weights can be loaded)."""
        z = np.zeros((1, self.latent_dim), np.float32)
        labels = np.zeros((1,), np.int32) if self.num_classes else None
        self(z, labels=labels, training=False)
        return self

    def generate(self, z, labels=None, batch_size: int = 64, **call_kwargs) -> np.ndarray:
        """Float images in [-1, 1] for the given latents (inference mode), computed in batches; `call_kwargs`
        (e.g. `truncation` for families that truncate in `call`) go to every call."""
        z = np.asarray(z, np.float32)
        self.check_inputs(z, labels)
        out = []
        for i in range(0, len(z), batch_size):
            lab = None if labels is None else np.asarray(labels[i:i + batch_size], np.int32)
            out.append(np.asarray(self(z[i:i + batch_size], labels=lab, training=False, **call_kwargs)))
        return np.concatenate(out, axis=0)

    def standing_stats(self, truncation: float, num_draws: int | None = None, batch_size: int | None = None,
                       seed: int = SEED) -> list:
        """The batch-norm standing statistics of truncation T (Brock et al. 2019, Sec. 3.1; BigGAN-PyTorch
        `utils.accumulate_standing_stats`): per BN layer the mean and variance of its batch statistics over
        `num_draws` training-mode passes (default `NUM_DRAWS`) of `batch_size` samples (default `BATCH_SIZE`) of
        truncated z (seed `seed`), one float32 array
        per `standing_statistics(self).variables` entry. Cached per T on this generator (computed on first use;
        recomputed when called with other settings, which then serve `sample` too); [] without batch norm.
        See `zoo.models.standing_stats`."""
        return standing_statistics(self).compute(truncation, num_draws=num_draws, batch_size=batch_size, seed=seed)

    def using_standing_stats(self, truncation: float | None):
        """A context in which calls of this generator (e.g. `generate`) normalise with the standing statistics of
        `truncation` (the cached ones, else computed with the defaults); a no-op for None or without batch norm.

        Example:
            >>> with g.using_standing_stats(0.25):
            ...     x = g.generate(g.latents(16, seed=0, truncation=0.25), labels)   # what g.sample gives
        """
        stats = standing_statistics(self)
        return stats.scope(stats.get(truncation) if truncation is not None and stats else None)

    def sample(self, num: int, seed: int = 0, labels=None, truncation: float | None = None,
               batch_size: int = 64, standing_stats: bool = True) -> np.ndarray:
        """`num` uint8 images (NHWC; video NTHWC) from seed `seed`; same seed -> same images.

        z comes from NumPy (`latents`); each pass runs compiled (`zoo.models.compiled_sampling`: one trace per
        pass size, conditioning and truncation mode, none per seed or psi), with the same pixels as the eager
        `to_uint8(generate(z, labels, batch_size=batch_size))`.

        Args:
            num: how many samples.
            seed: NumPy seed for z.
            labels: class ids, shape (num,) or one int, for class-conditional generators.
            truncation: the family's truncation (default: z from a normal truncated at +-truncation, the
                truncation trick; see `latents`); None = no truncation.
            batch_size: how many samples per forward pass.
            standing_stats: with a truncation, normalise batch norm by the standing statistics of that
                truncation (`standing_stats`; computed on its first use, cached), as BigGAN samples; False:
                by the running statistics of training (near-black images at small T). No effect without
                truncation or batch norm.
        """
        labels = check_labels(labels, int(num), self.num_classes)
        z = self.latents(num, seed=seed, truncation=truncation)
        self.check_inputs(z, labels)
        psi = truncation if self.truncates_in_call else None
        if int(batch_size) < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        functions, batch_size = sampling_functions(self), int(batch_size)
        stats = standing_statistics(self)
        standing = (stats.variables, stats.get(truncation)) if standing_stats and truncation is not None and stats \
            else None
        return np.concatenate([functions.images(z[i:i + batch_size],
                                                None if labels is None else labels[i:i + batch_size], psi, standing)
                               for i in range(0, len(z), batch_size)], axis=0)


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

    def build_for_inputs(self, image_shape):
        """Create all variables by one call on a dummy batch of `image_shape` (H, W, C) images (with dummy
        labels when class-conditional), so weights can be loaded."""
        labels = np.zeros((1,), np.int32) if self.num_classes else None
        self(np.zeros((1, *[int(s) for s in image_shape]), np.float32), labels=labels, training=False)
        return self

    def get_build_config(self):
        """{"image_shape": [H, W, C]}: the shape of the images this discriminator was built for (None if not
        built), recorded so that `build_from_config` can rebuild it without a generator at hand."""
        config = super().get_build_config() if self.built else None
        if not config:
            return None
        shape = config["input_shape"] if "input_shape" in config else next(iter(config["shapes_dict"].values()))
        return {"image_shape": [int(s) for s in shape[1:]]}

    def build_from_config(self, config):
        """Create every variable (before `keras.saving.load_model` loads the weights) by `build_for_inputs`."""
        if "image_shape" not in config:
            raise ValueError(f"{type(self).__name__}: build config {config} has no image_shape; expected "
                             f"{{'image_shape': [H, W, C]}} as written by GANDiscriminator.get_build_config")
        self.build_for_inputs(config["image_shape"])

    def input_blocks(self) -> list:
        """D's blocks from the input up, each a list of layers: FreezeD (Mo et al. 2020) freezes the lowest ones.
        The default is the family's `blocks` (residual D blocks); families laid out otherwise override it."""
        blocks = getattr(self, "blocks", None)
        if blocks is None:
            raise NotImplementedError(f"{type(self).__name__} does not list its blocks (input_blocks), needed by "
                                      f"FreezeD")
        return [[block] for block in blocks]

    def features(self, images, labels=None, training=None):
        """The penultimate features h (N, F) of `images`: the input of the final linear / projection head."""
        raise NotImplementedError(f"{type(self).__name__} does not split into features / head (needed by AdvAug)")

    def head(self, features, labels=None, training=None):
        """Logits (N,) from the penultimate features (and the labels, for projection discriminators)."""
        raise NotImplementedError(f"{type(self).__name__} does not split into features / head (needed by AdvAug)")
