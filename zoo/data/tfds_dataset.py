"""Any TFDS image dataset as uint8 arrays: `load_arrays("tfds:<name>", split)`, e.g. "tfds:cifar10".

`tfds.load(name, split=split, data_dir=data_dir, download=download)` is read in file order
(`shuffle_files=False`), feature `image_key` (default 'image') becomes uint8 NHWC and, when present as an
integer scalar, feature `label_key` (default 'label') becomes int64 labels. With a `resolution`, every image
is center-cropped and Lanczos-resized like the other loaders (`zoo.data.resize`); `channels` converts to 1 or
3 channels. Offline, only prepared datasets work: the local builders of `zoo.data.tfds_builders`
(`tfds:zoo_fmnist`, `tfds:zoo_emoji`) or datasets already in `data_dir`; other names make TFDS download.
Reference: https://www.tensorflow.org/datasets/api_docs/python/tfds/load
"""

from __future__ import annotations

import numpy as np

from zoo.data.resize import as_size, to_array


def _tfds():
    import tensorflow_datasets as tfds

    import zoo.data.tfds_builders  # noqa: F401  (registers zoo_fmnist and zoo_emoji)

    return tfds


def _convert(image: np.ndarray, channels: int | None, size: tuple[int, int] | None, name: str) -> np.ndarray:
    if image.dtype != np.uint8 or image.ndim != 3:
        raise ValueError(f"tfds:{name} images must be uint8 (H, W, C), got {image.dtype} {image.shape}")
    channels = channels or image.shape[-1]
    if channels == image.shape[-1] and (size is None or image.shape[:2] == size):
        return image
    from PIL import Image

    return to_array(Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image), channels, size)


def load_tfds(name: str, split: str = "train", resolution=None, channels: int | None = None,
              data_dir: str | None = None, image_key: str = "image", label_key: str = "label",
              download: bool = True):
    """(images uint8 (N, H, W, C), labels int64 (N,) or None) of TFDS dataset `name` and `split`."""
    tfds = _tfds()
    dataset = tfds.load(name, split=split, data_dir=data_dir, download=download, shuffle_files=False)
    spec = dataset.element_spec
    if not isinstance(spec, dict) or image_key not in spec:
        keys = sorted(spec) if isinstance(spec, dict) else type(spec).__name__
        raise ValueError(f"tfds:{name} has no image feature {image_key!r} (features: {keys}); pass image_key=")
    label = spec.get(label_key)
    has_labels = label is not None and label.shape.rank == 0 and label.dtype.is_integer
    size = as_size(resolution)
    images, labels = [], []
    for example in tfds.as_numpy(dataset):
        images.append(_convert(example[image_key], channels, size, name))
        if has_labels:
            labels.append(example[label_key])
    if not images:
        raise ValueError(f"tfds:{name} split {split!r} is empty")
    shapes = {im.shape for im in images}
    if len(shapes) > 1:
        raise ValueError(f"tfds:{name} images differ in size ({sorted(shapes)[:3]}, ...); pass a resolution")
    return np.stack(images), (np.asarray(labels, np.int64) if has_labels else None)


def tfds_info(name: str, resolution=None, channels: int | None = None, data_dir: str | None = None,
              image_key: str = "image", label_key: str = "label", download: bool = True) -> dict:
    """`dataset_info` of a TFDS dataset from its builder's metadata (nothing is downloaded or prepared).

    `resolution` and `channels` are those `load_tfds` would return; split sizes are known once prepared.
    """
    del download  # accepted so that `load_arrays` keyword arguments can be passed unchanged
    tfds = _tfds()
    info = tfds.builder(name, data_dir=data_dir).info
    image = info.features[image_key]
    label = info.features[label_key] if label_key in info.features else None
    shape = tuple(image.shape)
    size = as_size(resolution) or (shape[:2] if None not in shape[:2] else None)
    return {
        "num_classes": getattr(label, "num_classes", None),
        "resolution": list(size) if size else None,
        "channels": channels or shape[2],
        "splits": sorted(info.splits),
        "num_examples": {split: int(s.num_examples) for split, s in sorted(info.splits.items())},
    }
