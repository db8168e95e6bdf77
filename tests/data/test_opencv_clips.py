"""OpenCV sample footage clips (`zoo.data.opencv_clips`, dataset 'cvclips'): on tiny lossless videos written by
the test (frame t of video k is a known colour), and on the Debian `opencv-doc` files when installed."""

import os

import numpy as np
import pytest

from zoo.data import DatasetNotFoundError, dataset_info, load_arrays, opencv_clips

REAL_MISSING = not all(os.path.isfile(os.path.join(opencv_clips.DEFAULT_DIR, v)) for v in opencv_clips.VIDEOS)
requires_opencv_doc = pytest.mark.skipif(REAL_MISSING, reason="needs `apt-get install opencv-doc` (OpenCV sample "
                                         "videos in /usr/share/doc/opencv-doc/examples/data)")
LENGTHS = (30, 20, 12)  # frames of the fake vtest.avi, Megamind.avi, tree.avi


def fake_frame(k: int, t: int) -> np.ndarray:
    """Frame t of fake video k, BGR 24x32: red 8t, blue 100 + 50k, and green strips in the 4 outer columns
    on each side, which the square center crop removes."""
    frame = np.zeros((24, 32, 3), np.uint8)
    frame[..., 2], frame[..., 0] = 8 * t, 100 + 50 * k
    frame[:, :4, 1] = frame[:, -4:, 1] = 255
    return frame


@pytest.fixture(scope="module")
def fake_footage(tmp_path_factory):
    import cv2

    directory = tmp_path_factory.mktemp("opencv_data")
    for k, (name, length) in enumerate(zip(opencv_clips.VIDEOS, LENGTHS)):
        writer = cv2.VideoWriter(str(directory / name), cv2.VideoWriter_fourcc(*"FFV1"), 10, (32, 24))
        assert writer.isOpened()
        for t in range(length):
            writer.write(fake_frame(k, t))
        writer.release()
    return directory


@pytest.fixture
def fake_env(fake_footage, tmp_path, monkeypatch):
    monkeypatch.setenv(opencv_clips.ENV_VAR, str(fake_footage))
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))


def test_clips_hold_the_right_frames_cropped_and_rgb(fake_env):
    clips, labels = load_arrays("cvclips", "all", frames=4, stride=2, resolution=8)
    counts = [(n - 4) // 2 + 1 for n in LENGTHS]  # 14, 9, 5
    assert clips.shape == (sum(counts), 4, 8, 8, 3) and clips.dtype == np.uint8
    np.testing.assert_array_equal(labels, np.repeat([0, 1, 2], counts))
    i = 0
    for k, count in enumerate(counts):
        for j in range(count):
            red = 8 * (j * 2 + np.arange(4))
            np.testing.assert_array_equal(clips[i, :, :, :, 0], np.broadcast_to(red[:, None, None], (4, 8, 8)))
            assert (clips[i, ..., 1] == 0).all() and (clips[i, ..., 2] == 100 + 50 * k).all()
            i += 1


def test_splits_interleave_per_video_and_are_disjoint(fake_env):
    train, train_labels = load_arrays("cvclips", "train", frames=4, stride=2, resolution=8)
    test, test_labels = load_arrays("cvclips", "test", frames=4, stride=2, resolution=8)
    assert len(train) + len(test) == 28 and test_labels.tolist() == [0]  # clip j = 9 of the 14 of video 0
    assert test[0, 0, 0, 0, 0] == 8 * 9 * 2
    assert not {c.tobytes() for c in train} & {c.tobytes() for c in test}
    assert opencv_clips.split_mask(np.arange(25), "test").nonzero()[0].tolist() == [9, 19]


def test_second_load_reads_the_cache(fake_env, monkeypatch):
    first, _ = load_arrays("cvclips", "train", frames=4, stride=4, resolution=(6, 8))
    assert first.shape[1:] == (4, 6, 8, 3)
    monkeypatch.setattr(opencv_clips, "read_frames", lambda *a: pytest.fail("decoded again instead of the cache"))
    np.testing.assert_array_equal(load_arrays("cvclips", "train", frames=4, stride=4, resolution=(6, 8))[0], first)
    assert dataset_info("cvclips", frames=4, stride=4, resolution=(6, 8)) == {
        "num_classes": 3, "resolution": [4, 6, 8], "channels": 3, "splits": ["train", "test", "all"],
        "num_examples": {"train": 7 + 5 + 3, "test": 0, "all": 15}}


def test_missing_files_and_bad_arguments_are_named(fake_env, tmp_path, monkeypatch):
    with pytest.raises(ValueError, match=r"unknown cvclips split 'val'; known: \['train', 'test', 'all'\]"):
        load_arrays("cvclips", "val")
    with pytest.raises(ValueError, match="frames >= 1 and stride >= 1, got frames=4, stride=0"):
        load_arrays("cvclips", frames=4, stride=0)
    monkeypatch.setenv(opencv_clips.ENV_VAR, str(tmp_path))
    with pytest.raises(DatasetNotFoundError, match=r"vtest.avi, Megamind.avi, tree.avi not found.*"
                                                   r"apt-get install opencv-doc.*dpkg -x.*ZOO_OPENCV_DATA="):
        load_arrays("cvclips")


@requires_opencv_doc
def test_real_footage(tmp_path, monkeypatch):
    """The Debian files at 16x16 (cheap to decode): 98 + 32 + 7 clips of 16 frames at stride 8."""
    monkeypatch.delenv(opencv_clips.ENV_VAR, raising=False)
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path))
    train, train_labels = load_arrays("cvclips", "train", resolution=16)
    test, test_labels = load_arrays("cvclips", "test", resolution=16)
    assert train.shape == (125, 16, 16, 16, 3) and test.shape == (12, 16, 16, 16, 3)
    assert np.bincount(train_labels).tolist() == [89, 29, 7] and np.bincount(test_labels).tolist() == [9, 3]
    assert not {c.tobytes() for c in train} & {c.tobytes() for c in test}
    tree = opencv_clips.read_frames(os.path.join(opencv_clips.DEFAULT_DIR, "tree.avi"), (16, 16))
    assert len(tree) == 68  # not the 444 frames the container claims
    np.testing.assert_array_equal(train[train_labels == 2], opencv_clips.cut_clips(tree, 16, 8))
    assert train[train_labels == 0].mean() > 50  # real pixels, not a black decode
