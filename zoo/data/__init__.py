"""Datasets as in-memory uint8 arrays plus tf.data pipelines. `load_arrays(name, split)` is the entry point.

Names:
  'fmnist'          Fashion-MNIST, 32x32x1, 10 classes (Debian `dataset-fashion-mnist`)     zoo.data.fmnist
  'fmnist10pct'     10% of every fmnist train class (6,000 images), seeded; test split whole  zoo.data.fmnist
  'fmnist1pct'      1% of every fmnist train class (600 images), inside 'fmnist10pct'          zoo.data.fmnist
  'mfmnist'         Moving Fashion-MNIST video clips, 16x64x64x1, label = first item's class  zoo.data.mfmnist
                    splits train (8,000 clips) / test (1,000): uint8 NTHWC
  'emoji'           Noto Color Emoji, 64x64x3, no labels (Debian `fonts-noto-color-emoji`)   zoo.data.emoji
                    splits train (3,534) / test (392) / all (both, 3,926: the few-shot FID reference)
  'emojione'        EmojiOne PNGs, 64x64x3 on white, no labels (Debian `ruby-gemojione`)      zoo.data.emojione
                    splits fewshot100 (100) / rest (1,694; halves rest_a / rest_b, 847 each) / all (1,794)
  'cvclips'         real footage of 3 OpenCV sample videos, clips 16x64x64x3 (Debian `opencv-doc`) zoo.data.opencv_clips
                    at stride 8, label = source video; splits train (125) / test (12) / all (137): uint8 NTHWC
  'folder:<path>'   a folder of images, one subfolder per class or none                     zoo.data.folder
  'tfds:<name>'     any TFDS image dataset, e.g. 'tfds:cifar10' or offline 'tfds:zoo_fmnist' zoo.data.tfds_dataset
                    or video dataset with `frames=`, e.g. load_arrays('tfds:ucf101', frames=16, resolution=64)
Keyword arguments go to the loader (e.g. `resolution=`, `channels=`, `data_dir=`).
"""

from __future__ import annotations

import os

from zoo.data import emoji as _emoji
from zoo.data import emojione as _emojione
from zoo.data import fmnist as _fmnist
from zoo.data import folder as _folder
from zoo.data import mfmnist as _mfmnist
from zoo.data import opencv_clips as _opencv_clips
from zoo.data.class_names import class_names, label_ids
from zoo.data.errors import DatasetNotFoundError, UnreadableImageError
from zoo.data.emoji import load_emoji
from zoo.data.fmnist import load_fmnist
from zoo.data.folder import load_image_folder
from zoo.data.idx import read_idx, read_idx_shape

NAMED = ("fmnist", *_fmnist.SUBSETS, "emoji", "emojione", "mfmnist", "cvclips")
PREFIXES = ("folder:", "tfds:")


def parse_name(name: str) -> tuple[str, str]:
    """('fmnist', '') / ('fmnist', '10pct') / ('emoji', '') / ('folder', path) / ('tfds', tfds name) for a name."""
    if name in _fmnist.SUBSETS:
        return "fmnist", name[len("fmnist"):]
    if name in NAMED:
        return name, ""
    for prefix in PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            return prefix[:-1], name[len(prefix):]
    raise KeyError(f"unknown dataset {name!r}; expected one of {list(NAMED)} or 'folder:<path>' or 'tfds:<name>'")


def load_arrays(name: str, split: str = "train", **kwargs):
    """(images uint8 NHWC, labels int64 (N,) or None) of dataset `name` and `split` (see the module docstring);
    video datasets give clips uint8 NTHWC."""
    kind, arg = parse_name(name)
    if kind == "mfmnist":
        return _mfmnist.load_mfmnist(split=split, **kwargs)
    if kind == "cvclips":
        return _opencv_clips.load_cvclips(split=split, **kwargs)
    if kind == "fmnist":
        return load_fmnist(split=split, percent=_fmnist_percent(arg), **kwargs)
    if kind == "emoji":
        return load_emoji(split=split, **kwargs)
    if kind == "emojione":
        return _emojione.load_emojione(split=split, **kwargs)
    if kind == "folder":
        return load_image_folder(arg, split=split, **kwargs)
    from zoo.data.tfds_dataset import load_tfds

    return load_tfds(arg, split=split, **kwargs)


def _fmnist_percent(arg: str) -> float:
    """'' -> 100, '10pct' -> 10 (the subset part of an fmnist dataset name)."""
    return _fmnist.SUBSETS[f"fmnist{arg}"] if arg else 100


def _fmnist_info(pad_to: int = 32, directory: str | None = None, percent: float = 100) -> dict:
    directory = directory or _fmnist.data_dir()
    counts = {}
    for split, prefix in _fmnist.SPLITS.items():
        path = os.path.join(directory, f"{prefix}-labels-idx1-ubyte.gz")
        if not os.path.exists(path):
            raise DatasetNotFoundError(_fmnist.INSTALL_HINT.format(dir=directory, env=_fmnist.ENV_VAR))
        if split == "train" and percent != 100:  # the subset's size needs the labels (60 kB), not the images
            counts[split] = len(_fmnist.subset_indices(read_idx(path), percent))
        else:
            counts[split] = read_idx_shape(path)[0]
    return {"num_classes": _fmnist.NUM_CLASSES, "resolution": [pad_to, pad_to], "channels": 1,
            "splits": list(counts), "num_examples": counts}


def _emoji_info(resolution=_emoji.DEFAULT_RESOLUTION, font: str | None = None, cache_dir: str | None = None) -> dict:
    from zoo.data.resize import as_size

    del cache_dir  # accepted so that `load_arrays` keyword arguments can be passed unchanged
    counts = _emoji.num_examples(font)
    return {"num_classes": None, "resolution": list(as_size(resolution)), "channels": 3,
            "splits": list(counts), "num_examples": counts}


def _emojione_info(resolution=_emojione.DEFAULT_RESOLUTION, directory: str | None = None,
                   cache_dir: str | None = None) -> dict:
    from zoo.data.resize import as_size

    del cache_dir  # accepted so that `load_arrays` keyword arguments can be passed unchanged
    counts = _emojione.num_examples(directory)
    return {"num_classes": None, "resolution": list(as_size(resolution)), "channels": 3,
            "splits": list(counts), "num_examples": counts}


def _mfmnist_info(frames: int = _mfmnist.DEFAULT_FRAMES, resolution: int = _mfmnist.DEFAULT_RESOLUTION,
                  num: int | None = None, fmnist_dir: str | None = None) -> dict:
    del fmnist_dir
    counts = {s: (n if num is None else min(int(num), n)) for s, n in _mfmnist.NUM_CLIPS.items()}
    return {"num_classes": _fmnist.NUM_CLASSES, "resolution": [int(frames), int(resolution), int(resolution)],
            "channels": 1, "splits": list(counts), "num_examples": counts}


def _cvclips_info(frames: int = _opencv_clips.DEFAULT_FRAMES, stride: int = _opencv_clips.DEFAULT_STRIDE,
                  resolution=_opencv_clips.DEFAULT_RESOLUTION, directory: str | None = None) -> dict:
    from zoo.data.resize import as_size

    counts = _opencv_clips.num_examples(frames, stride, resolution, directory)  # decodes once, then cached
    return {"num_classes": _opencv_clips.NUM_CLASSES, "resolution": [int(frames), *as_size(resolution)],
            "channels": 3, "splits": list(counts), "num_examples": counts}


def _folder_info(path: str, resolution=None, channels: int = 3) -> dict:
    from PIL import Image

    from zoo.data.resize import as_size

    files, _, class_names = _folder.list_image_folder(path)
    size = as_size(resolution)
    if size is None:
        with Image.open(files[0]) as image:
            size = (image.height, image.width)
    return {"num_classes": len(class_names) or None, "resolution": list(size), "channels": channels,
            "splits": list(_folder.SPLITS), "num_examples": {_folder.SPLITS[0]: len(files)}}


def dataset_info(name: str, **kwargs) -> dict:
    """{'num_classes': int or None, 'resolution': [H, W] (video: [T, H, W]), 'channels': int, 'splits': [...],
    'num_examples': {split: n}} of dataset `name`, as written into manifests; images are not decoded.

    Takes the `load_arrays` keyword arguments that change these numbers (`resolution`, `channels`, `pad_to`,
    `data_dir`, ...). For 'folder:' without `resolution` the size is the first image's.
    """
    kind, arg = parse_name(name)
    if kind == "fmnist":
        return _fmnist_info(percent=_fmnist_percent(arg), **kwargs)
    if kind == "emoji":
        return _emoji_info(**kwargs)
    if kind == "emojione":
        return _emojione_info(**kwargs)
    if kind == "mfmnist":
        return _mfmnist_info(**kwargs)
    if kind == "cvclips":
        return _cvclips_info(**kwargs)
    if kind == "folder":
        return _folder_info(arg, **kwargs)
    from zoo.data.tfds_dataset import tfds_info

    return tfds_info(arg, **kwargs)


__all__ = ["DatasetNotFoundError", "UnreadableImageError", "class_names", "dataset_info", "label_ids", "load_arrays", "load_emoji",
           "load_fmnist", "load_image_folder", "parse_name"]
