"""Real footage: video clips cut from the OpenCV sample videos of the Debian package `opencv-doc` (no download).

Videos, in label order (the label of a clip is its video's position in `VIDEOS`):
  0 `vtest.avi`     795 frames, 768x576, 10 fps: a fixed outdoor camera, pedestrians crossing a campus road
  1 `Megamind.avi`  270 frames, 720x528, 24 fps: an excerpt of the animated film (opens on black frames)
  2 `tree.avi`       68 frames, 320x240, 15 fps: a tree seen through a window, a hand enters
(the `samples/data` of OpenCV 4.6, in /usr/share/doc/opencv-doc/examples/data/ of Debian's `opencv-doc`;
`$ZOO_OPENCV_DATA` names another directory holding these three files).

Decoding: `cv2.VideoCapture` (the FFmpeg backend of opencv-python-headless) reads every frame; each frame is
center-cropped to the aspect of `resolution` (square for an int; `zoo.data.resize.center_crop_box`), resized
with `cv2.INTER_AREA` (pixel-area averaging, OpenCV's filter for shrinking) and converted from BGR to RGB.

Clips: clip j of a video holds its frames j*stride .. j*stride + frames - 1; a video of n frames gives
(n - frames) // stride + 1 clips and its trailing frames are dropped. Defaults `frames`=16, `stride`=8:
98 + 32 + 7 = 137 clips, uint8 NTHWC.

Splits: clip j of each video is in `test` when j % 10 == 9, else in `train` (the interleave of
`zoo.data.emoji`, per video, so both splits are spread over every video): with the defaults 125 train and
12 test clips (9 from vtest, 3 from Megamind, none from tree's 7 clips). `all` is both, ordered by (video, j).
The splits hold different clips, not different footage: with stride < frames a test clip shares frames with
its train neighbours j-1 and j+1, and every clip of a video shows the same scene. Use `test` for a
held-out-clip check, not as unseen footage.

The decoded clips are cached as `${ZOO_CACHE:-~/.cache/zoo}/cvclips/cvclips-<sha256[:16] of the three
files>-<frames>f<stride>s-<H>x<W>-v<N>.npz`.
Reference: OpenCV VideoCapture, https://docs.opencv.org/4.x/d8/dfe/classcv_1_1VideoCapture.html ;
`cv::resize` interpolation flags, https://docs.opencv.org/4.x/da/d54/group__imgproc__transform.html
"""

from __future__ import annotations

import hashlib
import os

import numpy as np

from zoo.data import cache
from zoo.data.errors import DatasetNotFoundError, UnreadableImageError
from zoo.data.resize import as_size, center_crop_box

DEFAULT_DIR = "/usr/share/doc/opencv-doc/examples/data"
ENV_VAR = "ZOO_OPENCV_DATA"
VIDEOS = ("vtest.avi", "Megamind.avi", "tree.avi")  # label = index; fixed: changing it relabels every clip
NUM_CLASSES = len(VIDEOS)
SPLITS = ("train", "test")  # disjoint; `ALL` is their union
ALL = "all"
KNOWN_SPLITS = (*SPLITS, ALL)
TEST_EVERY = 10
DEFAULT_FRAMES = 16
DEFAULT_STRIDE = 8
DEFAULT_RESOLUTION = 64
CACHE_FORMAT = 1  # bump when the decoding changes, so old cache files are not reused
INSTALL_HINT = ("OpenCV sample videos {missing} not found in {dir}. Install them with `apt-get install opencv-doc` "
                "(as root). Slim images (e.g. Docker's Debian) drop /usr/share/doc when installing; then use "
                "`apt-get download opencv-doc && dpkg -x opencv-doc_*.deb DIR` and set "
                "{env}=DIR/usr/share/doc/opencv-doc/examples/data.")


def data_dir(directory: str | None = None) -> str:
    """`directory`, else `$ZOO_OPENCV_DATA`, else the Debian path; raises DatasetNotFoundError naming the package
    when any of `VIDEOS` is missing there."""
    directory = directory or os.environ.get(ENV_VAR) or DEFAULT_DIR
    missing = [name for name in VIDEOS if not os.path.isfile(os.path.join(directory, name))]
    if missing:
        raise DatasetNotFoundError(INSTALL_HINT.format(missing=", ".join(missing), dir=directory, env=ENV_VAR))
    return directory


def read_frames(path: str, size: tuple[int, int]) -> np.ndarray:
    """uint8 (n, H, W, 3) RGB: every frame of the video at `path`, center-cropped and INTER_AREA-resized to `size`."""
    import cv2

    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise UnreadableImageError(f"OpenCV cannot open the video {path}")
    frames = []
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            left, top, right, bottom = center_crop_box(frame.shape[1], frame.shape[0], size)
            frame = cv2.resize(frame[top:bottom, left:right], (size[1], size[0]), interpolation=cv2.INTER_AREA)
            frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    finally:
        capture.release()
    if not frames:
        raise UnreadableImageError(f"OpenCV decoded no frame of the video {path}")
    return np.stack(frames)


def cut_clips(video: np.ndarray, frames: int, stride: int) -> np.ndarray:
    """(num_clips, frames, H, W, C): clip j is video[j*stride : j*stride + frames]; trailing frames dropped."""
    count = max(0, (len(video) - frames) // stride + 1)
    if count == 0:
        return np.zeros((0, frames, *video.shape[1:]), np.uint8)
    return np.stack([video[j * stride:j * stride + frames] for j in range(count)])


def decode_videos(directory: str, frames: int = DEFAULT_FRAMES, stride: int = DEFAULT_STRIDE,
                  resolution=DEFAULT_RESOLUTION) -> dict[str, np.ndarray]:
    """{"video": uint8 (N, frames, H, W, 3), "labels": int64 (N,) video index, "clip_index": int64 (N,) j within
    its video}: every clip of every video of `VIDEOS` in `directory`, ordered by (video, j), without the cache."""
    check_clip_args(frames, stride)
    size = as_size(resolution)
    clips, labels, index = [], [], []
    for label, name in enumerate(VIDEOS):
        video_clips = cut_clips(read_frames(os.path.join(directory, name), size), frames, stride)
        clips.append(video_clips)
        labels.append(np.full(len(video_clips), label, np.int64))
        index.append(np.arange(len(video_clips), dtype=np.int64))
    return {"video": np.concatenate(clips), "labels": np.concatenate(labels), "clip_index": np.concatenate(index)}


def check_clip_args(frames: int, stride: int) -> None:
    if int(frames) < 1 or int(stride) < 1:
        raise ValueError(f"cvclips needs frames >= 1 and stride >= 1, got frames={frames}, stride={stride}")


def check_split(split: str) -> str:
    """`split` if it is one of `KNOWN_SPLITS`, else a ValueError naming them."""
    if split not in KNOWN_SPLITS:
        raise ValueError(f"unknown cvclips split {split!r}; known: {list(KNOWN_SPLITS)}")
    return split


def split_mask(clip_index: np.ndarray, split: str) -> np.ndarray:
    """Boolean mask over clips: clip j of its video is `test` iff j % 10 == 9, otherwise `train`; `all`: every clip."""
    check_split(split)
    clip_index = np.asarray(clip_index)
    if split == ALL:
        return np.ones(clip_index.shape, bool)
    is_test = clip_index % TEST_EVERY == TEST_EVERY - 1
    return is_test if split == "test" else ~is_test


def videos_sha256(directory: str) -> str:
    """sha256 over the sha256 of each of `VIDEOS` in order: names the cache file of this footage."""
    digests = "".join(cache.file_sha256(os.path.join(directory, name)) for name in VIDEOS)
    return hashlib.sha256(digests.encode()).hexdigest()


def load_all(frames: int = DEFAULT_FRAMES, stride: int = DEFAULT_STRIDE, resolution=DEFAULT_RESOLUTION,
             directory: str | None = None) -> dict[str, np.ndarray]:
    """`decode_videos` of the footage in `data_dir(directory)`, decoded once then read from the `.npz` cache."""
    check_clip_args(frames, stride)
    directory = data_dir(directory)
    size = as_size(resolution)
    sha256 = videos_sha256(directory)
    path = os.path.join(cache.cache_dir("cvclips"), f"cvclips-{sha256[:16]}-{int(frames)}f{int(stride)}s-"
                        f"{size[0]}x{size[1]}-v{CACHE_FORMAT}.npz")
    data = cache.load_npz(path)
    if data is None or set(data) != {"video", "labels", "clip_index"} or data["video"].shape[1:] != (frames, *size, 3):
        data = decode_videos(directory, frames, stride, size)
        cache.save_npz(path, **data)
    return data


def load_cvclips(split: str = "train", frames: int = DEFAULT_FRAMES, stride: int = DEFAULT_STRIDE,
                 resolution=DEFAULT_RESOLUTION, directory: str | None = None):
    """(clips uint8 (N, frames, H, W, 3), labels int64 (N,): the source video's index in `VIDEOS`) of split
    'train', 'test' or 'all'; `resolution` an int or (height, width)."""
    check_split(split)
    data = load_all(frames, stride, resolution, directory)
    mask = split_mask(data["clip_index"], split)
    return data["video"][mask], data["labels"][mask]


def num_examples(frames: int = DEFAULT_FRAMES, stride: int = DEFAULT_STRIDE, resolution=DEFAULT_RESOLUTION,
                 directory: str | None = None) -> dict[str, int]:
    """{split: number of clips} of 'train', 'test' and 'all' (from the cache, decoding the videos once if needed:
    the container's frame count is not reliable, tree.avi claims 444 frames and holds 68)."""
    clip_index = load_all(frames, stride, resolution, directory)["clip_index"]
    return {split: int(split_mask(clip_index, split).sum()) for split in KNOWN_SPLITS}
