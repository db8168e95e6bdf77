"""zoo's own video feature network "zoo-mfmnist-c3d": a small 3D CNN trained on labelled moving Fashion-MNIST clips.

It is the feature extractor of zoo's video Frechet distance ZVD (`zoo.metrics.video_distance`). It is NOT the
I3D network of FVD (Unterthiner et al. 2018) and its numbers are never comparable with published FVD: it is a
~0.2M-parameter network trained by zoo on one synthetic dataset, so ZVD only ranks video generators of moving
Fashion-MNIST (`zoo.data.mfmnist`) against each other and against the real floor at the same n.

Network (`video_feature_network`): uint8 clips (16, 64, 64, 1) -> Rescaling to [-1, 1] -> four Conv3D blocks
(conv without bias, batch norm, ReLU) with 16, 32, 48, 128 channels, kernels 1x3x3, 1x3x3, 3x3x3, 3x3x3 and strides
(1,2,2), (1,2,2), (2,2,2), (2,2,2) -> global max pool = the 128-d features. Two linear heads read the features:
- `classes`: 10 sigmoid logits, the class-presence vector of the clip's 1-2 items (appearance);
- `order`: 1 logit, "is this clip's temporal order the real one" (motion).
Spatial-only first blocks (as in the "top-heavy" 3D CNNs of Xie et al. 2018, S3D) see each item unsmeared by its
motion (up to 5 pixels per frame), and the max pool keeps the response of the 1-2 small items instead of averaging it
with the black background. Measured (test exact-set class accuracy): 3x3x3 blocks everywhere with an average pool
reached 0.27 after the full 2,000 steps, this network 0.41; in 600-step runs, both with a max pool, spatial-first
blocks reached 0.27 and 3x3x3 blocks 0.19. Each feature sees 7 consecutive frames and 31x31 pixels; the max pool
runs over the 4 x 4 x 4 positions.

Why that motion target. A class head alone gives features that a per-frame network could give too (bag of frames).
The order head is trained on real clips (target 1) against the same clips with their time broken (target 0), so
the features have to encode how frames follow one another. The negatives (`temporal_corruption`) are the failures
of video generators: 'shuffle' (a random permutation of the frames: jumps, flicker), 'swap' (two frames exchanged:
one local glitch) and 'static' (one frame repeated: no motion). Time reversal is NOT a negative: a reversed clip of
items moving in straight lines and bouncing off the borders is an equally valid clip of this dataset, so asking
the network to tell them apart would teach it nothing true. Class targets are the same for a clip and its
corruptions (same items), so appearance and motion are learnt by the same features.

Only the shape the network was trained on is accepted: (T, H, W, C) = (16, 64, 64, 1); anything else raises
ValueError (resize or crop the clips yourself, and then say so beside the number). Training: the weights file
`zoo/metrics/data/zoo-mfmnist-c3d.weights.h5` is written by `benchmarks/train_video_features.py` (the command,
accuracy, time and hardware are in `TRAINING`) and checked against `VIDEO_WEIGHTS_SHA256` before loading.
"""

from __future__ import annotations

import os

import numpy as np

from zoo.checksums import sha256_file
from zoo.metrics.fid_weights import WeightsChecksumError

VIDEO_FEATURE_NETWORK = "zoo-mfmnist-c3d"
CLIP_SHAPE = (16, 64, 64, 1)
NUM_CLASSES = 10
FEATURE_DIM = 128
CHANNELS = (16, 32, 48, 128)
KERNELS = ((1, 3, 3), (1, 3, 3), (3, 3, 3), (3, 3, 3))
STRIDES = ((1, 2, 2), (1, 2, 2), (2, 2, 2), (2, 2, 2))
WEIGHTS_FILENAME = f"{VIDEO_FEATURE_NETWORK}.weights.h5"
VIDEO_WEIGHTS_SHA256 = "26abfe35a64860b04f5d37b6f3bc84447b2fd7de046d602b79464c6a2a0824a3"
VIDEO_FEATURE_EXTRACTOR = f"{VIDEO_FEATURE_NETWORK} sha256:{VIDEO_WEIGHTS_SHA256[:12]}"
CORRUPTIONS = ("shuffle", "swap", "static")
# From the JSON line of `nice -n 15 python benchmarks/train_video_features.py` (defaults: 8 epochs of the 8,000
# train clips, batch 32, seed 0, 1 TF thread; a GAN training run shared the 2 cores). class_exact = all 10
# presence bits right; order_balanced = (real clips + mean over the three corruptions) / 2, on 1,000 clips each.
TRAINING = {"command": "python benchmarks/train_video_features.py", "steps": 2000, "train_seconds": 524.9,
            "hardware": "2 CPU cores (x86_64), GPUs: 0", "train": {"class_exact": 0.465, "class_bit": 0.9268,
                                                                    "order_balanced": 0.9927},
            "test": {"class_exact": 0.405, "class_bit": 0.9155, "order_balanced": 0.9927,
                     "order": {"real": 0.999, "shuffle": 1.0, "swap": 0.959, "static": 1.0}}}


def default_weights_path() -> str:
    """The shipped weights file, `zoo/metrics/data/zoo-mfmnist-c3d.weights.h5` (installed with zoo)."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", WEIGHTS_FILENAME)


def verify_video_weights(path: str, expected: str = VIDEO_WEIGHTS_SHA256) -> str:
    """Return `path` if its sha256 is `expected`, else raise `WeightsChecksumError` naming both digests."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"the {VIDEO_FEATURE_NETWORK} weights file {path} is missing; reinstall zoo or "
                                f"retrain it with `python benchmarks/train_video_features.py`")
    actual = sha256_file(path)
    if actual != expected:
        raise WeightsChecksumError(f"{path} has sha256 {actual}, expected {expected}: the {VIDEO_FEATURE_NETWORK} "
                                   f"weights file is corrupt or was changed; reinstall zoo (a retrained network "
                                   f"needs its new sha256 in zoo.metrics.video_features.VIDEO_WEIGHTS_SHA256)")
    return path


def check_clips(clips) -> np.ndarray:
    """`clips` as a uint8 array (N, 16, 64, 64, 1); raise ValueError for any other dtype or shape."""
    clips = np.asarray(clips)
    if clips.dtype != np.uint8 or clips.ndim != 5 or tuple(clips.shape[1:]) != CLIP_SHAPE:
        raise ValueError(f"{VIDEO_FEATURE_NETWORK} takes uint8 clips NTHWC of shape (N,) + {CLIP_SHAPE} (moving "
                         f"Fashion-MNIST, 16 frames of 64x64x1), got dtype {clips.dtype} shape {clips.shape}; it "
                         f"does not resize: resize or crop the clips yourself and report that with the number")
    return clips


def video_feature_network():
    """The Keras functional model: float clips in [0, 255] (N, 16, 64, 64, 1) -> {'features': (N, 128),
    'classes': (N, 10) logits, 'order': (N, 1) logit}. See the module docstring."""
    import keras

    inputs = keras.Input(CLIP_SHAPE, name="clips")
    x = keras.layers.Rescaling(1.0 / 127.5, offset=-1.0, name="scale")(inputs)
    for i, (channels, kernel, strides) in enumerate(zip(CHANNELS, KERNELS, STRIDES)):
        x = keras.layers.Conv3D(channels, kernel, strides=strides, padding="same", use_bias=False, name=f"conv{i}")(x)
        x = keras.layers.BatchNormalization(momentum=0.9, name=f"bn{i}")(x)
        x = keras.layers.ReLU(name=f"relu{i}")(x)
    features = keras.layers.GlobalMaxPooling3D(name="features")(x)
    classes = keras.layers.Dense(NUM_CLASSES, name="classes")(features)
    order = keras.layers.Dense(1, name="order")(features)
    return keras.Model(inputs, {"features": features, "classes": classes, "order": order},
                       name=VIDEO_FEATURE_NETWORK)


def class_presence(classes) -> np.ndarray:
    """float32 (N, 10) multi-hot targets from `classes` (N, k) of `load_mfmnist_clips` (-1 = no item)."""
    classes = np.asarray(classes)
    target = np.zeros((len(classes), NUM_CLASSES), np.float32)
    rows, cols = np.nonzero(classes >= 0)
    target[rows, classes[rows, cols]] = 1.0
    return target


def temporal_corruption(clips, kinds, rng: np.random.Generator) -> np.ndarray:
    """A copy of `clips` (N, T, ...) with clip i's time broken by `kinds[i]` in `CORRUPTIONS`:
    'shuffle' = a random permutation of the frames other than the identity, 'swap' = two distinct frames
    exchanged, 'static' = one random frame repeated T times. Random choices come from `rng`."""
    clips = np.asarray(clips)
    out = np.empty_like(clips)
    frames = clips.shape[1]
    for i, kind in enumerate(kinds):
        order = np.arange(frames)
        if kind == "shuffle":
            while np.array_equal(order, np.arange(frames)):
                order = rng.permutation(frames)
        elif kind == "swap":
            a, b = rng.choice(frames, 2, replace=False)
            order[[a, b]] = order[[b, a]]
        elif kind == "static":
            order[:] = rng.integers(frames)
        else:
            raise ValueError(f"unknown temporal corruption {kind!r}; expected one of {CORRUPTIONS}")
        out[i] = clips[i, order]
    return out


class ZooVideoFeatures:
    """Callable: uint8 clips (N, 16, 64, 64, 1) -> float32 features (N, 128) of zoo-mfmnist-c3d (eval mode).

    Args:
        weights: the weights file (default: the shipped one); its sha256 must be `expected_sha256`.
        expected_sha256: default `VIDEO_WEIGHTS_SHA256`.
        batch_size: clips per forward pass.
    """

    def __init__(self, weights: str | None = None, expected_sha256: str = VIDEO_WEIGHTS_SHA256,
                 batch_size: int = 32):
        import keras
        import tensorflow as tf

        self.weights = verify_video_weights(weights or default_weights_path(), expected_sha256)
        self.batch_size = int(batch_size)
        self.name = f"{VIDEO_FEATURE_NETWORK} sha256:{expected_sha256[:12]}"
        self.network = video_feature_network()
        self.network.load_weights(self.weights)
        self.model = keras.Model(self.network.input, self.network.output["features"])
        self._function = tf.function(lambda x: self.model(tf.cast(x, tf.float32), training=False),
                                     reduce_retracing=True)

    def batch(self, clips) -> np.ndarray:
        """Features of one batch (any size)."""
        return self._function(check_clips(clips)).numpy()

    def __call__(self, clips) -> np.ndarray:
        """Features of any number of clips, `batch_size` at a time."""
        clips = check_clips(clips)
        if not len(clips):
            return np.zeros((0, FEATURE_DIM), np.float32)
        return np.concatenate([self.batch(clips[i:i + self.batch_size])
                               for i in range(0, len(clips), self.batch_size)])


__all__ = ["CLIP_SHAPE", "CORRUPTIONS", "FEATURE_DIM", "TRAINING", "VIDEO_FEATURE_EXTRACTOR", "VIDEO_FEATURE_NETWORK",
           "VIDEO_WEIGHTS_SHA256", "ZooVideoFeatures", "check_clips", "class_presence", "default_weights_path",
           "temporal_corruption", "verify_video_weights", "video_feature_network"]
