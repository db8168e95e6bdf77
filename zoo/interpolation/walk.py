"""Latent walks: `interpolate(g, num, frames, seed, labels)` -> uint8 videos [num, frames, H, W, C].

Walk i goes from the i-th latent of seed `seed` to the i-th latent of seed `seed + 1` (`g.latents`), so its first
and last frames are `g.sample(num, seed=seed)[i]` and `g.sample(num, seed=seed + 1)[i]` (the labels of each end
given):

- z-space families (SNGAN, SAGAN, BigGAN, the two-stage sampler's code generator): slerp in z (`paths.slerp`);
- StyleGAN2: lerp in w, between the (psi-truncated) mapping outputs of the two z (`paths.lerp`);
- class-conditional models: `labels` is one class for every frame, or two classes (start, end): BigGAN / SAGAN
  then move their class embedding linearly from one class's to the other's (`call_with_embedding`, the shared
  embedding of BigGAN, the one-hot that selects SAGAN's per-class batch-norm gains); StyleGAN2's w already
  holds the class (each end is mapped with its own class).

With a truncation, batch-norm generators normalise with the standing statistics of that truncation, as `sample`
does (`zoo.models.standing_stats`). Frames are made through the compiled sampler (`zoo.models.compiled_sampling`): one pass of `num` samples per
frame, traced once per walk kind; a z walk with one class is `sample`'s own pass, so its endpoints equal
`sample` bit for bit.
"""

from __future__ import annotations

import numpy as np

from zoo.interpolation.paths import fractions, lerp, slerp
from zoo.models.compiled_sampling import sampling_functions
from zoo.models.latent_spaces import LatentSpace
from zoo.models.standing_stats import standing_statistics


def walk_labels(labels, num_classes: int) -> tuple | None:
    """(start class, end class) from `labels`: None (unconditional), one int, or two ints."""
    if not num_classes:
        if labels is not None:
            raise ValueError("this generator is unconditional: labels must be None")
        return None
    if labels is None:
        raise ValueError(f"this generator is class-conditional ({num_classes} classes): pass labels=c (one "
                         f"class) or labels=[start, end] (a walk between two classes)")
    values = np.atleast_1d(np.asarray(labels))
    if values.ndim != 1 or len(values) not in (1, 2) or not np.issubdtype(values.dtype, np.integer):
        raise ValueError(f"labels must be one class id or two (start, end), got {labels!r}")
    if values.min() < 0 or values.max() >= num_classes:
        raise ValueError(f"labels must be in [0, {num_classes - 1}], got {values.tolist()}")
    return int(values[0]), int(values[-1])


def interpolate(g, num: int = 8, frames: int = 32, seed: int = 0, labels=None,
                truncation: float | None = None) -> np.ndarray:
    """uint8 videos [num, frames, H, W, C]: `num` latent walks of `frames` frames each (module docstring).

    Args:
        g: a built zoo image generator.
        num: walks (one per cell of the grid a video of them shows).
        frames: frames per walk, both endpoints included (>= 2).
        seed: walk i starts at `g.latents(num, seed)[i]` and ends at `g.latents(num, seed + 1)[i]`.
        labels: class-conditional models: one class id, or two (start, end).
        truncation: the family's truncation, as in `sample` (z-space threshold, or StyleGAN2's psi).
    """
    space = LatentSpace(g)
    if int(num) < 1:
        raise ValueError(f"num must be >= 1, got {num}")
    ts = fractions(frames)
    classes = walk_labels(labels, g.num_classes)
    z_a, z_b = (g.latents(int(num), seed=s, truncation=truncation) for s in (int(seed), int(seed) + 1))
    ends = [None, None] if classes is None else [np.full((int(num),), c, np.int32) for c in classes]
    functions = sampling_functions(g)
    stats = standing_statistics(g)  # batch norm under truncation: the statistics `sample` uses
    standing = (stats.variables, stats.get(truncation)) if truncation is not None and stats else None
    if space.kind == "w":
        psi = truncation if g.truncates_in_call else None
        w_a, w_b = (np.asarray(space.ws(z, y, psi)) for z, y in ((z_a, ends[0]), (z_b, ends[1])))
        shots = [functions.forward_images("walk_w", space.images_from_ws, lerp(w_a, w_b, t)) for t in ts]
    elif classes is not None and classes[0] != classes[1]:
        e_a, e_b = (space.class_embedding(y) for y in ends)

        def forward(z, embedding):  # the standing statistics of `truncation` are constants of its graph
            with stats.scope(standing[1] if standing else None):
                return space.images_from_embedding(z, embedding)

        shots = [functions.forward_images(f"walk_embedding_T{truncation}", forward, slerp(z_a, z_b, t),
                                          lerp(e_a, e_b, t)) for t in ts]
    else:
        psi = truncation if g.truncates_in_call else None
        shots = [functions.images(slerp(z_a, z_b, t), ends[0], psi, standing) for t in ts]
    return np.stack(shots, axis=1)
