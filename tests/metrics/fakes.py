"""Stand-ins that keep the metric plumbing tests fast: no Inception forward pass."""

import numpy as np

from zoo.metrics.features import ExtractorConfig

DIM = 64


class FakeExtractor:
    """Features = a fixed random projection of the flattened pixels (deterministic, 64-d: sqrtm stays cheap)."""

    def __init__(self, batch_size=7, resize="tf1_bilinear"):
        self.config = ExtractorConfig(batch_size=batch_size)
        self.resize = resize
        self.batches = []

    def batch(self, images):
        images = np.asarray(images)
        self.batches.append(len(images))
        flat = images.reshape(len(images), -1).astype(np.float64) / 255.0
        proj = np.random.RandomState(flat.shape[1]).normal(size=(flat.shape[1], DIM))
        return (flat @ proj / np.sqrt(flat.shape[1])).astype(np.float32)


class FakeGenerator:
    """A 'GANGenerator' whose samples are noise images from the seed; records the labels it was given."""

    def __init__(self, num_classes=0, shape=(8, 8, 1)):
        self.num_classes = num_classes
        self.shape = shape
        self.calls = []

    def sample(self, num, seed=0, labels=None, truncation=None):
        self.calls.append({"num": num, "seed": seed, "labels": labels, "truncation": truncation})
        return np.random.RandomState(seed).randint(0, 256, (num,) + self.shape).astype(np.uint8)


def fake_dataset(n=60, shape=(8, 8, 1), seed=0):
    rng = np.random.RandomState(seed)
    return rng.randint(0, 256, (n,) + shape).astype(np.uint8), rng.randint(0, 10, n)
