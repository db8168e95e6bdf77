"""Improved precision / recall and density / coverage (zoo.metrics.prdc) on cases computed by hand.

Every expected value below is worked out in the comment beside it, from the definitions in the module docstring:
radius r_i = distance to the k-th nearest other point of the same set; closed balls.
"""

import numpy as np
import pytest

from zoo.metrics.prdc import density_coverage, improved_precision_recall, knn_radii, prdc


def line(*xs):
    """Points on a line as (n, 1) features."""
    return np.array(xs, dtype=np.float64)[:, None]


# real 0, 1, 2, 4, 8; fake 0.5, 1.5 (among the reals) and 20, 21 (a far-away pair)
REAL, FAKE = line(0, 1, 2, 4, 8), line(0.5, 1.5, 20, 21)


def test_radii_are_kth_nearest_other_point():
    # 0: others at 1, 2, 4, 8; 1: 1, 1, 3, 7; 2: 2, 1, 2, 6; 4: 4, 3, 2, 4; 8: 8, 7, 6, 4
    np.testing.assert_array_equal(knn_radii(REAL, 1), [1, 1, 1, 2, 4])
    np.testing.assert_array_equal(knn_radii(REAL, 2), [2, 1, 2, 3, 6])
    np.testing.assert_array_equal(knn_radii(line(5, 5, 5, 9), 2), [0, 0, 0, 4])  # duplicates count, self does not


def test_points_on_a_line_k1():
    result = prdc(REAL, FAKE, precision_recall_k=1, density_coverage_k=1)
    # real balls [-1, 1], [0, 2], [1, 3], [2, 6], [4, 12]: 0.5 and 1.5 inside, 20 and 21 not -> precision 2/4
    # fake radii 1, 1, 1, 1: balls [-0.5, 1.5], [0.5, 2.5], [19, 21], [20, 22] hold reals 0, 1, 2 -> recall 3/5
    # density: 0.5 is in the balls of 0 and 1, 1.5 in those of 1 and 2 -> (2 + 2) / (1 * 4) = 1
    # coverage: 0 (r 1) has 0.5 at 0.5, 1 has 0.5, 2 has 1.5; 4 (r 2) nearest 1.5 at 2.5, 8 (r 4) -> 3/5
    assert result == {"precision": 0.5, "recall": 0.6, "precision_recall_k": 1, "density": 1.0, "coverage": 0.6,
                      "density_coverage_k": 1, "num_real": 5, "num_fake": 4}


def test_points_on_a_line_k2():
    result = prdc(REAL, FAKE, precision_recall_k=2, density_coverage_k=2)
    # real balls [-2, 2], [0, 2], [0, 4], [1, 7], [2, 14] -> precision 2/4 again
    # fake radii 19.5, 18.5, 18.5, 19.5: balls [-19, 20], [-17, 20], ... hold every real -> recall 1
    # density: 0.5 in the balls of 0, 1, 2 (3), 1.5 in those of 0, 1, 2, 4 (4) -> 7 / (2 * 4) = 0.875
    # coverage: 4 (r 3) has 1.5 at 2.5; 8 (r 6) has its nearest fake 1.5 at 6.5 -> 4/5
    assert (result["precision"], result["recall"], result["density"], result["coverage"]) == (0.5, 1.0, 0.875, 0.8)


def test_default_k_on_ten_points():
    real, fake = line(*range(10)), line(-2.5, 5.5, 11.5, 12.5, 100)
    result = prdc(real, fake)
    assert (result["precision_recall_k"], result["density_coverage_k"]) == (3, 5)
    # k = 3 radii of 0..9: 3, 2, 2, ..., 2, 3 -> union of the balls [-3, 12]: -2.5, 5.5, 11.5 in -> 3/5
    assert result["precision"] == 0.6
    # fake 3rd-neighbour radii 15, 8, 14, 15, 94.5 cover 0..9 -> recall 1
    assert result["recall"] == 1.0
    # k = 5 radii 5, 4, 3, 3, 3, 3, 3, 3, 4, 5: balls [-5, 5], [-3, 5], [-1, 5], [0, 6], [1, 7], [2, 8], [3, 9],
    # [4, 10], [4, 12], [4, 14]; -2.5 is in 2 balls, 5.5 in 7 (of 3..9), 11.5 in 2, 12.5 in 1, 100 in none
    assert result["density"] == pytest.approx(12 / 25)
    # every real but 2 (r 3; nearest fakes -2.5 at 4.5, 5.5 at 3.5) has a fake in its ball -> 9/10
    assert result["coverage"] == 0.9
    assert improved_precision_recall(real, fake) == (0.6, 1.0)
    assert density_coverage(real, fake) == (pytest.approx(0.48), 0.9)


def test_a_few_points_in_the_plane():
    real = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], np.float64)  # unit square: k = 1 radii all 1
    fake = np.array([[0.5, 0.5], [3, 3], [1, 1.9]])
    result = prdc(real, fake, precision_recall_k=1, density_coverage_k=1)
    # the centre is 0.707 from every corner (in all 4 balls), (1, 1.9) is 0.9 from (1, 1) only, (3, 3) is far
    assert result["precision"] == pytest.approx(2 / 3) and result["density"] == pytest.approx(5 / 3)
    # every corner has the centre within its radius 1; the centre's fake radius is 1.487 > 0.707 -> all recalled
    assert result["coverage"] == 1.0 and result["recall"] == 1.0
    # k = 3: radius sqrt(2) (the opposite corner), so (1, 1.9) (0.9 from (1, 1), 1.345 from (0, 1)) is in 2 balls
    assert density_coverage(real, fake, k=3)[0] == pytest.approx((4 + 0 + 2) / (3 * 3))


def test_balls_are_closed():
    # radii 1, 1, 1: the fake 3 lies on the boundary of the ball of 2 and counts (a strict < would give 0)
    assert improved_precision_recall(line(0, 1, 2), line(3, 10), k=1)[0] == 0.5
    assert density_coverage(line(0, 1, 2), line(3, 10), k=1) == (0.5, 1 / 3)  # 3 in 1 ball; 2 covered by 3


def test_identical_sets_and_far_apart_sets():
    points = np.random.RandomState(0).normal(size=(40, 3))
    same = prdc(points, points.copy(), batch_size=7)
    assert (same["precision"], same["recall"], same["coverage"]) == (1.0, 1.0, 1.0)
    assert same["density"] >= 1 / 5  # each fake is at least in the ball of its twin
    far = prdc(points, points + 1000.0)
    assert (far["precision"], far["recall"], far["density"], far["coverage"]) == (0.0, 0.0, 0.0, 0.0)


def test_two_samples_of_one_distribution_match_naeem_lemmas():
    """Density is 1 in expectation (Naeem et al. 2020, Lemma 1) and coverage 1 - prod_i (N - i) / (2N - i),
    i = 1..k (Lemma 2), for two independent samples of one distribution."""
    rng = np.random.RandomState(1)
    n, k = 300, 5
    runs = [prdc(rng.normal(size=(n, 4)), rng.normal(size=(n, 4))) for _ in range(3)]
    expected_coverage = 1 - np.prod([(n - i) / (2 * n - i) for i in range(1, k + 1)])
    assert np.mean([r["density"] for r in runs]) == pytest.approx(1.0, abs=0.05)
    assert np.mean([r["coverage"] for r in runs]) == pytest.approx(expected_coverage, abs=0.02)


def test_blocks_do_not_change_the_result():
    """Any batch size, against a brute-force computation from the full distance matrix."""
    rng = np.random.RandomState(2)
    real, fake = rng.normal(size=(37, 8)), rng.normal(0.3, 1.2, size=(29, 8))
    d = np.sqrt(((fake[:, None] - real[None]) ** 2).sum(-1))  # (M, N)
    real_r = {k: np.sort(np.sqrt(((real[:, None] - real[None]) ** 2).sum(-1)), 1)[:, k] for k in (3, 5)}
    fake_r = np.sort(np.sqrt(((fake[:, None] - fake[None]) ** 2).sum(-1)), 1)[:, 3]
    expected = {"precision": (d <= real_r[3]).any(1).mean(), "recall": (d <= fake_r[:, None]).any(0).mean(),
                "density": (d <= real_r[5]).sum() / (5 * 29), "coverage": (d.min(0) <= real_r[5]).mean()}
    for batch_size in (1, 5, 29, None):
        result = prdc(real, fake, batch_size=batch_size)
        assert {k: result[k] for k in expected} == pytest.approx(expected)
    assert prdc(real.astype(np.float32), fake.astype(np.float32))["recall"] == pytest.approx(expected["recall"])


@pytest.mark.parametrize("kwargs, message", [
    ({"precision_recall_k": 0}, "precision_recall_k must be an integer >= 1"),
    ({"precision_recall_k": 2.5}, "precision_recall_k must be an integer >= 1"),
    ({"density_coverage_k": True}, "density_coverage_k must be an integer >= 1"),
    ({"density_coverage_k": 5}, r"density_coverage_k=5: the k-th nearest neighbour of each of the 5 real_features "
                                r"needs at least k \+ 1 = 6"),
    ({"precision_recall_k": 4}, r"precision_recall_k=4: .* of the 4 fake_features needs at least k \+ 1 = 5"),
    ({"precision_recall_k": None, "density_coverage_k": None}, "both None: nothing to compute"),
    ({"batch_size": 0}, "batch_size must be an integer >= 1"),
])
def test_bad_k_and_batch_size(kwargs, message):
    args = {"precision_recall_k": 1, "density_coverage_k": 1, **kwargs}
    with pytest.raises(ValueError, match=message):
        prdc(REAL, FAKE, **args)


def test_bad_features():
    with pytest.raises(ValueError, match=r"real_features: expected features of shape \(n, d\).*got shape \(5,\)"):
        prdc(np.arange(5.0), FAKE)
    with pytest.raises(ValueError, match=r"different feature sizes; expected the same d"):
        prdc(REAL, np.zeros((4, 2)), 1, 1)
    with pytest.raises(ValueError, match="fake_features: 1 values are NaN or infinite"):
        prdc(REAL, line(0.5, np.nan, 2, 3), 1, 1)
    with pytest.raises(ValueError, match="fake_features: expected real-valued features, got dtype <U1"):
        prdc(REAL, np.array([["a"], ["b"]]), 1, 1)
    with pytest.raises(ValueError, match=r"of the 1 features needs at least k \+ 1 = 2"):
        knn_radii(line(3), 1)
