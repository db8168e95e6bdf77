"""TFDS builders over the local files: `zoo_fmnist` and `zoo_emoji`, prepared without any download.

Importing this module registers both names, so that offline
    tfds.load("zoo_fmnist", split="train", data_dir=...)            # or "zoo_fmnist/small", "zoo_emoji", ...
prepares the dataset once from the Debian files (`zoo.data.fmnist`, `zoo.data.emoji`) and then reads it like
any TFDS dataset. `_split_generators` never touches the download manager, `download_and_prepare` always runs with
`try_download_gcs=False` and the DatasetInfo skips the GCS metadata lookup, so nothing is looked up on the
network, whatever the TFDS version's GCS default. TFDS stores examples in its own deterministic order (by a
hash of the key, the example's index in the source split), not in the source order.

Configs: `full` (default, every example) and `small` (the first 1,000 examples of each split, for tests and
smoke runs). `ZooConfig(name=..., max_examples=n)` makes any other prefix.
Reference: TFDS "Writing custom datasets", https://www.tensorflow.org/datasets/add_dataset
"""

from __future__ import annotations

import dataclasses

import numpy as np
import tensorflow_datasets as tfds

from zoo.data import emoji, fmnist


@dataclasses.dataclass(eq=False)
class ZooConfig(tfds.core.BuilderConfig):
    """`max_examples`: keep only the first n examples of each split (None: all)."""

    max_examples: int | None = None


CONFIGS = [
    ZooConfig(name="full", description="every example"),
    ZooConfig(name="small", description="the first 1,000 examples of each split", max_examples=1000),
]


class LocalDatasetInfo(tfds.core.DatasetInfo):
    """DatasetInfo that never looks for published metadata on GCS (TFDS versions with GCS enabled would)."""

    def initialize_from_bucket(self) -> None:
        pass


class LocalBuilder(tfds.core.GeneratorBasedBuilder, skip_registration=True):
    """A builder whose `load(split)` reads local files; subclasses set `_info` and `load`, and `FEATURE`, the
    name of the feature that holds the arrays `load` returns ('image'; a video builder: 'video')."""

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES = {"1.0.0": "First release."}
    BUILDER_CONFIGS = CONFIGS
    SPLITS = ("train", "test")
    FEATURE = "image"
    # No URLs to check. Also skips TFDS's lookup of a checksums file beside the module, which in
    # tensorflow-datasets 4.9.10 imports the `importlib_resources` backport that Python >= 3.9 does not install.
    url_infos = None

    def load(self, split: str) -> tuple[np.ndarray, np.ndarray | None]:
        raise NotImplementedError

    def download_and_prepare(self, *, download_config=None, **kwargs):
        """As in TFDS, but never looks for a prepared copy on GCS (the data is local)."""
        config = download_config or tfds.download.DownloadConfig()
        return super().download_and_prepare(
            download_config=dataclasses.replace(config, try_download_gcs=False), **kwargs)

    def _split_generators(self, dl_manager):
        del dl_manager  # local files only
        return {split: self._generate_examples(split) for split in self.SPLITS}

    def _generate_examples(self, split: str):
        images, labels = self.load(split)
        n = len(images) if self.builder_config.max_examples is None else self.builder_config.max_examples
        for i in range(min(n, len(images))):
            example = {self.FEATURE: images[i]}
            if labels is not None:
                example["label"] = int(labels[i])
            yield i, example


class ZooFmnist(LocalBuilder):
    """Fashion-MNIST from the Debian package `dataset-fashion-mnist`, zero-padded to 32x32x1."""

    name = "zoo_fmnist"

    def _info(self) -> tfds.core.DatasetInfo:
        return LocalDatasetInfo(
            builder=self,
            description=fmnist.__doc__,
            features=tfds.features.FeaturesDict({
                "image": tfds.features.Image(shape=(32, 32, 1)),
                "label": tfds.features.ClassLabel(names=fmnist.CLASS_NAMES),
            }),
            supervised_keys=("image", "label"),
            homepage="https://github.com/zalandoresearch/fashion-mnist",
            license="MIT",
        )

    def load(self, split):
        return fmnist.load_fmnist(split=split)


class ZooEmoji(LocalBuilder):
    """Noto Color Emoji from the Debian package `fonts-noto-color-emoji`, 64x64x3 on white, no labels."""

    name = "zoo_emoji"

    def _info(self) -> tfds.core.DatasetInfo:
        return LocalDatasetInfo(
            builder=self,
            description=emoji.__doc__,
            features=tfds.features.FeaturesDict({"image": tfds.features.Image(shape=(64, 64, 3))}),
            homepage="https://github.com/googlefonts/noto-emoji",
            license="SIL Open Font License 1.1",
        )

    def load(self, split):
        return emoji.load_emoji(split=split, resolution=64)
