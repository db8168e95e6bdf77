"""FID and KID with the standard FID Inception network (InceptionV3 2015-12-05), offline, without torch.

    from zoo.metrics import evaluate_generator, real_floor
    evaluate_generator(g, metric="fid", num=10000, reference="fmnist/test")   # -> dict with value, n, ...
    real_floor("fmnist/test", "fmnist/train", num=10000)                       # FID of real vs real at that n

Pieces: `fid_weights` (locate + sha256-check the weights), `torch_archive` (restricted tensor unpickler),
`fid_inception` (the Keras network), `resize`, `features` (batched extraction), `frechet`, `kid` and `prdc` (the
maths), `reference_stats` (cached real statistics), `evaluate` (the public functions); `zoo eval` is in
`zoo.cli.metrics`.

Improved precision / recall (k = 3) and density / coverage (k = 5) on the same Inception features, each beside its
real-vs-real value at the same n, show mode collapse directly:

    prdc(real_features, fake_features)                                         # numpy only, in blocks of rows
    evaluate_prdc(g, num=847, reference="emojione/rest_b", train="emojione/rest_a")   # -> values + 'real_vs_real'

Video generators (NTHWC clips of moving Fashion-MNIST), `video_distance` and `video_features`:

    from zoo.metrics import reference_clips, video_metrics, video_real_floors
    video_metrics(g.sample(250, seed=0), reference_clips(250), frame_step=5)   # per-frame FID / KID, ZVD
    video_real_floors(250, frame_step=5)                                         # the same, real vs real

ZVD is zoo's own video Frechet distance on its 3D CNN zoo-mfmnist-c3d, not FVD (`ZVD_NOTE`).
TensorFlow-heavy modules are imported on first use.
"""

from zoo.metrics.frechet import activation_statistics, fid_from_features, frechet_distance
from zoo.metrics.kid import kernel_inception_distance, mmd2_unbiased, polynomial_kernel
from zoo.metrics.prdc import density_coverage, improved_precision_recall, prdc

_LAZY = {
    "evaluate_generator": "zoo.metrics.evaluate",
    "real_floor": "zoo.metrics.evaluate",
    "evaluate_prdc": "zoo.metrics.evaluate",
    "reference_statistics": "zoo.metrics.reference_stats",
    "InceptionFeatures": "zoo.metrics.features",
    "ExtractorConfig": "zoo.metrics.features",
    "extract_features": "zoo.metrics.features",
    "fid_inception": "zoo.metrics.fid_inception",
    "FEATURE_EXTRACTOR": "zoo.metrics.fid_weights",
    "video_metrics": "zoo.metrics.video_distance",
    "video_real_floors": "zoo.metrics.video_distance",
    "reference_clips": "zoo.metrics.video_distance",
    "per_frame_fid": "zoo.metrics.video_distance",
    "fid_by_frame": "zoo.metrics.video_distance",
    "video_frechet_distance": "zoo.metrics.video_distance",
    "clip_frames": "zoo.metrics.video_distance",
    "ZVD_NOTE": "zoo.metrics.video_distance",
    "ZooVideoFeatures": "zoo.metrics.video_features",
    "VIDEO_FEATURE_EXTRACTOR": "zoo.metrics.video_features",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'zoo.metrics' has no attribute {name!r}")


__all__ = ["activation_statistics", "density_coverage", "fid_from_features", "frechet_distance",
           "improved_precision_recall", "kernel_inception_distance", "mmd2_unbiased", "polynomial_kernel", "prdc",
           *_LAZY]
