"""Improved precision and recall, density and coverage: k-nearest-neighbour estimates of how much of the generated
distribution lies on the real one (fidelity) and how much of the real one it reaches (diversity), so that mode
collapse shows directly (FID folds both into one number).

Real features X = {x_1 .. x_N}, generated ("fake") features Y = {y_1 .. y_M}, both (n, d) — in zoo the 2048-d pool3
features of the FID Inception network (`zoo.metrics.features`), the same as FID and KID. NND_k(v, S) is the
Euclidean distance from v to its k-th nearest neighbour in S other than v itself, and B(v, r) = {u : ||u - v|| <= r}
is the closed ball. Then

    precision = 1/M  sum_j 1[ y_j in U_i B(x_i, NND_k(x_i, X)) ]          k = 3
    recall    = 1/N  sum_i 1[ x_i in U_j B(y_j, NND_k(y_j, Y)) ]
    density   = 1/kM sum_j sum_i 1[ y_j in B(x_i, NND_k(x_i, X)) ]       k = 5
    coverage  = 1/N  sum_i 1[ exists j: y_j in B(x_i, NND_k(x_i, X)) ]

Precision and recall: Kynkaanniemi, Karras, Laine, Lehtinen, Aila, "Improved Precision and Recall Metric for
Assessing Generative Models", NeurIPS 2019, Sec. 2, Eq. 1 (the indicator f(phi, Phi) with the k-NN radius) and
Eq. 2 (precision and recall), k = 3 as in their experiments. Density and coverage: Naeem, Oh, Uh, Choi, Yoo,
"Reliable Fidelity and Diversity Metrics for Generative Models", ICML 2020, Sec. 3.2, k = 5 as recommended there.
Density counts how many real balls hold each fake (it is not capped at 1, and is 1 in expectation for identical
distributions, their Lemma 1); coverage uses only the real balls, so it is robust to outlier fakes; for identical
distributions at N = M its expectation is 1 - (N-1)...(N-k) / ((2N-1)...(2N-k)), about 1 - 2^-k = 0.97 at k = 5
(their Lemma 2).

Decisions, written down here:
- Balls are closed (<=), as in Kynkaanniemi et al.'s Eq. 1. The clovaai reference code of Naeem et al. compares
  with a strict <; the two differ only on exact ties, e.g. duplicated images (emojione holds 4 groups of identical
  flags), where a closed ball counts a fake equal to a real image at radius 0.
- NND_k excludes the point itself but counts other points at distance 0 (duplicates), so k duplicates give a
  radius of 0. A set of n points has a k-th neighbour only when n >= k + 1 (ValueError otherwise).
- Distances are computed as ||a||^2 + ||b||^2 - 2 a.b in float64 (clipped at 0) and compared squared, in blocks of
  rows (`batch_size` rows against the whole other set), so n = 10,000 needs about `MAX_BLOCK_ELEMENTS` x 8 bytes
  per block instead of an n x n matrix. At n = 10,000, d = 2048 one pass over a pair of sets costs ~12 s of float64
  matrix products on 2 CPU cores; `prdc` makes three (the real set's radii, the fake set's, and real vs fake).
- All four depend on n (the k-NN balls shrink as n grows): report them with the same metric of two real sets at
  the same n beside them (`zoo.metrics.evaluate.evaluate_prdc`, `zoo.cli.release.measure`).
"""

from __future__ import annotations

import numbers

import numpy as np

PRECISION_RECALL_K = 3  # Kynkaanniemi et al. 2019
DENSITY_COVERAGE_K = 5  # Naeem et al. 2020
NAMES = ("precision", "recall", "density", "coverage")
K_OF = {"precision": "precision_recall_k", "recall": "precision_recall_k", "density": "density_coverage_k",
        "coverage": "density_coverage_k"}  # the key of each metric's k in a `prdc` result
MAX_BLOCK_ELEMENTS = 2 ** 23  # float64 distances per block when batch_size is None: 64 MB


def check_features(features, name: str = "features") -> np.ndarray:
    """`features` as a float64 array (n >= 1, d >= 1) of finite values; ValueError naming `name` otherwise."""
    array = np.asarray(features)
    if array.ndim != 2 or array.shape[0] < 1 or array.shape[1] < 1:
        raise ValueError(f"{name}: expected features of shape (n, d) with n, d >= 1, got shape {array.shape}")
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
        raise ValueError(f"{name}: expected real-valued features, got dtype {array.dtype}")
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{name}: {int((~np.isfinite(array)).sum())} values are NaN or infinite; expected finite "
                         f"features")
    return array


def check_k(k, n: int, name: str = "features", what: str = "k") -> int:
    """`k` as an int with 1 <= k <= n - 1 (a k-th nearest neighbour other than the point itself among n points)."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError(f"{what} must be an integer >= 1 (the k of the k-th nearest neighbour), got {k!r}")
    if k > n - 1:
        raise ValueError(f"{what}={k}: the k-th nearest neighbour of each of the {n} {name} needs at least k + 1 = "
                         f"{k + 1} of them, got {n}")
    return int(k)


def check_batch_size(batch_size, columns: int) -> int:
    """Rows per block: `batch_size` (an int >= 1), or None for `MAX_BLOCK_ELEMENTS` // columns (at least 1)."""
    if batch_size is None:
        return max(1, MAX_BLOCK_ELEMENTS // max(int(columns), 1))
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise ValueError(f"batch_size must be an integer >= 1 (rows of distances per block) or None, "
                         f"got {batch_size!r}")
    return int(batch_size)


def squared_distances(x: np.ndarray, y: np.ndarray, y_norms: np.ndarray | None = None) -> np.ndarray:
    """(n, m) squared Euclidean distances between the rows of float64 x (n, d) and y (m, d), clipped at 0;
    `y_norms`: the squared norms of y's rows, when already known."""
    y_norms = np.einsum("ij,ij->i", y, y) if y_norms is None else y_norms
    d2 = np.einsum("ij,ij->i", x, x)[:, None] + y_norms[None, :] - 2.0 * (x @ y.T)
    return np.maximum(d2, 0.0, out=d2)


def blocks(n: int, rows: int):
    """slice(start, stop) of consecutive blocks of `rows` rows covering range(n)."""
    for start in range(0, n, rows):
        yield slice(start, min(start + rows, n))


def knn_squared_radii(features: np.ndarray, ks, batch_size: int | None = None) -> dict:
    """{k: (n,) squared distance from each row of float64 `features` to its k-th nearest other row} for every k
    in `ks` (each checked against n by `check_k`), computed `batch_size` rows at a time."""
    n = len(features)
    ks = sorted({check_k(k, n) for k in ks})
    if not ks:
        return {}
    rows = check_batch_size(batch_size, n)
    norms = np.einsum("ij,ij->i", features, features)
    out = {k: np.empty(n) for k in ks}
    for block in blocks(n, rows):
        d2 = squared_distances(features[block], features, norms)
        d2[np.arange(block.stop - block.start), np.arange(block.start, block.stop)] = np.inf  # not itself
        part = np.partition(d2, [k - 1 for k in ks], axis=1)
        for k in ks:
            out[k][block] = part[:, k - 1]
    return out


def knn_radii(features, k: int, batch_size: int | None = None) -> np.ndarray:
    """(n,) Euclidean distance NND_k from each row of `features` (n, d) to its k-th nearest other row: the radius
    of its k-NN ball (Kynkaanniemi et al., NeurIPS 2019, Eq. 1; Naeem et al., ICML 2020, Sec. 3.2)."""
    features = check_features(features)
    return np.sqrt(knn_squared_radii(features, [k], batch_size)[k])


def prdc(real_features, fake_features, precision_recall_k: int | None = PRECISION_RECALL_K,
         density_coverage_k: int | None = DENSITY_COVERAGE_K, batch_size: int | None = None) -> dict:
    """Improved precision and recall (Kynkaanniemi et al., NeurIPS 2019, Sec. 2, Eq. 1-2) with k =
    `precision_recall_k`, density and coverage (Naeem et al., ICML 2020, Sec. 3.2) with k = `density_coverage_k`,
    of `fake_features` (M, d) against `real_features` (N, d); formulas in the module docstring.

    Args:
        real_features, fake_features: 2-D arrays with the same d; N >= k + 1 for both k, M >= precision_recall_k + 1.
        precision_recall_k, density_coverage_k: None skips that pair (and its keys in the result).
        batch_size: rows of distances per block (None: `MAX_BLOCK_ELEMENTS` // the other set's size).

    Returns: {'precision', 'recall', 'precision_recall_k', 'density', 'coverage', 'density_coverage_k',
    'num_real', 'num_fake'}: floats, ints.
    """
    real = check_features(real_features, "real_features")
    fake = check_features(fake_features, "fake_features")
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"real_features {real.shape} and fake_features {fake.shape} have different feature sizes; "
                         f"expected the same d (features of one network)")
    if precision_recall_k is None and density_coverage_k is None:
        raise ValueError("precision_recall_k and density_coverage_k are both None: nothing to compute")
    pr_k = dc_k = None
    if precision_recall_k is not None:
        pr_k = check_k(precision_recall_k, len(real), "real_features", "precision_recall_k")
        check_k(precision_recall_k, len(fake), "fake_features", "precision_recall_k")
    if density_coverage_k is not None:
        dc_k = check_k(density_coverage_k, len(real), "real_features", "density_coverage_k")
    real_r2 = knn_squared_radii(real, {pr_k, dc_k} - {None}, batch_size)
    fake_r2 = knn_squared_radii(fake, [pr_k], batch_size)[pr_k] if pr_k else None
    real_norms = np.einsum("ij,ij->i", real, real)
    precise = 0  # fakes inside at least one real k-NN ball (k = pr_k)
    balls = 0  # sum over fakes of the real balls (k = dc_k) holding them
    recalled = np.zeros(len(real), bool)  # reals inside at least one fake k-NN ball (k = pr_k)
    nearest_fake = np.full(len(real), np.inf)  # squared distance from each real to its nearest fake
    for block in blocks(len(fake), check_batch_size(batch_size, len(real))):
        d2 = squared_distances(fake[block], real, real_norms)  # (fakes of the block, N)
        if pr_k:
            precise += int((d2 <= real_r2[pr_k][None, :]).any(axis=1).sum())
            recalled |= (d2 <= fake_r2[block][:, None]).any(axis=0)
        if dc_k:
            balls += int((d2 <= real_r2[dc_k][None, :]).sum())
            np.minimum(nearest_fake, d2.min(axis=0), out=nearest_fake)
    m = len(fake)
    out = {}
    if pr_k:
        out.update(precision=precise / m, recall=float(recalled.mean()), precision_recall_k=pr_k)
    if dc_k:
        out.update(density=balls / (dc_k * m), coverage=float((nearest_fake <= real_r2[dc_k]).mean()),
                   density_coverage_k=dc_k)
    return {**out, "num_real": len(real), "num_fake": m}


def improved_precision_recall(real_features, fake_features, k: int = PRECISION_RECALL_K,
                              batch_size: int | None = None) -> tuple:
    """(precision, recall) of Kynkaanniemi et al., NeurIPS 2019, Sec. 2, Eq. 2, with k-NN balls of `k`."""
    result = prdc(real_features, fake_features, k, None, batch_size)
    return result["precision"], result["recall"]


def density_coverage(real_features, fake_features, k: int = DENSITY_COVERAGE_K,
                     batch_size: int | None = None) -> tuple:
    """(density, coverage) of Naeem et al., ICML 2020, Sec. 3.2, with the real k-NN balls of `k`."""
    result = prdc(real_features, fake_features, None, k, batch_size)
    return result["density"], result["coverage"]


__all__ = ["DENSITY_COVERAGE_K", "K_OF", "MAX_BLOCK_ELEMENTS", "NAMES", "PRECISION_RECALL_K", "check_features",
           "check_k", "density_coverage", "improved_precision_recall", "knn_radii", "knn_squared_radii", "prdc",
           "squared_distances"]
