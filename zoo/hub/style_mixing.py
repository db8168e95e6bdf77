"""Style-mixing grids (Karras et al., "A Style-Based Generator Architecture for GANs", CVPR 2019, Fig. 3) for the
model card of a generator that mixes styles.

A generator qualifies by what it can do, not by its family (`supports_style_mixing`): it maps z to per-layer
ws (`mapping(z, labels)` -> [N, num_ws, w_dim]), synthesises images from ws (`synthesis(ws, noise=...)`), mixes
two ws tensors (`mix_styles(ws, ws_other, cutoff)`: ws[:, :cutoff] from the first) and lists the resolutions of
its synthesis blocks (`resolutions`, 4, 8, ..., with `num_ws` spread evenly over them: StyleGAN2 reads 2 ws per
resolution).

A grid: the top row holds source B (`cols` samples of `seed_b`), the left column source A (`rows` samples of
`seed_a`); cell (i, j) is A_i with the styles of one group of resolutions copied from B_j:
- coarse: the ws read by the 4x4-8x8 layers (ws 0-3 of StyleGAN2, any resolution; pose, shape),
- middle: 16x16-32x32 (ws 4-7),
- fine: 64x64 and up (ws 8 to the last; colour scheme, micro-structure),
the paper's split (ws 0-3 / 4-7 / 8-17 at 1024x1024). A group the generator has no layers for (fine below
64x64) has no grid. Noise is the generator's stored constant noise and the latents come from the seeds, so the
grids are reproducible. `zoo.hub.publish.write_style_mixing` writes them as `style_mixing_<group>.png`.
"""

from __future__ import annotations

import numpy as np

from zoo.images import make_grid, to_uint8

# group -> (lowest, highest) resolution whose ws it takes from source B (None: up to the output resolution)
STYLE_GROUPS = {"coarse": (4, 8), "middle": (16, 32), "fine": (64, None)}
FILE_PATTERN = "style_mixing_{group}.png"
FILES = tuple(FILE_PATTERN.format(group=g) for g in STYLE_GROUPS)
ROWS, COLS, SEED_A, SEED_B = 5, 5, 0, 1  # the card's grids
BLANK = 255  # the top-left cell (white, as the grid padding)


def supports_style_mixing(generator) -> bool:
    """True when `generator` has what a style-mixing grid needs: mapping, synthesis, mix_styles, resolutions,
    num_ws."""
    return all(hasattr(generator, name) for name in ("mapping", "synthesis", "mix_styles", "resolutions", "num_ws"))


def group_resolutions(group: str, resolution: int) -> tuple[int, int] | None:
    """(lowest, highest) resolution of `group` in a generator of output size `resolution`; None if it has none."""
    if group not in STYLE_GROUPS:
        raise ValueError(f"unknown style group {group!r}; expected one of {list(STYLE_GROUPS)}")
    low, high = STYLE_GROUPS[group]
    high = resolution if high is None else min(high, resolution)
    return (low, high) if low <= high else None


def style_ranges(resolutions, num_ws: int) -> dict[str, tuple[int, int]]:
    """{group: (start, stop)}: the ws [start, stop) of each group present, for synthesis blocks at `resolutions`
    (ascending) reading `num_ws` ws, the same number per resolution. The ws at a block boundary (StyleGAN2's
    ToRGB of one resolution and first conv of the next read the same w) goes to the lower group, as in the paper.
    """
    resolutions = [int(r) for r in resolutions]
    if not resolutions or num_ws % len(resolutions):
        raise ValueError(f"expected num_ws ({num_ws}) to be a multiple of the number of resolutions {resolutions}")
    per = num_ws // len(resolutions)
    ranges = {}
    for group in STYLE_GROUPS:
        span = group_resolutions(group, max(resolutions))
        if span is None:
            continue
        inside = [i for i, r in enumerate(resolutions) if span[0] <= r <= span[1]]
        if inside:
            ranges[group] = (per * inside[0], per * (inside[-1] + 1))
    return ranges


def mixed_ws(generator, ws_a, ws_b, start: int, stop: int):
    """ws_a with ws [start, stop) taken from ws_b, by two `generator.mix_styles` calls."""
    head = generator.mix_styles(ws_a, ws_b, start)       # [0, start) from A, the rest from B
    return generator.mix_styles(head, ws_a, stop)        # [0, stop) as above, the rest from A


def _labels(generator, num: int):
    classes = int(getattr(generator, "num_classes", 0) or 0)
    return (np.arange(num) % classes).astype(np.int32) if classes else None


def _images(generator, ws) -> np.ndarray:
    return to_uint8(np.clip(np.asarray(generator.synthesis(ws, noise="const")), -1.0, 1.0))


def style_mixing_cells(generator, group: str, rows: int = ROWS, cols: int = COLS, seed_a: int = SEED_A,
                       seed_b: int = SEED_B, truncation: float | None = None) -> np.ndarray:
    """uint8 images [(rows + 1) * (cols + 1), H, W, C] in reading order: a blank cell, B_1..B_cols, then per
    row A_i followed by A_i with `group`'s styles from each B_j.

    Latents: `generator.latents(n, seed)` of `seed_a` / `seed_b`; labels 0, 1, 2, ... for class-conditional
    generators; `truncation` (psi) as in `generator.mapping`; constant noise.
    """
    ranges = style_ranges(generator.resolutions, int(generator.num_ws))
    if group not in ranges:
        raise ValueError(f"{type(generator).__name__} at {max(generator.resolutions)}x{max(generator.resolutions)} "
                         f"has no {group} styles; it has {list(ranges)}")
    start, stop = ranges[group]
    kwargs = {} if truncation is None else {"truncation": float(truncation),
                                             "cutoff": getattr(generator, "truncation_cutoff", None)}
    ws_a = generator.mapping(generator.latents(rows, seed=seed_a), _labels(generator, rows), **kwargs)
    ws_b = generator.mapping(generator.latents(cols, seed=seed_b), _labels(generator, cols), **kwargs)
    ws_a, ws_b = np.asarray(ws_a), np.asarray(ws_b)
    a, b = _images(generator, ws_a), _images(generator, ws_b)
    mixed = _images(generator, mixed_ws(generator, np.repeat(ws_a, cols, axis=0), np.tile(ws_b, (rows, 1, 1)),
                                        start, stop))
    blank = np.full((1, *a.shape[1:]), BLANK, np.uint8)
    cells = [blank, b]
    for i in range(rows):
        cells += [a[i:i + 1], mixed[i * cols:(i + 1) * cols]]
    return np.concatenate(cells, axis=0)


def style_mixing_grid(generator, group: str, rows: int = ROWS, cols: int = COLS, seed_a: int = SEED_A,
                      seed_b: int = SEED_B, truncation: float | None = None) -> np.ndarray:
    """The grid of `style_mixing_cells` as one uint8 HWC picture (`zoo.images.make_grid`, cols + 1 columns)."""
    cells = style_mixing_cells(generator, group, rows, cols, seed_a, seed_b, truncation)
    return make_grid(cells, ncols=cols + 1)
