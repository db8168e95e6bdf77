"""EmojiOne as an RGB image dataset for few-shot fine-tuning, read from the Debian package `ruby-gemojione`.

The package (3.3.0-1) ships 1,794 EmojiOne PNGs, one per emoji, named by code point (`1F600.png`,
`1F1EB-1F1F7.png`, ...) in `/usr/share/rubygems-integration/all/gems/gemojione-3.3.0/assets/png/`, all 64x64
(modes RGBA, P with a transparent index, LA, L). Each is composited over white and converted to RGB
(`zoo.data.resize.to_array`, as every zoo loader); at the default 64x64 nothing is resized, another `resolution`
is a center crop + Lanczos resize as for `emoji`. No labels. Order: the file names sorted as Python strings.

Splits, over the N = 1,794 images in that order (position i):
- `fewshot100` (100): the few-shot training set, the middle of each of 100 equal bins of the sorted list,
  positions (2k + 1) * N // 200 for k = 0..99 (8, 26, 44, ..., 1785). No random seed: the selection is fixed by
  N alone and spread over every block of the code-point order (flags, faces, people, symbols...).
- `rest` (1,694): every other image, the held-out reference of few-shot FID / KID.
- `rest_a` / `rest_b` (847 / 847): the even / odd positions within `rest`, two disjoint halves for the real-data
  floor at the same n (fakes vs `rest_b`, floor `rest_a` vs `rest_b`).
- `all` (1,794): everything.
Five flag images are pixel-identical copies of other flags (4 groups, e.g. Norway and Bouvet Island). No
`fewshot100` image has a copy in `rest`; each group has images in both `rest_a` and `rest_b`, so 4 of the 847
images of either half have a copy in the other, which lowers the floor a little.

The directory is `directory`, else `$ZOO_EMOJIONE_DIR`, else the Debian path. It is the PNG folder itself, or the
root of `dpkg -x ruby-gemojione_*.deb DIR` (then its `usr/share/rubygems-integration/all/gems/gemojione-*/
assets/png`). The decoded arrays are cached as
`${ZOO_CACHE:-~/.cache/zoo}/emojione/emojione-<folder sha256[:16]>-<H>x<W>-v<N>.npz`, where the folder digest
covers every PNG's name and content.
References: EmojiOne 2.x artwork (c) Ranks.com Inc., CC BY-SA 4.0 (see /usr/share/doc/ruby-gemojione/copyright);
gemojione, https://github.com/bonusly/gemojione
"""

from __future__ import annotations

import glob
import hashlib
import os

import numpy as np

from zoo.data import cache
from zoo.data.errors import DatasetNotFoundError
from zoo.data.folder import read_image
from zoo.data.resize import as_size

PNG_GLOB = "usr/share/rubygems-integration/all/gems/gemojione-*/assets/png"  # under / or a `dpkg -x` root
DEFAULT_DIR = "/usr/share/rubygems-integration/all/gems/gemojione-3.3.0/assets/png"
ENV_VAR = "ZOO_EMOJIONE_DIR"
FEWSHOT = 100
FEWSHOT_SPLIT = f"fewshot{FEWSHOT}"
SPLITS = (FEWSHOT_SPLIT, "rest", "rest_a", "rest_b", "all")
SIZES = {FEWSHOT_SPLIT: 100, "rest": 1694, "rest_a": 847, "rest_b": 847, "all": 1794}  # of the Debian 3.3.0-1 set
DEFAULT_RESOLUTION = 64
CACHE_FORMAT = 1  # bump when the decoding changes, so old cache files are not reused
INSTALL_HINT = ("EmojiOne PNGs not found in {path}. Install them with `apt-get install ruby-gemojione` (as root), or "
                "`apt-get download ruby-gemojione && dpkg -x ruby-gemojione_*.deb DIR` and set {env}=DIR "
                "(or {env}=DIR/{glob}).")


def _pngs(directory: str) -> list[str]:
    """Sorted names of the `.png` files directly in `directory` (none if it is not a directory)."""
    if not os.path.isdir(directory):
        return []
    return sorted(n for n in os.listdir(directory) if n.lower().endswith(".png") and not n.startswith("."))


def png_dir(directory: str | None = None) -> str:
    """The PNG folder: `directory`, else `$ZOO_EMOJIONE_DIR`, else the Debian one (any gemojione version).

    A folder without PNGs that holds `usr/share/rubygems-integration/all/gems/gemojione-*/assets/png` (a
    `dpkg -x` root) stands for that folder. Raises DatasetNotFoundError naming the package if none has PNGs.
    """
    path = directory or os.environ.get(ENV_VAR)
    if not path:
        found = sorted(glob.glob(os.path.join("/", PNG_GLOB)))
        path = found[-1] if found else DEFAULT_DIR
    if not _pngs(path):
        inside = sorted(p for p in glob.glob(os.path.join(path, PNG_GLOB)) if _pngs(p))
        if not inside:
            raise DatasetNotFoundError(INSTALL_HINT.format(path=path, env=ENV_VAR, glob=PNG_GLOB))
        path = inside[-1]
    return path


def list_pngs(directory: str | None = None) -> tuple[str, list[str]]:
    """(PNG folder, its `.png` file names sorted as strings)."""
    path = png_dir(directory)
    return path, _pngs(path)


def folder_sha256(path: str, names: list[str]) -> str:
    """Hex sha256 over every file's name and content sha256, in order (the cache key of the decoded set)."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0" + bytes.fromhex(cache.file_sha256(os.path.join(path, name))))
    return digest.hexdigest()


def decode(path: str, names: list[str], resolution=DEFAULT_RESOLUTION) -> np.ndarray:
    """uint8 (N, H, W, 3) of the files `names` in `path`: over white, RGB, Lanczos-resized if not H x W."""
    size = as_size(resolution)
    if not names:
        return np.zeros((0, *size, 3), np.uint8)
    return np.stack([read_image(os.path.join(path, name), 3, size) for name in names])


def split_indices(num_examples: int, split: str) -> np.ndarray:
    """Sorted positions (int64) of `split` among `num_examples` images in file-name order (module docstring)."""
    check_split(split)
    everything = np.arange(num_examples, dtype=np.int64)
    if split == "all":
        return everything
    if num_examples < 2 * FEWSHOT:
        raise ValueError(f"emojione split {split!r} needs at least {2 * FEWSHOT} images, the folder has {num_examples}")
    fewshot = (2 * np.arange(FEWSHOT, dtype=np.int64) + 1) * num_examples // (2 * FEWSHOT)
    if split == FEWSHOT_SPLIT:
        return fewshot
    rest = np.delete(everything, fewshot)
    return {"rest": rest, "rest_a": rest[0::2], "rest_b": rest[1::2]}[split]


def check_split(split: str) -> str:
    """`split` if it is one of `SPLITS`, else a ValueError naming them."""
    if split not in SPLITS:
        raise ValueError(f"unknown emojione split {split!r}; known: {list(SPLITS)}")
    return split


def cache_file(sha256: str, size: tuple[int, int], directory: str | None = None) -> str:
    directory = directory or cache.cache_dir("emojione")
    return os.path.join(directory, f"emojione-{sha256[:16]}-{size[0]}x{size[1]}-v{CACHE_FORMAT}.npz")


def load_all(resolution=DEFAULT_RESOLUTION, directory: str | None = None, cache_dir: str | None = None):
    """(images uint8 (N, H, W, 3), file names (N,) str) of every PNG by file name, decoded once then read from
    the `.npz` cache."""
    path, names = list_pngs(directory)
    size = as_size(resolution)
    sha256 = folder_sha256(path, names)
    target = cache_file(sha256, size, cache_dir)
    cached = cache.load_npz(target)
    if (cached is not None and str(cached.get("folder_sha256")) == sha256
            and cached.get("images", np.zeros(0)).shape == (len(names), *size, 3)):
        return cached["images"], cached["names"]
    images = decode(path, names, size)
    names = np.array(names, dtype=str)
    cache.save_npz(target, images=images, names=names, folder_sha256=np.array(sha256))
    return images, names


def load_emojione(split: str = FEWSHOT_SPLIT, resolution=DEFAULT_RESOLUTION, directory: str | None = None,
                  cache_dir: str | None = None):
    """(images uint8 (N, H, W, 3), None) of split 'fewshot100', 'rest', 'rest_a', 'rest_b' or 'all', in
    file-name order; `resolution` an int or (height, width)."""
    check_split(split)
    images, _ = load_all(resolution, directory, cache_dir)
    return images[split_indices(len(images), split)], None


def num_examples(directory: str | None = None) -> dict[str, int]:
    """{split: number of images} of every split, from the file listing (nothing is decoded); a folder of fewer
    than 200 PNGs has only 'all'."""
    n = len(list_pngs(directory)[1])
    splits = SPLITS if n >= 2 * FEWSHOT else ("all",)
    return {split: len(split_indices(n, split)) for split in splits}
