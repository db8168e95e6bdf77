"""One-stage GAN training by gradient decomposition (OSGAN): one forward and one backward pass of G and D
give the updates of both networks.

The maths (Shen et al., CVPR 2021, Sec. 3). Per replica, with B fakes x_i = G(z_i), fake logits
l_i = D(x_i), real logits r_k, and the losses of `zoo.losses` written as batch means
    L_D = 1/B sum_k f_r(r_k) + 1/B sum_i f(l_i),        L_G = 1/B sum_i g(l_i),
the two-stage gradients at the same weights are
    dL_D/dtheta_D = 1/B sum_k f_r'(r_k) dr_k/dtheta_D + 1/B sum_i f'(l_i) dl_i/dtheta_D      (x_i held fixed)
    dL_G/dtheta_G = 1/B sum_i g'(l_i) J_i dx_i/dtheta_G,         J_i = dl_i/dx_i.
One backward pass of L_D through D and G gives D exactly its gradient and delivers to x_i the cotangent
f'(l_i)/B J_i (D is per-sample: l_i depends on x_i only). Multiplying it by the per-sample ratio
    gamma_i = g'(l_i) / f'(l_i)
turns it into g'(l_i)/B J_i, the two-stage cotangent, from which G's backward pass gives exactly G's
gradient (G's own couplings, e.g. batch norm, are upstream of the scaling and change nothing). The scaling is
`scale_gradient`, an identity op between G's output and D's input whose gradient multiplies sample i by
gamma_i; gamma is computed from the logits of the same forward pass, after it.

The paper writes the asymmetric case as a packed loss (f(l) - g(l)) / (1 - gamma) with gamma held constant:
its derivative (f' - g') / (1 - gamma) = f' is D's own, so it is gradient-equivalent to the plain D loss used
here (it only changes the logged value), and it fails where f'(l) = 0 (gamma = -inf: 0 * inf).

Per loss (`GAMMAS`; l = fake logit), and where the one-stage gradients equal the two-stage ones:
- wasserstein (f = l, g = -l) and minimax (f = softplus(l), g = -softplus(l)): symmetric, gamma = -1 (G gets
  D's gradient with its sign flipped). Exact everywhere.
- non_saturating (f = softplus(l), g = softplus(-l)): f' = sigma(l), g' = -sigma(-l), gamma = -exp(-l).
  Exact for all l in real arithmetic; in float32 for l >= -80 (below, exp(-l) would overflow and sigma(l)
  underflows, so gamma is held at -exp(80) and such a sample's G gradient fades out). Logits that low do not
  occur in practice.
- least_squares (f = l^2 / 2, g = (l - 1)^2 / 2): gamma = (l - 1) / l; exact except at l == 0 exactly (gamma
  set to 0 there).
- hinge (f = relu(1 + l), g = -l): f' = 1[l > -1], g' = -1, so gamma = -1 where l > -1. Where l <= -1, D's
  fake term is flat: D's backward carries 0 * J_i for that sample and no rescaling can recover G's
  -J_i / B (the paper's formula gives gamma = -inf and a NaN gradient there). We set gamma = 0: such a
  sample gives G no gradient. So one-stage hinge is exact on the samples where D's fake hinge is active and
  equals two-stage training with the G loss -1/B sum_i 1[l_i > -1] l_i (G learns only from fakes that D
  does not already reject with margin; compare top-k training, Sinha et al. 2020). An exact variant would
  need per-sample weight-gradient masks inside every D layer. The trainer logs `g_active`, the fraction of
  fakes whose G gradient is carried (1 for the other losses). Prefer non_saturating for exact one-stage.

What exactness assumes, and what differs from two-stage training (`GANTask.d_step` + `g_step`;
the one-stage step is `GANTask.one_stage_step`, built from the same objective assembly):
- D is per-sample (true for every zoo D: spectral norm, no batch norm; self-attention mixes positions, not
  samples; DiffAugment draws per example). A D layer coupling samples (batch statistics, minibatch std)
  would mix cotangents across samples before the per-sample gamma: with gamma constant (symmetric losses)
  G's gradient would still equal the gradient of L_G evaluated on the joint real + fake forward pass, with
  asymmetric losses it would be inexact.
- Both updates are computed at the pre-update weights and applied together (simultaneous updates); the
  two-stage trainer alternates (its G step sees D's updated weights) and draws separate z for the D and G
  steps. Gradient penalties (WGAN-GP, R1) are D-only terms (the GP interpolates a stop-gradient copy of the
  fakes) and are exact; BigGAN's orthogonal regularization is G-only and is just added to the loss. Every
  term goes through `zoo.training.objectives.add_terms`, as in two-stage training, with D-side terms given
  stop-gradient fakes; lazy terms (interval > 1) run as their own updates after the one-stage update.
- One G forward per step: G's batch-norm statistics (synchronized across replicas) come from the one fake
  batch that both networks train on, and BN moving averages and spectral-norm power iterations (G and D)
  advance once per step instead of twice.
- n_dis must be 1: one forward pass gives one D update and one G update.

Reference: Shen, Yin, Wang, Li, Song, Song, "Training Generative Adversarial Networks in One Stage", CVPR
2021, Sec. 3 (symmetric and asymmetric one-stage GANs, gradient decomposition, computational analysis).
"""

from __future__ import annotations

import tensorflow as tf

def _hinge_gamma(l):
    return tf.where(l > -1.0, -1.0, 0.0)


def _non_saturating_gamma(l):
    return -tf.exp(-tf.maximum(l, -80.0))


def _symmetric_gamma(l):
    return -tf.ones_like(l)


def _least_squares_gamma(l):
    return tf.math.divide_no_nan(l - 1.0, l)


GAMMAS = {
    "hinge": _hinge_gamma,
    "non_saturating": _non_saturating_gamma,
    "minimax": _symmetric_gamma,
    "wasserstein": _symmetric_gamma,
    "least_squares": _least_squares_gamma,
}
SYMMETRIC = ("minimax", "wasserstein")


def gamma(loss: str, fake_logits):
    """Per-sample ratio g'(l) / f'(l) of the G loss's and D's fake loss's derivatives at the fake logits
    (0 where f'(l) = 0, see the module docstring). No gradient flows through it."""
    if loss not in GAMMAS:
        raise ValueError(f"one-stage training has no gradient decomposition for loss {loss!r}; "
                         f"expected one of {sorted(GAMMAS)}")
    return tf.stop_gradient(GAMMAS[loss](tf.cast(tf.convert_to_tensor(fake_logits), tf.float32)))


def scale_gradient(x):
    """(y, set_factor): y = x in the forward pass; in the backward pass the cotangent of y[i] is multiplied
    by factor[i] (shape (N,)), given by `set_factor(factor)` after the forward pass, before the gradient.

    Example:
        >>> y, set_factor = scale_gradient(fake)
        >>> logits = d(y); set_factor(gamma("hinge", logits))   # then tape.gradient(...)
    """
    cell = []

    @tf.custom_gradient
    def identity(t):
        def grad(dy):
            if not cell:
                raise RuntimeError("scale_gradient: set_factor(factor) must be called before the gradient")
            factor = tf.reshape(tf.cast(cell[-1], dy.dtype), [-1] + [1] * (len(dy.shape) - 1))
            return dy * factor

        return tf.identity(t), grad

    def set_factor(factor):
        cell.append(tf.stop_gradient(factor))

    return identity(x), set_factor


def check_one_stage(n_dis: int, loss: str, advaug: bool, couples_samples: bool = False) -> None:
    """Raise a ValueError if a GAN task's settings are outside what one-stage training covers."""
    if couples_samples:
        raise ValueError("training_mode='one_stage' needs a per-sample discriminator, but this one couples the "
                         "samples of a batch (minibatch standard deviation with group size > 1): D's backward "
                         "pass mixes the real and fake cotangents of a group before the per-sample gradient "
                         "scaling, so the decomposition is not exact (tests/training/test_one_stage.py measures "
                         "the difference); set the discriminator's mbstd_group_size to 1 or use "
                         "training_mode='two_stage'")
    if n_dis != 1:
        raise ValueError(f"training_mode='one_stage' needs n_dis=1 (one forward pass gives one D and one G "
                         f"update), got n_dis={n_dis}")
    if advaug:
        raise ValueError("training_mode='one_stage' does not support AdvAug: its perturbed D and G terms need "
                         "their own forward passes, so one backward pass no longer gives both updates; use "
                         "training_mode='two_stage' or set the advaug_*_steps to 0")
    if loss not in GAMMAS:
        raise ValueError(f"training_mode='one_stage' has no gradient decomposition for loss "
                         f"{loss!r}; expected one of {sorted(GAMMAS)}")
