"""The Hub model card (README.md) of a published generator, written from its manifest alone.

Pure text functions: `make_model_card(manifest)` -> str. It starts with the Hugging Face YAML metadata
(`zoo.hub.card_metadata`: library, pipeline tag, tags, datasets, license and a model-index of every metric).
"""

from __future__ import annotations

import os

from zoo.hub import style_mixing
from zoo.hub.card_metadata import front_matter
from zoo.hub.manifest import K_METRICS
from zoo.hub.summary import is_video, truncation_space
from zoo.hub.truncation_plot import add_to_card
from zoo.models.parts import DISCRIMINATOR, GENERATOR, MASKS_FILE, PARTS, part_files, part_subdir

SAMPLES_NUM, SAMPLES_SEED = 64, 0  # the grid of zoo.hub.publish.write_samples
SAMPLES_CAPTION = (f"{SAMPLES_NUM} samples, seed {SAMPLES_SEED}: "
                   f"`zoo sample {{name}} --num {SAMPLES_NUM} --seed {SAMPLES_SEED}{{out}}`")
SAMPLES_FILES = ("samples.png", "samples.gif")  # zoo.hub.publish.write_samples: images, videos


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.0f} s"


# truncation_space (manifest) -> (name of the parameter, what it does, the trade-off)
TRUNCATION = {
    "z": ("truncation threshold T", "z drawn from a normal truncated at +-T (the truncation trick, Brock et al. "
          "2019)", "Smaller T trades variety for fidelity."),
    "w": ("truncation psi", "w-space truncation: every w is moved towards the average w, w_avg + psi (w - w_avg) "
          "(Karras et al. 2019); psi = 1 is no truncation", "Smaller psi trades variety for fidelity."),
    "call": ("truncation", "the generator's own truncation, applied inside the network", ""),
    "none": ("truncation", "none: this family has no truncation, and `truncation` must be None", ""),
}


def _floor(m: dict, unit: str = "") -> str:
    if m.get("floor") is None:
        return "-"
    n = m.get("floor_num")
    return f"{_fmt(m['floor'])} (n={_fmt(int(n))}{unit})" if n is not None else f"{_fmt(m['floor'])} (same n)"


def _count(m: dict, side: str, video: bool) -> str:
    """n of one side of a metric ("fake" / "real"): images, or clips (and frames) for a video generator."""
    n = _fmt(int(m[f"num_{side}"]))
    frames = m.get(f"num_{side}_frames")
    if frames is not None:
        return f"{n} clips, {_fmt(int(frames))} frames"
    return f"{n} clips" if video else n


def _grouped(metrics: list, key: str) -> dict:
    """{value of `key`: [metric names, each once]} for the metrics that have `key`, in the metrics' order."""
    out = {}
    for m in metrics:
        if m.get(key) is not None and m["name"] not in out.get(m[key], []):
            out.setdefault(m[key], []).append(m["name"])
    return out


def metric_label(m: dict) -> str:
    """The metric's name in the table, with its k ("recall (k=3)") or frame position ("frame_fid (frame 15)")."""
    if m.get("frame") is not None:
        return f"{m['name']} (frame {m['frame']})"
    return f"{m['name']} (k={m['k']})" if m.get("k") is not None else m["name"]


PRDC_NOTE = ("\nPrecision and recall (Kynkäänniemi et al., NeurIPS 2019) are the fraction of generated images inside "
             "the union of the real images' k-nearest-neighbour balls, and of real images inside the generated "
             "ones'; density and coverage (Naeem et al., ICML 2020) are the number of real balls holding a generated "
             "image, averaged and divided by k (1 in expectation for a perfect generator), and the fraction of real "
             "balls holding at least one generated image. They use the same Inception features as FID, and depend "
             "on n: compare each with its floor, two real sets at the same n. Recall or coverage well below its "
             "floor means missing modes (collapse); precision or density well below, samples off the real data.\n")


def prdc_note(metrics: list) -> str:
    """The paragraph on precision / recall / density / coverage, when the metrics hold any."""
    return PRDC_NOTE if any(m["name"] in K_METRICS for m in metrics) else ""


def frame_note(metrics: list) -> str:
    """A sentence on the FID of each frame position (`frame_fid`), first against last, when the metrics hold it."""
    rows = sorted((m["frame"], m["value"], m.get("floor")) for m in metrics
                  if m["name"] == "frame_fid" and m.get("frame") is not None)
    if not rows:
        return ""
    clips = sorted({int(m["num_fake"]) for m in metrics if m["name"] == "frame_fid"})
    each = ", ".join(f"frame {f}: {_fmt(v)}" + (f" (floor {_fmt(fl)})" if fl is not None else "") for f, v, fl in rows)
    text = (f"\nFID by frame position ({', '.join(_fmt(n) for n in clips)} clips, one frame of each): {each}.")
    (first, v0, floor0), (last, v1, floor1) = rows[0], rows[-1]
    if len(rows) > 1 and v0:
        text += f" Frame {last} / frame {first}: {v1 / v0:.2f}"
        text += f" (floors: {floor1 / floor0:.2f})." if floor0 and floor1 is not None else "."
    return text + " A ratio above the floors' means quality decays along the clip.\n"


def metrics_table(metrics: list, space: str = "z", video: bool = False) -> str:
    """Markdown table of the manifest's metrics: value, n, reference split, floor and its n, extractor, seed;
    `space` is the manifest's `truncation_space` (names the truncation column; no column for "none");
    `video`: a video generator's metrics (n in clips, and frames for the per-frame ones)."""
    if not metrics:
        return "No metrics measured yet.\n"
    column = {"w": "psi", "none": None}.get(space, "truncation")
    head = ["metric", "value", "n fake", "reference (n real)", "real-data floor (n)", "feature extractor",
            "weights", *([column] if column else []), "seed"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for m in metrics:
        value = _fmt(m["value"]) + (f" ± {_fmt(m['std'])}" if m.get("std") is not None else "")
        cells = [metric_label(m), value, _count(m, "fake", video), f"{m['reference']} ({_count(m, 'real', video)})",
                 _floor(m, " clips" if video else ""), m["feature_extractor"], m["weights"],
                 *([_fmt(m["truncation"])] if column else []), str(m["seed"])]
        rows.append("| " + " | ".join(cells) + " |")
    text = "\n".join(rows) + "\n"
    unit = "clips" if video else "images"
    text += (f"\nThe floor is the same metric between two sets of real {unit}, n {unit} each (listed below; "
             f"\"same n\": the figure's n real {unit} against as many training {unit}): FID is biased upward at "
             f"small n, so compare a value with its floor, and a floor at a smaller n than its figure is higher than "
             f"the floor at the figure's n.\n")
    steps = {}  # (frame step, frames per clip) -> names
    for m in metrics:
        if m.get("frame_step") is not None and m.get("num_fake_frames") is not None:
            per_clip = int(m["num_fake_frames"]) // max(int(m["num_fake"]), 1)
            steps.setdefault((int(m["frame_step"]), per_clip), []).append(m["name"])
    if steps:
        text += "\nFrames: " + "; ".join(
            f"{', '.join(names)}: frames {', '.join(str(i * k) for i in range(per_clip))} of every clip (frame step "
            f"{k}), of the generated, reference and floor clips alike" for (k, per_clip), names in steps.items()) + (
            ". Frames of one clip are correlated: the effective n lies between the clips and the frames.\n")
    resize = _grouped(metrics, "resize")
    if resize:
        text += "\nResizing to the feature extractor's input:\n" + "\n".join(
            f"- {', '.join(names)}: {how}" for how, names in resize.items()) + "\n"
    notes = _grouped(metrics, "notes")
    if notes:
        text += "\nNotes:\n" + "\n".join(f"- {', '.join(names)}: {note}" for note, names in notes.items()) + "\n"
    floors = sorted({m["floor_reference"] for m in metrics if m.get("floor_reference")})
    if floors:
        text += f"\nFloor {unit}: " + "; ".join(floors) + ".\n"
    timed = {}  # (seconds, hardware) -> names: the metrics of one pass (FID and KID) share their time
    for m in metrics:
        if m.get("seconds") is not None:
            names = timed.setdefault((m["seconds"], m.get("hardware")), [])
            names += [] if m["name"] in names else [m["name"]]
    if timed:
        machines = {hardware for _, hardware in timed}
        one = machines.pop() if len(machines) == 1 else None
        text += "\nTime to measure (sampling, features of the generated, reference and floor sets, maths)" + (
            f" on {one}" if one else "") + ": " + "; ".join(
            f"{', '.join(names)}: {_duration(seconds)}" + (f" on {hardware}" if hardware and not one else "")
            for (seconds, hardware), names in timed.items()) + ".\n"
    commands = sorted({m["command"] for m in metrics if m.get("command")})
    if commands:
        text += "\nThese numbers were measured with:\n\n```bash\n" + "\n".join(commands) + "\n```\n"
    if video:
        text += ("\nRe-measured in Python with `zoo.metrics.video_metrics(g.sample(n, seed=0), "
                 "zoo.metrics.reference_clips(n), frame_step=k)` beside its floor `zoo.metrics.video_real_floors(n, "
                 "frame_step=k)`; the FID of each frame position with `zoo.metrics.fid_by_frame`.\n")
    else:
        text += ("\nAny single metric is re-measured with `zoo eval NAME --metric fid|kid --num N` (`--reference`, "
                 "`--truncation`); precision, recall, density and coverage beside their real-vs-real values with "
                 "`zoo eval NAME --metric prdc --num N --reference SPLIT --train SPLIT`.\n")
    return text


def usage(manifest: dict) -> str:
    name = manifest["name"]
    conditional = bool(manifest["config"].get("num_classes"))
    video = is_video(manifest)
    sample = "g.sample(16, seed=0, labels=[3] * 16)" if conditional else "g.sample(16, seed=0)"
    save = 'zoo.save_video_grid(x, "grid.gif")' if video else 'zoo.save_image_grid(x, "grid.png")'
    cli_labels = " --labels 3" if conditional else ""
    out = "grid.gif" if video else "grid.png"
    space = truncation_space(manifest)
    parameter, meaning, _ = TRUNCATION.get(space, TRUNCATION["call"])
    if space == "none":
        truncation = "Truncation: none; this family has no truncation (`truncation` must be None).\n\n"
    else:
        truncation = (f"Truncation: `g.sample(16, seed=0, truncation=t)` or `--truncation t`, with t the "
                      f"{parameter} ({meaning}).\n\n")
    module, _, cls = manifest["architecture"].rpartition(".")
    return (f"```python\nimport zoo\n\ng = zoo.load(\"{name}\")        # weights checked by sha256\n"
            f"x = {sample}   # uint8, {'NTHWC' if video else 'NHWC'}\n{save}\n```\n\n"
            f"or `zoo sample {name} --num 64 --seed 0{cli_labels} --out {out}`. The keras-hub way (checked by "
            f"sha256 too):\n\n"
            f"```python\nfrom {module} import {cls}\n\n"
            f"g = {cls}.from_preset(\"{name}\")   # or \"hf://{manifest['hub']['repo_id']}\"\n```\n\n"
            f"{truncation}"
            f"Keras reads the folder too (`import zoo` registers the zoo classes; no sha256 checks this way):\n\n"
            f"```python\nimport keras\nimport zoo\n\n"
            f"g = keras.saving.load_model(\"hf://{manifest['hub']['repo_id']}\")   # or a local copy of the folder\n"
            f"```\n")


def training(manifest: dict) -> str:
    recipe = manifest["recipe"]
    command = run_command(recipe)
    commit = recipe["git_commit"] or "(not recorded: trained outside a git checkout)"
    return (f"- recipe: `{recipe['path']}` at commit `{commit}`\n"
            f"- {_fmt(recipe['steps'])} generator steps, {_duration(recipe['wall_clock_s'])} wall clock "
            f"on {recipe['hardware']}\n"
            f"{stage1_line(recipe)}"
            f"- dataset: {manifest['dataset']['name']} ({manifest['dataset']['split']} split, "
            f"{_fmt(manifest['dataset']['num_examples'])} examples)\n"
            f"{sparsity_line(manifest)}{previous_line(manifest)}\n"
            f"Exact command:\n\n```bash\n{stage1_command(recipe)}{command}\n```\n")


def previous_line(manifest: dict) -> str:
    """A list item on the release this one replaced (`previous` of a re-release), "" for a first release: its
    revision, recipe, steps and wall clock, and its untruncated metrics."""
    previous = manifest.get("previous")
    if not previous:
        return ""
    revision = f"revision `{previous['revision']}`" if previous["revision"] else "never uploaded"
    recipe = previous["recipe"]
    metrics = ", ".join(f"{m['name']} {m['value']:.4g} (n={_fmt(m['num_fake'])})" for m in previous["metrics"]
                        if m.get("truncation") is None and m.get("frame") is None)
    return (f"- replaces the previous release ({revision}; recipe `{recipe['path']}`, {_fmt(recipe['steps'])} "
            f"steps, {_duration(recipe['wall_clock_s'])}): {metrics or 'no metrics'}\n")


def stage1_line(recipe: dict) -> str:
    """A list item on a two-stage model's first run (`recipe.stage1`), "" for a one-stage model."""
    stage1 = recipe.get("stage1")
    if not stage1:
        return ""
    commit = stage1["git_commit"] or "(not recorded)"
    total = float(stage1["wall_clock_s"]) + float(recipe["wall_clock_s"])
    return (f"- stage 1 (the autoencoder whose frozen codes the GAN learns): recipe `{stage1['path']}` at commit "
            f"`{commit}`, {_fmt(stage1['steps'])} steps, {_duration(stage1['wall_clock_s'])} wall clock on "
            f"{stage1['hardware']}; both stages: {_duration(total)}\n")


def run_command(entry: dict) -> str:
    """The command of a manifest recipe entry (a run, or a two-stage model's `stage1`)."""
    return entry.get("command") or f"zoo train {entry['path']}"


def stage1_command(recipe: dict) -> str:
    """The stage-1 command and a newline, before the stage-2 one ("" for a one-stage model)."""
    return f"{run_command(recipe['stage1'])}\n" if recipe.get("stage1") else ""


def sparsity_line(manifest: dict) -> str:
    """A list item on a lottery ticket's pruned fractions ("" for a dense model)."""
    if "sparsity" not in manifest:
        return ""
    sparsity = manifest["sparsity"]
    pruned = " and ".join(f"{100 * sparsity[part]:.1f}% of the {part}'s" for part in PARTS if part in sparsity)
    scope = sparsity.get("scope", "conv / dense kernels")
    return (f"- lottery ticket: {pruned} prunable weights pruned by iterative magnitude pruning; prunable: "
            f"{scope}; the 0/1 masks are in `{MASKS_FILE}` (`zoo.training.pruning`)\n")


def files_layout(manifest: dict) -> str:
    """What the files are: one Keras model directory per part (`zoo.models.parts`), masks for tickets."""
    text = ("The generator is a Keras model directory at the root of the repo (" +
            ", ".join(f"`{f}`" for f in part_files(GENERATOR)) + "), the layout `keras.saving.save_model(model, "
            "path, zipped=False)` writes")
    if any(f in manifest["files"] for f in part_files(DISCRIMINATOR)):
        text += f"; the discriminator, for fine-tuning, is another one in `{part_subdir(DISCRIMINATOR)}/`"
    if MASKS_FILE in manifest["files"]:
        text += f"; `{MASKS_FILE}` holds the lottery ticket's 0/1 pruning masks, one group per part"
    return text + ".\n\n"


def files_table(manifest: dict) -> str:
    rows = ["| file | bytes | sha256 |", "|---|---|---|"]
    rows += [f"| {f} | {_fmt(e['size'])} | `{e['sha256']}` |" for f, e in sorted(manifest["files"].items())]
    return "\n".join(rows) + "\n"


def class_grid_section(manifest: dict, classes_png: str) -> str:
    """The per-class grid of a class-conditional model, with the class name of every row."""
    from zoo.data.class_names import class_names, name_key

    try:
        names = class_names(manifest["dataset"]["name"])
    except KeyError:
        names = [str(i) for i in range(int(manifest["config"]["num_classes"]))]
    rows = ", ".join(f"{i} {n}" for i, n in enumerate(names))
    return (f"![per-class samples]({classes_png})\n\nOne row per class, top to bottom: {rows}. "
            f"Every row uses the same 10 latents (seed 0), so rows differ by the label only. One class: "
            f"`zoo sample {manifest['name']} --num 10 --seed 0 --labels {name_key(names[-1])} --out row.png`.\n")


def truncation_note(metrics: list, space: str = "z") -> str:
    """A sentence on the FID-vs-truncation rows, when the metrics hold any; `space` is the manifest's
    `truncation_space`: "z" (threshold T of the truncated normal), "w" (psi in w-space) or "call"."""
    rows = sorted((m["truncation"], m["value"], m["num_fake"]) for m in metrics
                  if m["name"] == "fid" and m["truncation"] is not None)
    if not rows:
        return ""
    parameter, meaning, tradeoff = TRUNCATION.get(space, TRUNCATION["call"])
    curve = ", ".join(f"{t:g}: {_fmt(v)}" for t, v, _ in rows)
    sizes = sorted({n for *_, n in rows})
    n = ", ".join(_fmt(x) for x in sizes)
    return (f"\nFID over the {parameter} ({meaning}; n = {n} samples each, floor as in the table): "
            f"{curve}.{' ' + tradeoff if tradeoff else ''}\n")


def style_mixing_section(manifest: dict, pictures: dict) -> str:
    """The style-mixing grids {group: file} of a generator that mixes styles (`zoo.hub.style_mixing`)."""
    resolution = int(manifest["resolution"][-1])
    parts = [f"Source B ({style_mixing.COLS} samples, seed {style_mixing.SEED_B}) in the top row, source A "
             f"({style_mixing.ROWS} samples, seed {style_mixing.SEED_A}) in the left column; every other cell is "
             f"its row's A with the styles of one group of layers copied from its column's B, as in Karras et al. "
             f"2019, Fig. 3 (where coarse styles carry pose and shape, fine ones the colour scheme). Constant noise, "
             f"no truncation (`zoo.hub.style_mixing.style_mixing_grid`).\n"]
    for group, picture in pictures.items():
        low, high = style_mixing.group_resolutions(group, resolution)
        span = f"{low}x{low}" if low == high else f"{low}x{low}-{high}x{high}"
        parts.append(f"\n**{group}** (the styles of the {span} layers from B):\n\n"
                     f"![style mixing, {group} styles from B]({picture})\n")
    return "".join(parts)


def make_model_card(manifest: dict, samples_png: str | None = "samples.png", classes_png: str | None = None,
                    style_mixing_pngs: dict | None = None) -> str:
    """README.md text for the Hub repo of `manifest`: YAML metadata, sample grid, usage, metrics, recipe.

    Args:
        manifest: a validated manifest dict.
        samples_png: file name of the sample grid inside the folder (None: no picture); an animated GIF for
            video generators (`samples.gif`).
        classes_png: file name of the per-class grid (class-conditional models; None: none).
        style_mixing_pngs: {group: file name} of the style-mixing grids (`zoo.hub.style_mixing`; None: none).

    Example:
        >>> text = make_model_card(json.load(open("weights_manifest/sngan-fmnist-32/manifest.json")))
    """
    m = manifest
    res = "x".join(str(r) for r in m["resolution"])
    arch = m["architecture"].rsplit(".", 1)[-1]
    versions = ", ".join(f"{k} {v}" for k, v in sorted(m["versions"].items()))
    parts = [
        front_matter(m),
        f"# {m['name']}\n\n",
        f"`{arch}` ({_fmt(m['params'])} trainable parameters), trained on {m['dataset']['name']} at {res}: "
        f"a generator of the zoo GAN model zoo (TensorFlow / Keras 3).\n\n",
    ]
    if samples_png:
        caption = SAMPLES_CAPTION.format(name=m["name"], out=" --out samples.gif" if is_video(m) else "")
        if m["config"].get("num_classes"):
            caption += " with labels 0, 1, 2, ... cycling through the classes"
        parts.append(f"![samples]({samples_png})\n\n{caption}\n\n")
    if classes_png:
        parts.append("## Samples per class\n\n" + class_grid_section(m, classes_png) + "\n")
    if style_mixing_pngs:
        parts.append("## Style mixing\n\n" + style_mixing_section(m, style_mixing_pngs) + "\n")
    space = truncation_space(m)
    parts += [
        "## Usage\n\n", usage(m), "\n",
        "## Metrics\n\n", metrics_table(m["metrics"], space, is_video(m)), prdc_note(m["metrics"]),
        frame_note(m["metrics"]), truncation_note(m["metrics"], space), "\n",
        "## Training\n\n", training(m), "\n",
        "## Files\n\n", files_layout(m), files_table(m),
        f"\nGolden check: seed {m['golden']['seed']}, {m['golden']['num']} samples, atol {m['golden']['atol']}. "
        f"Saved with {versions}.\n",
    ]
    return "".join(parts)


def write_model_card(folder: str, manifest: dict, samples_png: str | None = "samples.png") -> str:
    """Write `<folder>/README.md` from `manifest`; the pictures (samples, per-class grid, style-mixing grids, the
    truncation curve's plot) are linked only if they exist; the sample grid is `samples_png`, else the other of `SAMPLES_FILES` present
    (`samples.gif` of a video generator). Returns the path."""
    if samples_png and not os.path.isfile(os.path.join(folder, samples_png)):
        present = [f for f in SAMPLES_FILES if os.path.isfile(os.path.join(folder, f))]
        samples_png = present[0] if present and samples_png in SAMPLES_FILES else None
    classes_png = "classes.png" if os.path.isfile(os.path.join(folder, "classes.png")) else None
    mixing = {group: style_mixing.FILE_PATTERN.format(group=group) for group in style_mixing.STYLE_GROUPS}
    mixing = {g: f for g, f in mixing.items() if os.path.isfile(os.path.join(folder, f))}
    path = os.path.join(folder, "README.md")
    with open(path, "w") as f:
        f.write(make_model_card(manifest, samples_png, classes_png, mixing or None))
    add_to_card(folder, manifest)  # the truncation curve's plot, when the folder has one
    return path


def main(argv=None) -> int:
    """`python -m zoo.hub.model_card FOLDER...`: rewrite each published folder's README.md from its manifest
    (after a change of the card's layout or metadata; the card is documentation, not hashed with the weights)."""
    import argparse

    from zoo.hub.registry import read_manifest

    parser = argparse.ArgumentParser(prog="python -m zoo.hub.model_card", description=main.__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="+", help="published model folders (weights_manifest/<name>)")
    for folder in parser.parse_args(argv).folders:
        print(write_model_card(folder, read_manifest(folder)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
