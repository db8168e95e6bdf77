"""`load_arrays("tfds:<name>", frames=...)` on a TFDS video dataset: a tiny local builder with a
`tfds.features.Video` of random clips, prepared into a temporary data_dir with the network refused."""

import numpy as np
import pytest
import tensorflow_datasets as tfds

from zoo.data import dataset_info, load_arrays
from zoo.data.tfds_builders import LocalBuilder, LocalDatasetInfo

LENGTHS = (6, 7, 9, 8, 6)  # frames of the train clips; test has the first 2


def random_clips(split: str):
    rng = np.random.default_rng(0 if split == "train" else 1)
    clips = [rng.integers(0, 256, (n, 12, 10, 3), dtype=np.uint8) for n in LENGTHS[:5 if split == "train" else 2]]
    return clips, np.arange(len(clips), dtype=np.int64) % 3


class ZooTestVideo(LocalBuilder):
    """Random RGB clips of 6-9 frames of 12x10, labels 0, 1, 2, 0, 1."""

    name = "zoo_test_video"
    FEATURE = "video"

    def _info(self):
        return LocalDatasetInfo(builder=self, description=self.__doc__, features=tfds.features.FeaturesDict({
            "video": tfds.features.Video(shape=(None, 12, 10, 3)),
            "label": tfds.features.ClassLabel(num_classes=3)}))

    def load(self, split):
        return random_clips(split)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("tfds"))


def by_bytes(clips, labels):
    """(clip bytes, label) pairs sorted: compares datasets as multisets (TFDS reorders examples)."""
    return sorted((clip.tobytes(), int(label)) for clip, label in zip(clips, labels))


def test_first_frames_at_a_stride(no_network, data_dir):
    clips, labels = load_arrays("tfds:zoo_test_video", "train", frames=3, stride=2, data_dir=data_dir)
    assert clips.shape == (5, 3, 12, 10, 3) and clips.dtype == np.uint8 and labels.dtype == np.int64
    source, source_labels = random_clips("train")
    assert by_bytes(clips, labels) == by_bytes([c[[0, 2, 4]] for c in source], source_labels)
    test, _ = load_arrays("tfds:zoo_test_video", "test", frames=6, data_dir=data_dir)
    assert test.shape == (2, 6, 12, 10, 3)


def test_resolution_and_channels(no_network, data_dir):
    clips, _ = load_arrays("tfds:zoo_test_video", "test", frames=2, resolution=4, channels=1, data_dir=data_dir)
    assert clips.shape == (2, 2, 4, 4, 1)
    assert dataset_info("tfds:zoo_test_video", frames=2, resolution=4, channels=1, data_dir=data_dir) == {
        "num_classes": 3, "resolution": [2, 4, 4], "channels": 1, "splits": ["test", "train"],
        "num_examples": {"test": 2, "train": 5}}
    assert dataset_info("tfds:zoo_test_video", frames=16, data_dir=data_dir)["resolution"] == [16, 12, 10]


def test_errors_name_what_is_needed(no_network, data_dir):
    with pytest.raises(ValueError, match="example .* has 6 frames; frames=4 at stride=2 need 7"):
        load_arrays("tfds:zoo_test_video", "train", frames=4, stride=2, data_dir=data_dir)
    with pytest.raises(ValueError, match=r"no video feature 'clip' .*\(features: \['label', 'video'\]\); "
                                         r"pass video_key="):
        load_arrays("tfds:zoo_test_video", frames=2, video_key="clip", data_dir=data_dir)
    with pytest.raises(ValueError, match=r"no image feature 'image' .*pass frames="):
        load_arrays("tfds:zoo_test_video", data_dir=data_dir)
    with pytest.raises(ValueError, match="frames >= 1 and stride >= 1"):
        load_arrays("tfds:zoo_test_video", frames=0, data_dir=data_dir)
