"""Image folders written to tmp_path: labelled and unlabelled layouts, resizing, channels and errors."""

import numpy as np
import pytest
from PIL import Image

from zoo.data import DatasetNotFoundError, UnreadableImageError, dataset_info, load_arrays, load_image_folder


def write(path, array, **kwargs):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(array, np.uint8)).save(path, **kwargs)
    return path


def solid(h, w, value, c=3):
    return np.full((h, w, c) if c > 1 else (h, w), value, np.uint8)


@pytest.fixture
def labelled(tmp_path):
    write(tmp_path / "dog" / "b.png", solid(8, 8, 30))
    write(tmp_path / "dog" / "nested" / "a.png", solid(8, 8, 40))
    write(tmp_path / "cat" / "z.PNG", solid(8, 8, 10))
    write(tmp_path / "cat" / "a.jpg", solid(8, 8, 20), quality=100)
    (tmp_path / "cat" / ".DS_Store").write_bytes(b"\0junk")
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    (tmp_path / ".hidden").mkdir()
    return tmp_path


def test_labelled_folder_sorted_classes_and_files(labelled):
    images, labels = load_arrays(f"folder:{labelled}")
    assert images.shape == (4, 8, 8, 3) and images.dtype == np.uint8
    assert labels.dtype == np.int64 and labels.tolist() == [0, 0, 1, 1]
    np.testing.assert_allclose(images.reshape(4, -1).mean(axis=1), [20, 10, 30, 40], atol=1)
    again, _ = load_image_folder(str(labelled))
    np.testing.assert_array_equal(images, again)


def test_dataset_info_of_folder(labelled):
    assert dataset_info(f"folder:{labelled}") == {"num_classes": 2, "resolution": [8, 8], "channels": 3,
                                                  "splits": ["train"], "num_examples": {"train": 4}}
    assert dataset_info(f"folder:{labelled}", resolution=4, channels=1)["resolution"] == [4, 4]


def test_unlabelled_resize_center_crop_and_channels(tmp_path):
    wide = np.zeros((20, 60, 3), np.uint8)
    wide[:, 20:40] = 200  # the center third survives the square center crop
    write(tmp_path / "wide.png", wide)
    write(tmp_path / "gray.png", solid(10, 10, 100, c=1))
    images, labels = load_image_folder(str(tmp_path), resolution=5, channels=1)
    assert labels is None and images.shape == (2, 5, 5, 1)
    assert np.all(images[0] == 100) and np.all(np.abs(images[1].astype(int) - 200) <= 1)
    rect, _ = load_image_folder(str(tmp_path), resolution=(4, 8))
    assert rect.shape == (2, 4, 8, 3)


def test_transparency_is_composited_on_white(tmp_path):
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[0, 0] = (255, 0, 0, 255)
    write(tmp_path / "t.png", rgba)
    rgb, _ = load_image_folder(str(tmp_path))
    assert rgb[0, 0, 0].tolist() == [255, 0, 0] and np.all(rgb[0, 1:] == 255)
    kept, _ = load_image_folder(str(tmp_path), channels=4)
    assert kept.shape == (1, 4, 4, 4) and kept[0, 1, 1, 3] == 0


def test_different_sizes_need_a_resolution(tmp_path):
    write(tmp_path / "a.png", solid(4, 4, 0))
    write(tmp_path / "b.png", solid(6, 4, 0))
    with pytest.raises(ValueError, match="differ in size.*pass a resolution"):
        load_image_folder(str(tmp_path))
    assert load_image_folder(str(tmp_path), resolution=4)[0].shape == (2, 4, 4, 3)


def test_missing_and_empty_folders(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="does not exist"):
        load_arrays(f"folder:{tmp_path / 'nope'}")
    (tmp_path / "empty_class").mkdir()
    (tmp_path / "readme.txt").write_text("x")
    with pytest.raises(DatasetNotFoundError, match="no image files in"):
        load_arrays(f"folder:{tmp_path}")


def test_empty_class_folder(tmp_path):
    write(tmp_path / "a" / "x.png", solid(4, 4, 0))
    (tmp_path / "b").mkdir()
    with pytest.raises(DatasetNotFoundError, match=r"class folder\(s\) \['b'\]"):
        load_image_folder(str(tmp_path))


def test_mixed_layout_is_rejected(tmp_path):
    write(tmp_path / "a" / "x.png", solid(4, 4, 0))
    write(tmp_path / "y.png", solid(4, 4, 0))
    with pytest.raises(ValueError, match="mixes images"):
        load_image_folder(str(tmp_path))


def test_unreadable_image_is_named(tmp_path):
    write(tmp_path / "good.png", solid(4, 4, 0))
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    with pytest.raises(UnreadableImageError, match="broken.png"):
        load_image_folder(str(tmp_path))


def test_only_train_split(tmp_path):
    write(tmp_path / "a.png", solid(4, 4, 0))
    with pytest.raises(ValueError, match="only the split 'train'"):
        load_arrays(f"folder:{tmp_path}", "test")


def test_bad_names():
    with pytest.raises(KeyError, match="folder:<path>"):
        load_arrays("folder:")


def test_16_bit_grayscale_is_scaled_not_clipped(tmp_path):
    Image.fromarray(np.array([[0, 32896, 65535]], np.uint16)).save(tmp_path / "deep.png")
    images, _ = load_image_folder(str(tmp_path), channels=1)
    assert images[0, 0, :, 0].tolist() == [0, 128, 255]
