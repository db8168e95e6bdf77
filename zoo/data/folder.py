"""A folder of image files as a dataset, like torchvision's `ImageFolder` and `tfds.ImageFolder`.

Layout: either `<root>/<class>/.../<image>` (labelled: one subfolder per class, label = index of the folder
name in sorted order; every class folder must hold images, searched recursively) or `<root>/<image>`
(unlabelled). Files are recognised by extension (`EXTENSIONS`, any case); names starting with '.' are skipped.
Order: sorted class names, then sorted relative paths, so loads are deterministic across machines.
Images are EXIF-rotated, put on white / converted to `channels`, center-cropped and Lanczos-resized as in
`zoo.data.resize`. A folder dataset has a single split, 'train'.
References: torchvision.datasets.ImageFolder; tfds.folder_dataset.ImageFolder.
"""

from __future__ import annotations

import os

import numpy as np

from zoo.data.errors import DatasetNotFoundError, UnreadableImageError
from zoo.data.resize import as_size, to_array

EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".ppm", ".pgm")
SPLITS = ("train",)


def _visible(name: str) -> bool:
    return not name.startswith(".")


def is_image_file(name: str) -> bool:
    return _visible(name) and name.lower().endswith(EXTENSIONS)


def _images_in(directory: str, recursive: bool) -> list[str]:
    """Sorted paths of the image files in `directory` (and, if `recursive`, its visible subfolders)."""
    found = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if _visible(d)) if recursive else []
        found += [os.path.join(root, f) for f in sorted(files) if is_image_file(f)]
    return sorted(found, key=lambda p: os.path.relpath(p, directory).split(os.sep))


def list_image_folder(path: str) -> tuple[list[str], np.ndarray | None, list[str]]:
    """(image paths, int64 labels or None, class names) of an image folder, in load order; nothing is decoded."""
    if not os.path.isdir(path):
        raise DatasetNotFoundError(f"image folder {path!r} does not exist or is not a directory")
    subdirs = sorted(e.name for e in os.scandir(path) if e.is_dir() and _visible(e.name))
    per_class = {name: _images_in(os.path.join(path, name), recursive=True) for name in subdirs}
    top = _images_in(path, recursive=False)
    if any(per_class.values()):
        if top:
            raise ValueError(f"image folder {path!r} mixes images ({os.path.basename(top[0])}, ...) with class "
                             f"subfolders ({', '.join(subdirs)}); expected either one subfolder per class or only "
                             f"images")
        empty = [name for name, files in per_class.items() if not files]
        if empty:
            raise DatasetNotFoundError(f"class folder(s) {empty} of {path!r} hold no image files "
                                       f"(expected files ending in {', '.join(EXTENSIONS)})")
        files = [f for name in subdirs for f in per_class[name]]
        labels = np.concatenate([np.full(len(per_class[name]), i, np.int64) for i, name in enumerate(subdirs)])
        return files, labels, subdirs
    if not top:
        raise DatasetNotFoundError(f"no image files in {path!r}: expected files ending in {', '.join(EXTENSIONS)} "
                                   f"directly in it (unlabelled) or in one subfolder per class (labelled)")
    return top, None, []


def read_image(path: str, channels: int, size: tuple[int, int] | None) -> np.ndarray:
    """uint8 (H, W, channels) array of one image file; UnreadableImageError names the file if decoding fails."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            return to_array(image, channels, size)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise UnreadableImageError(f"cannot decode image file {path!r}: {e}") from e


def load_image_folder(path: str, resolution=None, channels: int = 3, split: str = "train"):
    """(images uint8 (N, H, W, channels), labels int64 or None) of the image folder at `path`.

    `resolution` (int or (height, width)) resizes every image; None keeps the native size, which must then be
    the same for all images.
    """
    if split not in SPLITS:
        raise ValueError(f"an image folder has only the split {SPLITS[0]!r}, got {split!r}")
    files, labels, _ = list_image_folder(path)
    size = as_size(resolution)
    images = None
    for i, file in enumerate(files):
        image = read_image(file, channels, size)
        if images is None:
            images = np.empty((len(files), *image.shape), np.uint8)
        elif image.shape != images.shape[1:]:
            raise ValueError(f"images in {path!r} differ in size: {files[0]!r} is {images.shape[1:3]}, {file!r} "
                             f"is {image.shape[:2]}; pass a resolution to resize them all")
        images[i] = image
    return images, labels
