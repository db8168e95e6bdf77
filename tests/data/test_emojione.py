"""EmojiOne from the Debian PNGs: split sizes, disjointness, determinism, white background, cache, missing folder."""

import glob
import os

import numpy as np
import pytest
from PIL import Image

from zoo.data import DatasetNotFoundError, dataset_info, emojione, load_arrays

MISSING = not glob.glob(os.path.join("/", emojione.PNG_GLOB, "*.png"))
requires_emojione = pytest.mark.skipif(MISSING, reason="needs `apt-get install ruby-gemojione`")
SIZES = {"fewshot100": 100, "rest": 1694, "rest_a": 847, "rest_b": 847, "all": 1794}


@pytest.fixture(scope="module")
def emojione_cache(tmp_path_factory):
    """A module-wide ZOO_CACHE holding the 64x64 EmojiOne set, decoded once (cold) for all tests."""
    directory = tmp_path_factory.mktemp("zoo_cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ZOO_CACHE", str(directory))
        mp.delenv(emojione.ENV_VAR, raising=False)
        emojione.load_all()
        yield directory


@pytest.fixture
def cached(emojione_cache, monkeypatch):
    monkeypatch.setenv("ZOO_CACHE", str(emojione_cache))
    monkeypatch.delenv(emojione.ENV_VAR, raising=False)
    return emojione_cache


def write_png(path, array):
    Image.fromarray(np.asarray(array, np.uint8)).save(path)


@requires_emojione
def test_the_debian_pngs_are_64x64():
    path, names = emojione.list_pngs()
    assert len(names) == 1794 and names == sorted(names)
    for name in names:
        with Image.open(os.path.join(path, name)) as image:
            assert image.size == (64, 64), name


@requires_emojione
def test_split_sizes_dtype_and_shape(cached):
    assert emojione.SIZES == SIZES
    for split, n in SIZES.items():
        images, labels = load_arrays("emojione", split)
        assert images.shape == (n, 64, 64, 3) and images.dtype == np.uint8 and labels is None, split


@requires_emojione
def test_dataset_info(cached):
    assert dataset_info("emojione") == {"num_classes": None, "resolution": [64, 64], "channels": 3,
                                        "splits": list(SIZES), "num_examples": SIZES}


@requires_emojione
def test_splits_are_disjoint_and_cover_the_set(cached):
    n = SIZES["all"]
    idx = {split: emojione.split_indices(n, split) for split in SIZES}
    fewshot, rest, half_a, half_b = (set(idx[s].tolist()) for s in ("fewshot100", "rest", "rest_a", "rest_b"))
    assert not fewshot & rest and fewshot | rest == set(range(n))
    assert not half_a & half_b and half_a | half_b == rest
    assert idx["fewshot100"][:3].tolist() == [8, 26, 44] and idx["fewshot100"][-1] == 1785
    everything, _ = emojione.load_all()
    for split in SIZES:
        np.testing.assert_array_equal(load_arrays("emojione", split)[0], everything[idx[split]])
    # no few-shot image has a pixel-identical copy among the held-out reference images
    held_out = {image.tobytes() for image in everything[idx["rest"]]}
    assert not any(image.tobytes() in held_out for image in everything[idx["fewshot100"]])


@requires_emojione
def test_deterministic_order_and_cache_matches_a_fresh_decode(cached):
    images, names = emojione.load_all()
    path, listed = emojione.list_pngs()
    assert names.tolist() == listed == sorted(listed)
    assert os.listdir(cached / "emojione") == [
        os.path.basename(emojione.cache_file(emojione.folder_sha256(path, listed), (64, 64)))]
    picked = [0, 8, 9, 1000, len(listed) - 1]
    np.testing.assert_array_equal(emojione.decode(path, [listed[i] for i in picked]), images[picked])
    for split in ("fewshot100", "rest_b"):
        np.testing.assert_array_equal(load_arrays("emojione", split)[0], load_arrays("emojione", split)[0])


@requires_emojione
def test_transparent_pixels_become_white(cached):
    images, names = emojione.load_all()
    path = emojione.png_dir()
    checked = 0
    for i, name in enumerate(names):
        with Image.open(os.path.join(path, name)) as image:
            if image.mode != "RGBA":
                continue
            alpha = np.asarray(image)[..., 3]
        assert (images[i][alpha == 0] == 255).all(), name
        checked += 1
        if checked == 20:
            break
    assert checked == 20
    corners = images[:, [0, 0, -1, -1], [0, -1, 0, -1]]
    assert (corners == 255).all(axis=(1, 2)).mean() > 0.95


def test_compositing_and_resizing_of_a_small_folder(tmp_path, monkeypatch):
    """A `dpkg -x` root layout, an RGBA pixel of alpha 0 with a dark colour, a palette PNG with a transparent
    index, and a 32x32 PNG resized to 64x64; 'all' works on any number of images, the other splits need 200."""
    folder = tmp_path / "root" / "usr/share/rubygems-integration/all/gems/gemojione-9.9/assets/png"
    folder.mkdir(parents=True)
    rgba = np.zeros((64, 64, 4), np.uint8)
    rgba[..., :3] = (10, 20, 30)
    rgba[32:, :, 3] = 255
    write_png(folder / "1F600.png", rgba)
    palette = Image.new("P", (64, 64), 1)
    palette.putpalette([0, 0, 0, 200, 0, 0] + [0] * 762)
    palette.paste(0, (0, 0, 16, 16))
    palette.save(folder / "0023-20E3.png", transparency=0)
    write_png(folder / "2600.png", np.full((32, 32, 3), 7))
    monkeypatch.setenv(emojione.ENV_VAR, str(tmp_path / "root"))
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))
    images, labels = load_arrays("emojione", "all")
    assert labels is None and images.shape == (3, 64, 64, 3) and images.dtype == np.uint8
    palette_image, rgba_image, resized = images  # sorted by file name
    assert (rgba_image[:32] == 255).all() and (rgba_image[32:] == (10, 20, 30)).all()
    assert (palette_image[:16, :16] == 255).all() and (palette_image[16:, 16:] == (200, 0, 0)).all()
    assert (resized == 7).all()
    assert dataset_info("emojione")["num_examples"] == {"all": 3}
    with pytest.raises(ValueError, match="needs at least 200 images"):
        load_arrays("emojione", "fewshot100")


def test_missing_folder_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv(emojione.ENV_VAR, str(tmp_path))
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))
    hint = r"apt-get install ruby-gemojione.*ZOO_EMOJIONE_DIR=DIR"
    with pytest.raises(DatasetNotFoundError, match=hint):
        load_arrays("emojione", "fewshot100")
    with pytest.raises(DatasetNotFoundError, match=hint):
        dataset_info("emojione")
    assert not (tmp_path / "cache").exists()


def test_unknown_split(tmp_path, monkeypatch):
    monkeypatch.setenv(emojione.ENV_VAR, str(tmp_path))
    with pytest.raises(ValueError, match=r"unknown emojione split 'train'; known: \['fewshot100', 'rest', "
                                         r"'rest_a', 'rest_b', 'all'\]"):
        load_arrays("emojione", "train")
