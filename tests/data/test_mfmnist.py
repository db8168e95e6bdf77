"""Moving Fashion-MNIST (`zoo.data.mfmnist`): shapes, per-clip determinism, labels, items inside the frame."""

import numpy as np
import pytest

from zoo.data import dataset_info, load_arrays, mfmnist

from .conftest import requires_fmnist


@pytest.fixture(scope="module")
def clips50():
    return mfmnist.generate("test", 50)


@requires_fmnist
def test_shapes_and_dtypes(clips50):
    assert clips50["video"].shape == (50, 16, 64, 64, 1) and clips50["video"].dtype == np.uint8
    assert clips50["labels"].shape == (50,) and clips50["labels"].dtype == np.int64
    assert clips50["classes"].shape == (50, 2) and clips50["classes"].dtype == np.int64
    small = mfmnist.generate("train", 2, frames=3, resolution=32)
    assert small["video"].shape == (2, 3, 32, 32, 1)


@requires_fmnist
def test_clip_i_does_not_depend_on_the_number_of_clips(clips50):
    five = mfmnist.generate("test", 5)
    for key in ("video", "labels", "classes"):
        np.testing.assert_array_equal(five[key], clips50[key][:5])
    again = mfmnist.generate("test", 5)
    np.testing.assert_array_equal(again["video"], five["video"])
    train = mfmnist.generate("train", 5)
    assert not np.array_equal(train["video"], five["video"])  # the splits draw different clips


@requires_fmnist
def test_labels_are_the_first_item_and_every_frame_shows_an_item(clips50):
    classes = clips50["classes"]
    np.testing.assert_array_equal(clips50["labels"], classes[:, 0])
    assert classes[:, 0].min() >= 0 and classes.max() <= 9 and set(classes[:, 1]) - set(range(10)) == {-1}
    assert (clips50["video"].reshape(50, 16, -1).max(axis=2) > 0).all()


def test_second_class_is_minus_one_iff_one_item_and_items_stay_in_every_frame():
    """Items of constant brightness k + 1 (class k): the brightnesses in a clip name the items drawn. Overlaps
    combine by maximum, so the brightest item is whole in every frame: all its 28x28 pixels inside the frame."""
    items = np.repeat(np.arange(1, 11, dtype=np.uint8)[:, None, None], 28, axis=1).repeat(28, axis=2)
    item_labels = np.arange(10, dtype=np.int64)
    counts = set()
    for i in range(40):
        clip, classes = mfmnist.make_clip(np.random.default_rng([7, i]), items, item_labels, 6, 40)
        drawn = {int(c) + 1 for c in classes if c >= 0}
        counts.add(int((classes >= 0).sum()))
        assert classes[0] >= 0 and set(np.unique(clip)) - {0} == drawn
        for frame in clip[..., 0]:
            assert (frame == max(drawn)).sum() >= 28 * 28 and set(np.unique(frame)) - {0} <= drawn
    assert counts == {1, 2}


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"unknown mfmnist split 'val'; known: \['test', 'train'\]"):
        mfmnist.generate("val", 1)
    with pytest.raises(ValueError, match="resolution >= 28"):
        mfmnist.generate("test", 1, resolution=16)
    with pytest.raises(ValueError, match="mfmnist test has 1000 clips; asked for 1001"):
        load_arrays("mfmnist", "test", num=1001)


def test_dataset_info():
    assert dataset_info("mfmnist", num=10) == {"num_classes": 10, "resolution": [16, 64, 64], "channels": 1,
                                               "splits": ["train", "test"], "num_examples": {"train": 10, "test": 10}}


@requires_fmnist
def test_load_arrays_reads_through_the_cache(tmp_path, monkeypatch):
    """A small `frames` / `resolution` keeps the full-split generation cheap; the second load is the cache file."""
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path))
    monkeypatch.setitem(mfmnist.NUM_CLIPS, "test", 20)
    video, labels = load_arrays("mfmnist", "test", frames=2, resolution=28, num=8)
    assert video.shape == (8, 2, 28, 28, 1) and labels.shape == (8,)
    assert len(list((tmp_path / "mfmnist").glob("*.npz"))) == 1
    monkeypatch.setattr(mfmnist, "generate", lambda *a, **k: pytest.fail("regenerated instead of reading the cache"))
    np.testing.assert_array_equal(load_arrays("mfmnist", "test", frames=2, resolution=28, num=8)[0], video)
