"""Video metrics: the shipped zoo-mfmnist-c3d weights (checksum, features, ZVD) on a few real clips, and the
per-frame FID / floor plumbing with fake feature extractors (no Inception forward pass)."""

import shutil

import numpy as np
import pytest

import zoo.data.mfmnist
from tests.metrics.fakes import FakeExtractor
from zoo.checksums import sha256_file
from zoo.metrics.fid_weights import WeightsChecksumError
from zoo.metrics.frechet import fid_from_features
from zoo.metrics.video_distance import (ZVD_NOTE, clip_frames, per_frame_fid, reference_clips,
                                        video_frechet_distance, video_metrics, video_real_floors)
from zoo.metrics.video_features import (CLIP_SHAPE, FEATURE_DIM, VIDEO_FEATURE_EXTRACTOR, VIDEO_WEIGHTS_SHA256,
                                        ZooVideoFeatures, check_clips, class_presence, default_weights_path,
                                        temporal_corruption, verify_video_weights, video_feature_network)


@pytest.fixture(scope="module")
def video_features():
    return ZooVideoFeatures(batch_size=8)


@pytest.fixture(scope="module")
def clips():
    """16 real test clips and 16 real train clips (uint8 (16, 16, 64, 64, 1) each)."""
    return (zoo.data.mfmnist.load_mfmnist_clips("test", num=16)["video"],
            zoo.data.mfmnist.load_mfmnist_clips("train", num=16)["video"])


def test_shipped_weights_match_the_recorded_sha256():
    assert sha256_file(default_weights_path()) == VIDEO_WEIGHTS_SHA256
    assert VIDEO_FEATURE_EXTRACTOR == f"zoo-mfmnist-c3d sha256:{VIDEO_WEIGHTS_SHA256[:12]}"


def test_tampered_weights_are_refused(tmp_path):
    path = tmp_path / "zoo-mfmnist-c3d.weights.h5"
    shutil.copy(default_weights_path(), path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(WeightsChecksumError) as info:
        ZooVideoFeatures(weights=str(path))
    assert sha256_file(str(path)) in str(info.value) and VIDEO_WEIGHTS_SHA256 in str(info.value)
    with pytest.raises(FileNotFoundError, match="missing"):
        verify_video_weights(str(tmp_path / "nope.weights.h5"))


def test_network_size():
    assert video_feature_network().count_params() == 214_427


def test_features_shape_and_determinism(video_features, clips):
    test, _ = clips
    a = video_features(test[:10])
    assert a.shape == (10, FEATURE_DIM) and a.dtype == np.float32 and np.isfinite(a).all()
    np.testing.assert_array_equal(a, video_features(test[:10]))
    np.testing.assert_allclose(a[:3], video_features.batch(test[:3]), atol=1e-5)  # batch size does not matter


def test_other_clip_shapes_are_refused(video_features):
    with pytest.raises(ValueError, match="does not resize"):
        video_features(np.zeros((2, 8, 64, 64, 1), np.uint8))
    with pytest.raises(ValueError, match="uint8"):
        check_clips(np.zeros((2,) + CLIP_SHAPE, np.float32))


def test_zvd_of_a_set_with_itself_is_zero(video_features, clips):
    result = video_frechet_distance(clips[0], clips[0], video_features, fid_method="eigh", kid_subsets=2)
    assert abs(result["value"]) < 1e-6 * np.trace(np.cov(video_features(clips[0]).T)) + 1e-9
    assert result["metric"] == "zvd" and result["note"] == ZVD_NOTE and result["num_fake"] == 16
    assert result["feature_extractor"] == VIDEO_FEATURE_EXTRACTOR


def test_zvd_grows_when_frames_are_shuffled(video_features, clips):
    test, train = clips
    rng = np.random.default_rng(0)
    real = video_frechet_distance(train, test, video_features, fid_method="eigh", kid_subsets=2)
    for kind in ("shuffle", "static"):
        broken = temporal_corruption(train, [kind] * len(train), rng)
        worse = video_frechet_distance(broken, test, video_features, fid_method="eigh", kid_subsets=2)
        assert worse["value"] > 2 * real["value"] and worse["kid"] > real["kid"], kind


def test_temporal_corruptions():
    clips = np.arange(3 * 6).reshape(3, 6, 1, 1, 1).astype(np.uint8)  # frame t of clip i holds 6 i + t
    rng = np.random.default_rng(0)
    out = temporal_corruption(clips, ["shuffle", "swap", "static"], rng)
    frames = out[..., 0, 0, 0] - 6 * np.arange(3)[:, None]
    assert sorted(frames[0]) == list(range(6)) and list(frames[0]) != list(range(6))
    assert sorted(frames[1]) == list(range(6)) and (frames[1] != np.arange(6)).sum() == 2
    assert len(set(frames[2])) == 1
    with pytest.raises(ValueError, match="unknown temporal corruption"):
        temporal_corruption(clips[:1], ["reverse"], rng)


def test_class_presence():
    target = class_presence(np.array([[3, -1], [2, 7], [5, 5]]))
    assert target.shape == (3, 10) and target.sum(axis=1).tolist() == [1, 2, 1]
    assert target[0, 3] == target[1, 2] == target[1, 7] == target[2, 5] == 1


def tiny_clips(n, seed):
    return np.random.RandomState(seed).randint(0, 256, (n, 4, 8, 8, 1)).astype(np.uint8)


def test_per_frame_fid_uses_every_frame_or_every_kth():
    fake, real = tiny_clips(5, 1), tiny_clips(6, 2)
    extractor = FakeExtractor(batch_size=7)
    result = per_frame_fid(fake, real, extractor=extractor, kid_subsets=3, kid_subset_size=10)
    assert result["num_fake_clips"] == 5 and result["num_real_frames"] == 24 and result["num_fake_frames"] == 20
    frames = [clips.reshape(-1, 8, 8, 1) for clips in (real, fake)]
    expected = fid_from_features(extractor.batch(frames[0]), extractor.batch(frames[1]))
    assert result["value"] == pytest.approx(expected, rel=1e-9)
    assert result["kid_subset_size"] == 10 and result["resize"] == "tf1_bilinear"
    assert result["feature_extractor"] == "FakeExtractor"
    strided = per_frame_fid(fake, real, extractor=FakeExtractor(), frame_step=3, kid_subsets=2)
    assert strided["num_fake_frames"] == 10 and strided["frame_step"] == 3
    np.testing.assert_array_equal(clip_frames(fake, 3)[1], fake[0, 3])
    with pytest.raises(ValueError, match="NTHWC"):
        per_frame_fid(fake[0], real, extractor=extractor)


class FakeVideoFeatures:
    name = "fake-video"

    def __call__(self, clips):
        return FakeExtractor().batch(clips.reshape(len(clips), -1, 1, 1))  # a random projection of all pixels


def test_floors_compare_train_clips_with_the_same_test_clips(monkeypatch):
    data = {"train": tiny_clips(30, 3), "test": tiny_clips(20, 4)}
    monkeypatch.setattr(zoo.data.mfmnist, "load_mfmnist_clips", lambda split: {"video": data[split]})
    np.testing.assert_array_equal(reference_clips(5), data["test"][:5])
    floors = video_real_floors(12, frame_extractor=FakeExtractor(), video_extractor=FakeVideoFeatures(),
                               kid_subsets=2)
    assert set(floors) == {"per_frame_fid", "zvd"}
    assert floors["per_frame_fid"]["num_real_clips"] == 12 and floors["per_frame_fid"]["num_fake_frames"] == 48
    assert floors["zvd"]["num_fake"] == 12 and floors["zvd"]["feature_extractor"] == "fake-video"
    assert all(r["train"] == "mfmnist/train" and r["reference"] == "mfmnist/test" for r in floors.values())
    direct = video_metrics(reference_clips(12, "train", permutation_seed=0), data["test"][:12],
                           frame_extractor=FakeExtractor(), video_extractor=FakeVideoFeatures(), kid_subsets=2)
    assert direct["zvd"]["value"] == floors["zvd"]["value"]
    with pytest.raises(ValueError, match="unknown video metrics"):
        video_metrics(data["test"], data["test"], metrics=("fvd",))


def test_fid_by_frame_is_the_fid_of_each_frame_position():
    """Features in clip-major order (clip 0 frames 0..T-1, clip 1, ...): position t is rows t, T + t, 2T + t, ..."""
    from zoo.metrics.frechet import activation_statistics, frechet_distance
    from zoo.metrics.video_distance import fid_by_frame

    rng = np.random.RandomState(0)
    clips, per_clip, d = 30, 3, 4
    real = rng.normal(size=(clips * per_clip, d))
    fake = rng.normal(size=(clips * per_clip, d)) + np.tile(np.arange(per_clip)[:, None], (clips, d))  # drifts
    values = fid_by_frame(real, fake, per_clip)
    for t, value in enumerate(values):
        expected = frechet_distance(*activation_statistics(real[t::per_clip]),
                                    *activation_statistics(fake[t::per_clip]), method="eigh")
        assert value == pytest.approx(expected, rel=1e-12)
    assert values[0] < values[1] < values[2]  # the later positions drift further: the decay shows
    assert fid_by_frame(real, fake, per_clip, fid_method="sqrtm") == pytest.approx(values, rel=1e-6)
    with pytest.raises(ValueError, match=r"fake_features: expected \(clips x 3 frames, d\) .* got shape \(89, 4\)"):
        fid_by_frame(real, fake[:-1], per_clip)
