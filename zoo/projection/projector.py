"""Projection: the latent whose image is closest to a given image, found by gradient descent.

`project(g, images, steps, labels)` optimises, for each target image independently:

- z for the z-space families (SNGAN, SAGAN, BigGAN; the code generator's z of the two-stage sampler), started
  from the closest of `starts` random z (by pixel distance), with the same ramped-down noise as w (a fraction
  `latent_noise` of z's expected norm sqrt(latent_dim)), which helps it out of poor local minima;
- w (one w broadcast to every layer, the default) or w+ (one w per layer) for StyleGAN2, started from the mean w
  of 1,000 mapped z with Gaussian noise of `latent_noise` x the spread of w added during the first 3/4 of the steps
  and ramped down (quadratically) to 0, as stylegan2-ada's `projector.py` does. The per-layer noise inputs
  stay the stored ones (not optimised, so no noise regularisation is needed);
- class-conditional models without labels: every class is tried for `search_steps` steps (all classes of all
  images in one batch), and each image goes on with its best class.

Distance: `pixel_weight` x the mean squared pixel difference (images in [-1, 1]) plus `perceptual_weight` x
the Inception feature distance of `zoo.projection.perceptual` (the FID network stands in for LPIPS, whose VGG
weights are not available offline); `perceptual_weight=0` skips the Inception network entirely.
Optimiser: Adam (betas 0.9, 0.999) with stylegan2-ada's learning-rate schedule (linear warm-up over the first
5% of the steps, cosine ramp-down over the last 25%).

Reference: Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020, Sec. 5 (projection
in w with noise ramp); stylegan2-ada-pytorch `projector.py` (its schedule and settings); Zhu et al., "Generative
Visual Manipulation on the Natural Image Manifold", ECCV 2016 (projection by optimisation).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import tensorflow as tf

from zoo.models.compiled_sampling import sampling_functions, to_uint8_tf
from zoo.models.latent_spaces import LatentSpace

SPACES = ("z", "w", "w+")
W_AVERAGE_SAMPLES = 1000
ADAM_BETAS = (0.9, 0.999)
LEARNING_RATES = {"z": 0.3, "w": 0.1, "w+": 0.1}


@dataclasses.dataclass
class ProjectionResult:
    """What `project` found, per target image.

    Attributes:
        latents: z [N, latent_dim]; w [N, w_dim]; w+ [N, num_ws, w_dim].
        space: "z", "w" or "w+".
        labels: int32 class ids [N] (class-conditional models), else None.
        images: uint8 reconstructions (`reconstruct(g, latents, space, labels)`), NHWC.
        psnr: dB per image, reconstruction vs target (inf when identical).
        frames: uint8 [K, N, H, W, C]: the images of every `record_every`-th step (the first: the starting
            point with its initial latent noise; with a class search, its steps of each image's chosen class
            come first), the last one `images`.
        losses: the summed distance at every step (class search first).
    """

    latents: np.ndarray
    space: str
    labels: np.ndarray | None
    images: np.ndarray
    psnr: np.ndarray
    frames: np.ndarray
    losses: list


def psnr(images, targets) -> np.ndarray:
    """Peak signal-to-noise ratio per image, dB: 10 log10(255^2 / MSE) of uint8 images (inf when equal)."""
    a, b = np.asarray(images, np.float64), np.asarray(targets, np.float64)
    if a.shape != b.shape:
        raise ValueError(f"psnr needs images of the same shape, got {a.shape} and {b.shape}")
    mse = np.mean((a - b) ** 2, axis=tuple(range(1, a.ndim)))
    with np.errstate(divide="ignore"):
        return np.where(mse > 0, 10.0 * np.log10(255.0 ** 2 / np.maximum(mse, 1e-300)), np.inf)


def learning_rate(step: int, steps: int, base: float, rampup: float = 0.05, rampdown: float = 0.25) -> float:
    """stylegan2-ada's schedule at `step` of `steps`: warm-up over `rampup`, cosine ramp-down over `rampdown`."""
    t = (step + 0.5) / steps
    ramp = min(1.0, (1.0 - t) / rampdown)
    ramp = 0.5 - 0.5 * math.cos(ramp * math.pi)
    return base * ramp * min(1.0, t / rampup)


def check_targets(g, images) -> np.ndarray:
    """uint8 NHWC targets of g's image shape (one HWC image is a batch of one)."""
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[None]
    if images.dtype != np.uint8 or images.shape[1:] != tuple(g.image_shape) or not len(images):
        raise ValueError(f"project expects uint8 images of shape (N, {', '.join(map(str, g.image_shape))}) for "
                         f"{type(g).__name__}, got dtype {images.dtype} shape {images.shape}")
    return images


def default_space(space_of: LatentSpace, space: str | None) -> str:
    space = space or ("w" if space_of.kind == "w" else "z")
    if space not in SPACES:
        raise ValueError(f"unknown latent space {space!r}; expected one of {SPACES}")
    if (space == "z") != (space_of.kind == "z"):
        allowed = ("z",) if space_of.kind == "z" else ("w", "w+")
        raise ValueError(f"{type(space_of.network).__name__} is projected in {' or '.join(allowed)}, not {space}")
    return space


def render(space_of: LatentSpace, space: str, latents, labels):
    """Float images in [-1, 1] of latents in `space` (differentiable)."""
    if space == "z":
        return space_of.images_from_z(latents, labels)
    ws = latents if space == "w+" else tf.tile(latents[:, None, :], [1, space_of.w_shape[0], 1])
    return space_of.images_from_ws(ws)


def reconstruct(g, latents, space: str, labels=None) -> np.ndarray:
    """uint8 images of projected latents, through the compiled sampler (z: `sample`'s own pass)."""
    space_of = LatentSpace(g)
    space = default_space(space_of, space)
    functions = sampling_functions(g)
    if space == "z":
        return functions.images(latents, labels)
    return functions.forward_images(f"project_{space}", lambda x: render(space_of, space, x, None), latents)


class Optimisation:
    """Adam on one batch of latents towards one batch of targets (see the module docstring).

    Args:
        space_of, space: the generator's `LatentSpace` and the space optimised in.
        targets: uint8 targets, one per latent; labels: int32 [N] or None.
        distance: callable (float images, float targets) -> per-image distance (tf).

    Reference: Kingma and Ba, "Adam", ICLR 2015; stylegan2-ada-pytorch `projector.py` (schedule, latent noise).
    """

    def __init__(self, space_of, space, latents, targets, labels, distance):
        self.space_of, self.space = space_of, space
        self.latent = tf.Variable(np.asarray(latents, np.float32))
        self.m = tf.Variable(tf.zeros_like(self.latent))
        self.v = tf.Variable(tf.zeros_like(self.latent))
        self.targets = tf.constant(np.asarray(targets, np.float32) / 127.5 - 1.0)
        self.labels = None if labels is None else tf.constant(np.asarray(labels, np.int32))
        self.distance = distance
        self.step = tf.function(self._step, autograph=False)

    def _step(self, lr, t, noise):
        with tf.GradientTape() as tape:
            images = render(self.space_of, self.space, self.latent + noise, self.labels)
            per_image = self.distance(images, self.targets)
            loss = tf.reduce_sum(per_image)
        grad = tape.gradient(loss, self.latent)
        b1, b2 = ADAM_BETAS
        self.m.assign(b1 * self.m + (1.0 - b1) * grad)
        self.v.assign(b2 * self.v + (1.0 - b2) * tf.square(grad))
        m_hat, v_hat = self.m / (1.0 - b1 ** t), self.v / (1.0 - b2 ** t)
        self.latent.assign_sub(lr * m_hat / (tf.sqrt(v_hat) + 1e-8))
        return per_image, to_uint8_tf(images)

    def run(self, steps, lr, noise_scale, seed, record_every, frames, losses, progress=None, stage=""):
        """`steps` Adam steps; appends the images of every `record_every`-th step to `frames` and the summed
        distance of every step to `losses`; returns the last per-image distances."""
        rng = np.random.default_rng(seed)
        per_image = None
        for step in range(steps):
            ramp = max(0.0, 1.0 - step / (0.75 * steps)) ** 2
            noise = (rng.standard_normal(self.latent.shape).astype(np.float32) * np.float32(noise_scale * ramp)
                     if noise_scale else np.zeros(self.latent.shape, np.float32))
            per_image, images = self.step(tf.constant(learning_rate(step, steps, lr), tf.float32),
                                          tf.constant(step + 1, tf.float32), tf.constant(noise))
            losses.append(float(np.sum(per_image)))
            if record_every and step % record_every == 0:
                frames.append(images.numpy())
            if progress is not None:
                progress(stage, step + 1, steps, losses[-1])
        return np.asarray(per_image)


def make_distance(pixel_weight: float, perceptual_weight: float, perceptual=None):
    """Per-image distance: pixel_weight x mean squared difference + perceptual_weight x `perceptual`."""
    if perceptual_weight and perceptual is None:
        from zoo.projection.perceptual import InceptionPerceptual

        perceptual = InceptionPerceptual()

    def distance(images, targets):
        d = float(pixel_weight) * tf.reduce_mean(tf.square(images - targets), axis=[1, 2, 3])
        if perceptual_weight:
            d += float(perceptual_weight) * perceptual(images, targets)
        return d

    return distance


def starting_points(g, space_of, space, targets, labels, starts: int, seed: int):
    """(latents, w spread) to start from: z the closest (pixel distance) of `starts` random z per target;
    w / w+ the mean w of `W_AVERAGE_SAMPLES` mapped z (per class), spread sqrt(E|w - mean|^2)."""
    n = len(targets)
    rng = np.random.default_rng(seed)
    if space == "z":
        z = rng.standard_normal((n, starts, g.latent_dim)).astype(np.float32)
        reps = None if labels is None else np.repeat(labels, starts)
        images = np.concatenate([np.asarray(space_of.images_from_z(z.reshape(-1, g.latent_dim)[i:i + 256],
                                                                  None if reps is None else reps[i:i + 256]))
                                 for i in range(0, n * starts, 256)])
        targets_f = np.asarray(targets, np.float32) / 127.5 - 1.0
        d = np.mean((images.reshape(n, starts, -1) - targets_f.reshape(n, 1, -1)) ** 2, axis=-1)
        return z[np.arange(n), np.argmin(d, axis=1)], float(np.sqrt(g.latent_dim))
    z = rng.standard_normal((W_AVERAGE_SAMPLES, g.latent_dim)).astype(np.float32)
    means, spread = [], []
    for label in ([None] if labels is None else sorted(set(int(c) for c in labels))):
        y = None if label is None else np.full((W_AVERAGE_SAMPLES,), label, np.int32)
        w = np.asarray(space_of.ws(z, y))[:, 0]
        means.append((label, w.mean(0)))
        spread.append(np.sqrt(np.sum((w - w.mean(0)) ** 2) / W_AVERAGE_SAMPLES))
    table = dict(means)
    w0 = np.stack([table[None if labels is None else int(c)] for c in (labels if labels is not None else [None] * n)])
    if space == "w+":
        w0 = np.repeat(w0[:, None, :], space_of.w_shape[0], axis=1)
    return w0.astype(np.float32), float(np.mean(spread))


def project(g, images, steps: int = 300, labels=None, space: str | None = None, lr: float | None = None,
            pixel_weight: float = 1.0, perceptual_weight: float = 1.0, perceptual=None, search_steps: int = None,
            starts: int = 16, latent_noise: float = 0.05, seed: int = 0, record_every: int | None = None,
            progress=None) -> ProjectionResult:
    """Project uint8 `images` (N, H, W, C) into g's latent space (module docstring); returns a
    `ProjectionResult` (latents, labels, reconstructions, PSNR, optimisation frames).

    Args:
        g: a built zoo image generator (a video generator is refused).
        images: uint8 targets of g's image shape.
        steps: optimisation steps (after the class search).
        labels: class ids (one, or one per image) of a class-conditional model; None: searched.
        space: "z" (z-space families), "w" (default) or "w+" (StyleGAN2).
        lr: peak Adam learning rate (default `LEARNING_RATES` of the space: stylegan2-ada's 0.1 in w; 0.3 in z,
            whose coordinates have unit variance: measured on the tiny test generators, it leaves fewer images in
            a poor local minimum than 0.1).
        pixel_weight, perceptual_weight: weights of the two distances (perceptual 0: no Inception network).
        perceptual: a callable (images, targets) -> per-image distance, default `InceptionPerceptual()`.
        search_steps: steps per class of the class search (default max(10, steps // 10)).
        starts: random z tried per target for the starting point (z space).
        latent_noise: initial noise on the latent, as a fraction of its spread (w: sqrt(E|w - mean w|^2); z:
            sqrt(latent_dim)).
        seed: seed of the starting points and the noise.
        record_every: keep the images of every k-th step in `frames` (default: ~50 frames in all).
        progress: called as progress(stage, step, steps, loss) after every step ("search" / "project").
    """
    space_of = LatentSpace(g)
    space = default_space(space_of, space)
    targets = check_targets(g, images)
    n, steps = len(targets), int(steps)
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    if labels is not None:
        if not g.num_classes:
            raise ValueError(f"{type(g).__name__} is unconditional: labels must be None")
        labels = np.broadcast_to(np.asarray(labels), (n,)).astype(np.int32)
        if labels.min() < 0 or labels.max() >= g.num_classes:
            raise ValueError(f"labels must be in [0, {g.num_classes - 1}], got {labels.tolist()}")
    distance = make_distance(pixel_weight, perceptual_weight, perceptual)
    lr = LEARNING_RATES[space] if lr is None else float(lr)
    search_steps = max(10, steps // 10) if search_steps is None else int(search_steps)
    record_every = record_every or max(1, (steps + search_steps) // 50)
    frames, losses = [], []
    if g.num_classes and labels is None:  # every class for every image, in one batch
        classes = np.tile(np.arange(g.num_classes, dtype=np.int32), n)
        expanded = np.repeat(targets, g.num_classes, axis=0)
        latents, spread = starting_points(g, space_of, space, expanded, classes, starts, seed)
        search = Optimisation(space_of, space, latents, expanded, classes, distance)
        search_frames = []
        d = search.run(search_steps, lr, latent_noise * spread, seed, record_every, search_frames, losses, progress,
                       "search").reshape(n, g.num_classes)
        best = np.argmin(d, axis=1)
        labels = best.astype(np.int32)
        rows = np.arange(n) * g.num_classes + best
        latents = search.latent.numpy()[rows]
        frames += [f[rows] for f in search_frames]
    else:
        latents, spread = starting_points(g, space_of, space, targets, labels, starts, seed)
    main = Optimisation(space_of, space, latents, targets, labels, distance)
    main.run(steps, lr, latent_noise * spread, seed + 1, record_every, frames, losses, progress, "project")
    latents = main.latent.numpy()
    recon = reconstruct(g, latents, space, labels)
    frames.append(recon)
    return ProjectionResult(latents=latents, space=space, labels=labels, images=recon,
                            psnr=psnr(recon, targets), frames=np.stack(frames), losses=losses)
