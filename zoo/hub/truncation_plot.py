"""The model card's truncation plot: FID, precision and recall against the truncation (T, or psi), from the manifest.

`zoo release --truncation-curve 0.25,0.5,1.0` records, per truncation, FID, precision and recall entries (each
with its `truncation` and real-vs-real floor; `zoo.cli.release.measure`; batch-norm generators sampled with the
standing statistics of the truncation, `zoo.models.standing_stats`). `write_truncation_plot(folder, manifest)`
draws them as `truncation_curve.png`: three panels side by side sharing the truncation axis, each metric's
floor dashed (the timm / StyleGAN habit of showing trade-offs as pictures, not lists of numbers). Points of other
metrics, and truncations without FID, are not drawn; a manifest without curve points gets no picture.

`add_to_card(folder, manifest)` puts the picture and its caption into the folder's README.md at the end of its
Metrics section (before "## Training"), once; `zoo.hub.publish.folder_from_workdir` calls both after writing
the card.

matplotlib is imported only here, lazily: it is in the `benchmarks` extra (`pip install zoo-gan[benchmarks]`),
and `require_matplotlib` raises an ImportError saying so (`zoo release` checks it before measuring).
"""

from __future__ import annotations

import os

PLOT_FILE = "truncation_curve.png"
PANELS = ("fid", "precision", "recall")  # left to right
TITLES = {"fid": "FID (lower is better)", "precision": "precision (fidelity)", "recall": "recall (variety)"}
AXIS = {"w": "truncation psi (w-space)", "call": "truncation"}  # truncation_space -> x label; default: T in z


def require_matplotlib():
    """The matplotlib.pyplot module (Agg backend); ImportError naming the extra that installs it."""
    try:
        import matplotlib
    except ImportError as e:
        raise ImportError("the truncation plot needs matplotlib: pip install matplotlib (or zoo-gan[benchmarks], "
                          "the extra that holds it)") from e
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def curve_points(metrics: list) -> dict:
    """{metric name: [(truncation, value, floor or None), ...] sorted by truncation} of the curve entries (those
    with a truncation) of `PANELS`; {} when there are no FID curve points."""
    out = {}
    for m in metrics:
        if m["name"] in PANELS and m.get("truncation") is not None:
            out.setdefault(m["name"], []).append((float(m["truncation"]), float(m["value"]), m.get("floor")))
    if "fid" not in out:
        return {}
    return {name: sorted(points) for name, points in out.items()}


def x_label(manifest: dict) -> str:
    return AXIS.get(manifest.get("truncation_space") or "z", "truncation threshold T (z in [-T, T])")


def write_truncation_plot(folder: str, manifest: dict, filename: str = PLOT_FILE) -> str | None:
    """Draw the manifest's truncation curve into `<folder>/<filename>`; returns the path, None without curve
    points (nothing written)."""
    points = curve_points(manifest["metrics"])
    if not points:
        return None
    plt = require_matplotlib()
    names = [name for name in PANELS if name in points]
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 3.0), squeeze=False)
    for ax, name in zip(axes[0], names):
        ts, values, floors = zip(*points[name])
        ax.plot(ts, values, "o-", color="C0", label=name)
        known = [(t, f) for t, f in zip(ts, floors) if f is not None]
        if known:
            ax.plot(*zip(*known), "--", color="0.5", label="real-data floor")
        ax.set_title(TITLES[name], fontsize=10)
        ax.set_xlabel(x_label(manifest))
        ax.grid(alpha=0.3)
        if name != "fid":
            ax.set_ylim(-0.02, 1.02)
    axes[0][0].legend(fontsize=8)
    sizes = sorted({int(m["num_fake"]) for m in manifest["metrics"] if m.get("truncation") is not None})
    fig.suptitle(f"{manifest['name']}: truncation curve (n = {', '.join(f'{n:,}' for n in sizes)} samples per "
                 f"point)", fontsize=10)
    fig.tight_layout()
    path = os.path.join(folder, filename)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def card_section(manifest: dict, filename: str = PLOT_FILE) -> str:
    """The picture and its caption in markdown."""
    standing = any("standing statistics" in (m.get("notes") or "") for m in manifest["metrics"]
                   if m.get("truncation") is not None)
    how = (" Batch norm was normalised with the standing statistics of each truncation "
           "(`zoo.models.standing_stats`), as `g.sample(..., truncation=t)` does.") if standing else ""
    return (f"\n![truncation curve]({filename})\n\nFID (lower is better), precision (fidelity) and recall "
            f"(variety) against the {x_label(manifest)}, the real-data floor dashed; the values are the table's "
            f"rows with a truncation.{how}\n")


def add_to_card(folder: str, manifest: dict, filename: str = PLOT_FILE) -> bool:
    """Insert `card_section` into `<folder>/README.md` before its "## Training" heading (at the end if it has
    none), unless the card already links `filename` or the picture is missing; True when inserted."""
    card_path = os.path.join(folder, "README.md")
    if not os.path.isfile(os.path.join(folder, filename)) or not os.path.isfile(card_path):
        return False
    with open(card_path) as f:
        card = f.read()
    if f"]({filename})" in card:
        return False
    section = card_section(manifest, filename)
    marker = "\n## Training"
    card = card.replace(marker, section + marker, 1) if marker in card else card + section
    with open(card_path, "w") as f:
        f.write(card)
    return True
