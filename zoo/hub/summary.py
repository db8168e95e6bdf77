"""What `zoo list` and `zoo info` print about a published model, from its manifest alone (pure text functions).

- `metric_label(m, space)`: a metric's name with what sets it apart from the other entries of the same name:
  its truncation (`fid@T=0.5` for the z-space truncation trick, `fid@psi=0.7` in w-space, read from the
  manifest's `truncation_space`; every manifest metric carries its `truncation`, null = none), its frame
  position (`frame_fid@frame=15`) or its k (`recall@k=3`).
- `headline(manifest)`: the metric a model is compared by: the first untruncated entry that is not one frame
  position (`zoo release` writes FID first for images, per-frame FID first for video).
- `list_rows` / `format_table`: one aligned line per model for `zoo list`: name, family, resolution,
  conditioning, generator parameters, headline metric with its n and its real-data floor.
- `info_lines(manifest, preset)`: the model card's summary for `zoo info`: family, preset, dataset, recipe,
  wall clock, every metric labelled with n and floor, revision, sha256 of the weights.
- `match_preset(config, presets)`: which named size (`zoo.models.<family>` PRESETS) a generator config is, and
  the overrides on top of it, for manifests released before `recipe.resolved` recorded the preset.
"""

from __future__ import annotations

from zoo.hub.manifest import parse_name
from zoo.models.parts import GENERATOR, weights_file

TRUNCATION_SYMBOL = {"z": "T", "w": "psi", "call": "truncation"}  # truncation_space -> label (no "none")
# the keys of a Keras config that say nothing about the architecture
CONFIG_NOISE = ("name", "trainable", "dtype")


def truncation_space(manifest: dict) -> str:
    """The manifest's `truncation_space`: "z" when absent (manifests written before it existed)."""
    return manifest.get("truncation_space") or "z"


def metric_label(m: dict, space: str = "z") -> str:
    """`fid`, `fid@T=0.5` / `fid@psi=0.7`, `frame_fid@frame=15`, `recall@k=3` (see the module docstring)."""
    label = m["name"]
    if m.get("truncation") is not None:
        label += f"@{TRUNCATION_SYMBOL.get(space, 'truncation')}={m['truncation']:g}"
    if m.get("frame") is not None:
        label += f"@frame={m['frame']}"
    if m.get("k") is not None:
        label += f"@k={m['k']}"
    return label


def count(n: int) -> str:
    """10000 -> '10k', 3000 -> '3k', 3926 -> '3,926', 250 -> '250'."""
    n = int(n)
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else f"{n:,}"


def value(v: float) -> str:
    """A metric value: 2 decimals from 1 up, 4 significant digits below (KID, precision, recall)."""
    return f"{v:.2f}" if abs(v) >= 1 else f"{v:.4g}"


def is_video(manifest: dict) -> bool:
    """A video generator's manifest: resolution [T, H, W]."""
    return len(manifest["resolution"]) == 3


def n_and_floor(m: dict, video: bool = False) -> str:
    """'n=10k, floor 2.41'; the real n when it differs from the generated one ('n=3k vs 3,926 real'), the floor's
    own n when it differs from the figure's ('floor 56.85 at n=392'); clips for a video generator."""
    unit = " clips" if video else ""
    text = f"n={count(m['num_fake'])}{unit}"
    if int(m["num_real"]) != int(m["num_fake"]):
        text += f" vs {count(m['num_real'])} real"
    if m.get("floor") is None:
        return text + ", no floor"
    text += f", floor {value(m['floor'])}"
    floor_n = m.get("floor_num")
    if floor_n is not None and int(floor_n) != int(m["num_real"]):
        text += f" at n={count(floor_n)}"
    return text


def headline(manifest: dict) -> dict | None:
    """The headline metric entry (see the module docstring), None for a manifest without metrics."""
    for m in manifest["metrics"]:
        if m.get("truncation") is None and m.get("frame") is None:
            return m
    return None


def family(manifest: dict) -> str:
    """The architecture family: `zoo.models.<family>.<Class>` of the manifest's `architecture`."""
    parts = manifest["architecture"].split(".")
    return parts[2] if len(parts) > 3 and parts[1] == "models" else parse_name(manifest["name"])["arch"]


def conditioning(manifest: dict) -> str:
    classes = int(manifest["config"].get("num_classes") or 0)
    return f"{classes} classes" if classes else "unconditional"


def resolution(manifest: dict) -> str:
    return "x".join(str(r) for r in manifest["resolution"])


LIST_HEADER = ("name", "family", "resolution", "conditioning", "params (G)", "headline metric")


def list_row(manifest: dict) -> tuple:
    """The cells of a model's `zoo list` line (`LIST_HEADER`)."""
    m = headline(manifest)
    metric = "-" if m is None else f"{metric_label(m, truncation_space(manifest))} {value(m['value'])} ({n_and_floor(m, is_video(manifest))})"
    return (manifest["name"], family(manifest), resolution(manifest), conditioning(manifest),
            f"{int(manifest['params']):,}", metric)


def format_table(rows: list, header: tuple = LIST_HEADER) -> list[str]:
    """Lines of `rows` (tuples of strings) under `header`, every column padded to its widest cell."""
    table = [tuple(header), *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table]


def match_preset(config: dict, presets: dict) -> tuple[str, dict] | None:
    """(preset name, {key: value} overrides) of the preset whose generator spec differs from `config` in the
    fewest keys (`presets`: a family's PRESETS, {name: {"generator": {...}, ...}}); the overrides are the spec's
    keys whose value `config` changes. None if no preset shares a key with the config."""
    best = None
    for name, spec in presets.items():
        generator = spec.get("generator", {})
        shared = [k for k in generator if k in config]
        if not shared:
            continue
        overrides = {k: config[k] for k in shared if config[k] != generator[k]}
        if best is None or len(overrides) < len(best[1]):
            best = (name, overrides)
    return best


def generator_config(manifest: dict) -> tuple[str, dict, str]:
    """(family, config, role) of the network a preset names: the generator itself, or the code generator of
    a two-stage composite (`zoo.models.latent2s.LatentCodeGenerator`, whose config nests it)."""
    nested = manifest["config"].get("code_generator")
    if isinstance(nested, dict) and isinstance(nested.get("module"), str):
        return nested["module"].split(".")[2], nested.get("config", {}), "code generator"
    return family(manifest), manifest["config"], "generator"


def recorded_preset(manifest: dict) -> str | None:
    """'family/preset [+ overrides]' from the manifest's resolved recipe (`recipe.resolved`), if it has one."""
    model = (manifest["recipe"].get("resolved") or {}).get("model") or {}
    if not model.get("preset"):
        return None
    overrides = model.get("generator_overrides") or {}
    extra = f" + {_overrides(overrides)}" if overrides else ""
    return f"{model.get('family', family(manifest))}/{model['preset']}{extra}"


def _overrides(overrides: dict) -> str:
    return "{" + ", ".join(f"{k}={v!r}" for k, v in sorted(overrides.items())) + "}"


def preset_text(manifest: dict, presets: dict | None = None) -> str:
    """The preset line of `zoo info`: the recorded one, else the best match among `presets` (the family's
    PRESETS, given by the caller: reading them imports TensorFlow), else 'not recorded'."""
    recorded = recorded_preset(manifest)
    if recorded:
        return recorded
    fam, config, role = generator_config(manifest)
    matched = match_preset(config, presets) if presets else None
    if matched is None:
        return "not recorded (release before recipe.resolved)"
    name, overrides = matched
    extra = f" + {_overrides(overrides)}" if overrides else ""
    of = "" if role == "generator" else f" ({role})"
    return f"{fam}/{name}{extra}{of}, matched from the manifest's config (the release predates recipe.resolved)"


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.0f} s"


def run_text(entry: dict) -> str:
    """'4,500 steps, 1.0 h wall clock on <hardware>' of a manifest recipe entry."""
    return f"{int(entry['steps']):,} steps, {_duration(float(entry['wall_clock_s']))} wall clock on {entry['hardware']}"


def metric_lines(manifest: dict) -> list[str]:
    """One aligned line per metric: label, value (± std), n (fake vs real) on which reference, floor."""
    space, video = truncation_space(manifest), is_video(manifest)
    rows = []
    for m in manifest["metrics"]:
        shown = value(m["value"]) + (f" ± {value(m['std'])}" if m.get("std") is not None else "")
        rows.append((metric_label(m, space), shown, f"({n_and_floor(m, video)}; {m['reference']}, "
                                                     f"{m['weights']} weights)"))
    if not rows:
        return ["    none measured"]
    return ["    " + line for line in format_table(rows, ("metric", "value", "(n, floor; reference)"))]


TRUNCATION_MEANING = {
    "z": "T: z from a normal truncated at +-T (the truncation trick)",
    "w": "psi: w-space truncation towards the average w (psi = 1: none)",
    "call": "inside the generator's call",
    "none": "none (this family has no truncation)",
}


def info_lines(manifest: dict, preset: str | None = None) -> list[str]:
    """The lines of `zoo info NAME` (see the module docstring); `preset` is the preset line (`preset_text`)."""
    m, recipe = manifest, manifest["recipe"]
    dataset = m["dataset"]
    commit = recipe["git_commit"] or "not recorded"
    fields = [
        ("family", f"{family(m)} ({m['architecture']})"),
        ("preset", preset or preset_text(m)),
        ("dataset", f"{dataset['name']} ({dataset['split']} split, {int(dataset['num_examples']):,} examples)"),
        ("output", f"{resolution(m)}, {conditioning(m)}, {int(m['params']):,} generator parameters"),
        ("truncation", TRUNCATION_MEANING.get(truncation_space(m), truncation_space(m))),
        ("recipe", f"{recipe['path']} at commit {commit}"),
        ("training", run_text(recipe)),
    ]
    if recipe.get("stage1"):
        stage1 = recipe["stage1"]
        total = float(stage1["wall_clock_s"]) + float(recipe["wall_clock_s"])
        fields.append(("stage 1", f"{stage1['path']}: {run_text(stage1)}; both stages {_duration(total)}"))
    fields.append(("command", recipe.get("command") or f"zoo train {recipe['path']}"))
    if "sparsity" in m:
        fields.append(("sparsity", ", ".join(f"{part} {100 * float(s):.1f}% pruned" for part, s in m["sparsity"].items()
                                             if part != "scope")))
    hub = m["hub"]
    fields.append(("revision", f"{hub['revision']} ({hub['repo_id']})" if hub["revision"]
                   else f"not uploaded yet (hub.revision null; repo {hub['repo_id']})"))
    weights = weights_file(GENERATOR)
    fields.append(("sha256", f"{m['files'][weights]['sha256']} ({weights}, {int(m['files'][weights]['size']):,} bytes)"))
    fields.append(("license", m["license"]))
    width = max(len(k) for k, _ in fields) + 1
    lines = [m["name"]] + [f"  {k + ':':<{width}} {v}" for k, v in fields]
    return lines + ["  metrics:"] + metric_lines(m)
