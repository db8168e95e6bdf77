"""Any TFDS image or video dataset as uint8 arrays: `load_arrays("tfds:<name>", split)`, e.g. "tfds:cifar10",
or with `frames=` a video dataset: `load_arrays("tfds:ucf101", "train", frames=16, resolution=64)`.

`tfds.load(name, split=split, data_dir=data_dir, download=download)` is read in file order
(`shuffle_files=False`), feature `image_key` (default 'image') becomes uint8 NHWC and, when present as an
integer scalar, feature `label_key` (default 'label') becomes int64 labels. With a `resolution`, every image
is center-cropped and Lanczos-resized like the other loaders (`zoo.data.resize`); `channels` converts to 1 or
3 channels. Offline, only prepared datasets work: the local builders of `zoo.data.tfds_builders`
(`tfds:zoo_fmnist`, `tfds:zoo_emoji`) or datasets already in `data_dir`; other names make TFDS download.

Video (`frames` given): feature `video_key` (default 'video', e.g. a `tfds.features.Video`, shape (T, H, W, C))
becomes uint8 NTHWC clips of frames 0, stride, 2*stride, ... ((frames - 1) * stride + 1 frames from the start
of every example; a shorter example is an error). The video feature is read undecoded
(`tfds.decode.SkipDecoding`) and only the kept frames are decoded, each converted like an image.
Reference: https://www.tensorflow.org/datasets/api_docs/python/tfds/load ;
https://www.tensorflow.org/datasets/api_docs/python/tfds/features/Video ; https://www.tensorflow.org/datasets/decode
"""

from __future__ import annotations

import io

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
              download: bool = True, frames: int | None = None, stride: int = 1, video_key: str = "video"):
    """(images uint8 (N, H, W, C), labels int64 (N,) or None) of TFDS dataset `name` and `split`; with `frames`,
    (clips uint8 (N, frames, H, W, C), labels) of its video feature `video_key` (see the module docstring)."""
    if frames is not None:
        return load_tfds_video(name, split, frames, stride, resolution, channels, data_dir, video_key, label_key,
                               download)
    tfds = _tfds()
    dataset = tfds.load(name, split=split, data_dir=data_dir, download=download, shuffle_files=False)
    spec = dataset.element_spec
    if not isinstance(spec, dict) or image_key not in spec:
        keys = sorted(spec) if isinstance(spec, dict) else type(spec).__name__
        raise ValueError(f"tfds:{name} has no image feature {image_key!r} (features: {keys}); pass image_key= "
                         f"(video datasets: pass frames=)")
    label = spec.get(label_key)
    has_labels = label is not None and label.shape.rank == 0 and label.dtype.is_integer
    size = as_size(resolution)
    images, labels = [], []
    for example in tfds.as_numpy(dataset):
        images.append(_convert(example[image_key], channels, size, name))
        if has_labels:
            labels.append(example[label_key])
    return _stack(images, labels if has_labels else None, name, split, "images")


def _stack(arrays: list, labels: list | None, name: str, split: str, what: str):
    """(np.stack(arrays), int64 labels or None); a clear error when the split is empty or sizes differ."""
    if not arrays:
        raise ValueError(f"tfds:{name} split {split!r} is empty")
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        raise ValueError(f"tfds:{name} {what} differ in size ({sorted(shapes)[:3]}, ...); pass a resolution")
    return np.stack(arrays), (None if labels is None else np.asarray(labels, np.int64))


def frame_indices(frames: int, stride: int) -> np.ndarray:
    """The frames kept of every video: 0, stride, ..., (frames - 1) * stride."""
    if int(frames) < 1 or int(stride) < 1:
        raise ValueError(f"video datasets need frames >= 1 and stride >= 1, got frames={frames}, stride={stride}")
    return np.arange(int(frames)) * int(stride)


def _decode_frame(frame) -> np.ndarray:
    """uint8 (H, W, C) of one video frame: encoded bytes (PNG / JPEG, as TFDS stores a Video) or an array."""
    if isinstance(frame, (bytes, np.bytes_)):
        from PIL import Image

        with Image.open(io.BytesIO(frame)) as image:
            frame = np.asarray(image if image.mode in ("L", "RGB", "RGBA") else image.convert("RGB"))
    frame = np.asarray(frame)
    return frame[..., None] if frame.ndim == 2 else frame


def load_tfds_video(name: str, split: str = "train", frames: int = 16, stride: int = 1, resolution=None,
                    channels: int | None = None, data_dir: str | None = None, video_key: str = "video",
                    label_key: str = "label", download: bool = True):
    """(clips uint8 (N, frames, H, W, C), labels int64 (N,) or None) of the video feature `video_key` of TFDS
    dataset `name` and `split`: frames `frame_indices(frames, stride)` of every example, each converted like an
    image of `load_tfds` (`resolution`, `channels`)."""
    tfds = _tfds()
    keep = frame_indices(frames, stride)
    builder = tfds.builder(name, data_dir=data_dir)
    features = builder.info.features
    if video_key not in features or len(features[video_key].shape) != 4:
        raise ValueError(f"tfds:{name} has no video feature {video_key!r} of shape (T, H, W, C) "
                         f"(features: {sorted(features.keys())}); pass video_key=")
    if download:
        builder.download_and_prepare()
    dataset = builder.as_dataset(split=split, shuffle_files=False, decoders={video_key: tfds.decode.SkipDecoding()})
    label = dataset.element_spec.get(label_key)
    has_labels = label is not None and label.shape.rank == 0 and label.dtype.is_integer
    size = as_size(resolution)
    clips, labels = [], []
    for i, example in enumerate(tfds.as_numpy(dataset)):
        video = example[video_key]
        if len(video) <= keep[-1]:
            raise ValueError(f"tfds:{name} {split} example {i} has {len(video)} frames; frames={frames} at "
                             f"stride={stride} need {keep[-1] + 1}")
        clips.append(np.stack([_convert(_decode_frame(video[t]), channels, size, name) for t in keep]))
        if has_labels:
            labels.append(example[label_key])
    return _stack(clips, labels if has_labels else None, name, split, "frames")


def tfds_info(name: str, resolution=None, channels: int | None = None, data_dir: str | None = None,
              image_key: str = "image", label_key: str = "label", download: bool = True, frames: int | None = None,
              stride: int = 1, video_key: str = "video") -> dict:
    """`dataset_info` of a TFDS dataset from its builder's metadata (nothing is downloaded or prepared).

    `resolution` and `channels` are those `load_tfds` would return (video, with `frames`: resolution
    [frames, H, W]); split sizes are known once prepared.
    """
    del download  # accepted so that `load_arrays` keyword arguments can be passed unchanged
    tfds = _tfds()
    info = tfds.builder(name, data_dir=data_dir).info
    label = info.features[label_key] if label_key in info.features else None
    if frames is None:
        shape = tuple(info.features[image_key].shape)
    else:
        frame_indices(frames, stride)
        shape = tuple(info.features[video_key].shape)[1:]
    size = as_size(resolution) or (shape[:2] if None not in shape[:2] else None)
    if size is not None and frames is not None:
        size = (int(frames), *size)
    return {
        "num_classes": getattr(label, "num_classes", None),
        "resolution": list(size) if size else None,
        "channels": channels or shape[2],
        "splits": sorted(info.splits),
        "num_examples": {split: int(s.num_examples) for split, s in sorted(info.splits.items())},
    }
