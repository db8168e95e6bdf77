"""Quality against training time of runs, from their generator snapshots, evaluated after the fact.

A run trained with `run.snapshot_every` > 0 leaves its published generator every k steps under
`<workdir>/snapshots/`, each with its step, training wall clock and images seen (`zoo.training.snapshots`). This
script evaluates those snapshots afterwards, so it steals no training time. For each snapshot it samples --num
images (seed --seed) and computes, on the FID Inception features:
- FID and KID against the first --num images of the reference split,
- improved precision / recall (k = 3) and density / coverage (k = 5) against the same images,
and, once per run, the same metrics of --num real --train images (a fixed permutation, seed --seed) against those
reference images: the real-vs-real floor at the same n. The n is smaller than a release's (default 500), so a
curve point costs about a minute on 2 cores; its floor is at that n too.

Appends one JSON line per snapshot to benchmarks/results/time_to_quality.jsonl (snapshots already recorded there
with the same settings are skipped, so it can be re-run while a run trains) and draws, per run, a PNG of FID and
recall / coverage against training hours (with the floors) to benchmarks/results/time_to_quality_<run>.png
(matplotlib: `pip install matplotlib`, or `pip install -e .[benchmarks]`).

    .venv/bin/python benchmarks/time_to_quality.py ~/zoo-runs/stylegan2-emoji-64 --num 500
    .venv/bin/python benchmarks/time_to_quality.py RUN_A RUN_B --reference emojione/rest_b --train emojione/rest_a

The reference and train splits default by the run's dataset (`DEFAULT_SPLITS`: the two fixed halves of emoji and
of emojione, Fashion-MNIST test / train, moving Fashion-MNIST test / train); other datasets need --reference and
--train. A video run (TGANv2) gets per-frame FID / KID, the FID of the first and last frame position and ZVD, at
--num clips (default 100) with frames 0, k, 2k, ... (--frame-step k, default 5): `benchmarks/video_time_to_quality.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)  # video_time_to_quality, also when this file is loaded by path

from zoo.training.snapshots import read_snapshots  # noqa: E402

RESULTS = os.path.join(HERE, "results", "time_to_quality.jsonl")
DEFAULT_SPLITS = {"emoji": ("emoji/half_b", "emoji/half_a"), "emojione": ("emojione/rest_b", "emojione/rest_a"),
                  "fmnist": ("fmnist/test", "fmnist/train"), "mfmnist": ("mfmnist/test", "mfmnist/train")}
METRIC_KEYS = ("fid", "kid", "precision", "recall", "density", "coverage")
SETTINGS = ("workdir", "num", "reference", "train", "seed", "frame_step")  # + "step": what makes a point the same
DEFAULT_NUM = {"image": 500, "video": 100}


def run_info(workdir: str) -> dict:
    """{"name", "dataset"} of a run from its recipe.json."""
    path = os.path.join(workdir, "recipe.json")
    if not os.path.exists(path):
        raise SystemExit(f"{workdir}: no recipe.json; expected the work dir of a `zoo train` run")
    with open(path) as f:
        recipe = json.load(f)
    return {"name": recipe["name"], "dataset": recipe["data"]["dataset"]}


def splits_for(dataset: str, reference: str | None, train: str | None) -> tuple[str, str]:
    if reference and train:
        return reference, train
    if dataset not in DEFAULT_SPLITS:
        raise SystemExit(f"no default reference / train splits for dataset {dataset!r} (defaults: "
                         f"{sorted(DEFAULT_SPLITS)}); pass --reference and --train")
    default = DEFAULT_SPLITS[dataset]
    return reference or default[0], train or default[1]


def metrics(real: dict, features, seed: int) -> dict:
    """FID, KID and the four PRDC values of `features` against real statistics `real` (at one n)."""
    from zoo.metrics.evaluate import metric_value

    fid = metric_value("fid", real, features, fid_method="eigh")["value"]
    kid = metric_value("kid", real, features, seed=seed)["value"]
    prdc = metric_value("prdc", real, features)
    return {"fid": float(fid), "kid": float(kid), **{k: float(prdc[k]) for k in METRIC_KEYS[2:]}}


class ImagePoints:
    """Real statistics and floor of one (reference, train, n, seed), then `metrics_of(generator)` per snapshot:
    FID, KID, precision, recall, density, coverage."""

    keys = METRIC_KEYS

    def __init__(self, reference: str, train: str, num: int, seed: int, extractor=None):
        from zoo.metrics.evaluate import make_extractor
        from zoo.metrics.reference_stats import reference_statistics
        from zoo.metrics.resize import DEFAULT_RESIZE

        self.num, self.seed = int(num), int(seed)
        self.extractor = extractor or make_extractor(None, DEFAULT_RESIZE)
        self.real = reference_statistics(reference, num, extractor=self.extractor, progress=False)
        other = reference_statistics(train, num, extractor=self.extractor, permutation_seed=seed, progress=False)
        self.floor = metrics(self.real, other["features"], seed)

    def metrics_of(self, generator) -> dict:
        from zoo.metrics.evaluate import generated_features

        features = generated_features(generator, self.num, self.seed, None, self.extractor, progress=False)
        return metrics(self.real, features, self.seed)

    def settings(self) -> dict:
        return {}


def kind_of(generator) -> str:
    """'video' for a generator of clips (image_shape T, H, W, C), else 'image'."""
    return "video" if len(getattr(generator, "image_shape", ())) == 4 else "image"


def read_rows(path: str) -> list[dict]:
    """Every time-to-quality row of a results file, in file order (other benchmarks' lines and lines cut by a
    kill are skipped)."""
    if not os.path.exists(path):
        return []
    rows = []
    with open(path) as f:
        for text in f:
            try:
                row = json.loads(text)
            except json.JSONDecodeError:
                continue
            if row.get("benchmark") == "time_to_quality":
                rows.append(row)
    return rows


def recorded(path: str) -> set:
    """The (settings..., step) of points already in the results file."""
    return {tuple(row.get(k) for k in SETTINGS) + (row.get("step"),) for row in read_rows(path)}


def evaluate_run(workdir: str, num: int | None, seed: int, reference: str | None, train: str | None,
                 results: str | None, extractor=None, frame_step: int | None = None) -> list[dict]:
    """Evaluate every snapshot of the run not yet in `results` (None: evaluate all, record nothing); returns
    the new rows. `num` None: `DEFAULT_NUM` of the run's kind (images or clips); `frame_step`: video runs only
    (default `video_time_to_quality.DEFAULT_FRAME_STEP`)."""
    from video_time_to_quality import DEFAULT_FRAME_STEP, VideoPoints
    from zoo.models.serialization import load_model_files
    from zoo.provenance import hardware

    workdir = os.path.abspath(os.path.expanduser(workdir))
    info = run_info(workdir)
    reference, train = splits_for(info["dataset"], reference, train)
    snapshots = read_snapshots(workdir)
    if not snapshots:
        raise SystemExit(f"{workdir}: no snapshots (train with run.snapshot_every > 0)")
    kind = kind_of(load_model_files(snapshots[0]["folder"]))
    num = int(num or DEFAULT_NUM[kind])
    frame_step = int(frame_step or DEFAULT_FRAME_STEP) if kind == "video" else None
    done = recorded(results) if results else set()
    todo = [s for s in snapshots if (workdir, num, reference, train, seed, frame_step, s["step"]) not in done]
    if not todo:
        return []
    if kind == "video":
        points = VideoPoints(reference, train, num, seed, frame_step, frame_extractor=extractor)
    else:
        points = ImagePoints(reference, train, num, seed, extractor)
    rows = []
    for snap in todo:
        t0 = time.perf_counter()
        generator = load_model_files(snap["folder"])
        row = {"benchmark": "time_to_quality", "run": info["name"], "kind": kind, "workdir": workdir,
               "step": snap["step"], "wall_clock_s": snap["wall_clock_s"], "images_seen": snap["images_seen"],
               "num": num, "reference": reference, "train": train, "seed": seed, **points.settings(),
               **points.metrics_of(generator), "floor": points.floor, "eval_s": round(time.perf_counter() - t0, 1),
               "hardware": hardware(), "date": time.strftime("%Y-%m-%d")}
        rows.append(row)
        print(json.dumps(row), flush=True)
        if results:
            with open(results, "a") as f:
                f.write(json.dumps(row) + "\n")
    return rows


def run_rows(path: str, workdir: str, num: int | None = None, reference: str | None = None, train: str | None = None,
             seed: int | None = None) -> list[dict]:
    """Every recorded point of one run at these settings (None: any), in step order (the last one per step)."""
    wanted = {"workdir": workdir, "num": num, "reference": reference, "train": train, "seed": seed}
    by_step = {}
    for row in read_rows(path):
        if all(value is None or row.get(key) == value for key, value in wanted.items()):
            by_step[row["step"]] = row
    return [by_step[s] for s in sorted(by_step)]


def plot(rows: list[dict], out: str) -> str:
    """Against training hours, floors dashed; returns `out`. Images: FID (left), recall / coverage / precision
    (right). Video: per-frame FID with the first and last frame positions' (left), ZVD (right)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hours = [r["wall_clock_s"] / 3600 for r in rows]
    last = rows[-1]
    floor = last["floor"]
    video = last.get("kind") == "video"
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    left_keys = (("fid", "C0", "per-frame FID"), ("fid_first_frame", "C1", "FID frame 0"),
                 ("fid_last_frame", "C2", "FID last frame")) if video else (("fid", "C0", "FID"),)
    for key, color, label in left_keys:
        left.plot(hours, [r[key] for r in rows], "o-", c=color, label=label)
        left.axhline(floor[key], ls="--", c=color, alpha=0.5)
    left.set_xlabel("training hours")
    left.set_ylabel(f"FID (n={last['num']} {'clips' if video else 'images'})")
    left.legend(fontsize=8)
    if video:
        right.plot(hours, [r["zvd"] for r in rows], "o-", c="C3", label="ZVD")
        right.axhline(floor["zvd"], ls="--", c="C3", alpha=0.5)
        right.set_ylabel("ZVD (zoo-mfmnist-c3d; not FVD)")
    else:
        for key, color in (("recall", "C1"), ("coverage", "C2"), ("precision", "C3")):
            right.plot(hours, [r[key] for r in rows], "o-", c=color, label=key)
            right.axhline(floor[key], ls="--", c=color, alpha=0.5)
        right.set_ylim(0, 1.05)
    right.set_xlabel("training hours")
    right.legend(fontsize=8)
    fig.suptitle(f"{last['run']}: quality vs time ({last['hardware']}; dashed: real vs real at the same n)",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("workdirs", nargs="+", help="work dirs of runs trained with run.snapshot_every > 0")
    p.add_argument("--num", type=int, help=f"samples per point and real images (video: clips) per side (default "
                                          f"{DEFAULT_NUM['image']} images, {DEFAULT_NUM['video']} clips)")
    p.add_argument("--frame-step", type=int, help="video: frames 0, k, 2k, ... of each clip (default 5)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--reference", help="real split the samples are compared with (default: by dataset)")
    p.add_argument("--train", help="the other real split, for the floor (default: by dataset)")
    p.add_argument("--no-record", action="store_true", help=f"print only (default: append to {RESULTS})")
    p.add_argument("--no-png", action="store_true", help="do not draw the PNG")
    args = p.parse_args(argv)
    results = None if args.no_record else RESULTS
    for workdir in args.workdirs:
        rows = evaluate_run(workdir, args.num, args.seed, args.reference, args.train, results,
                            frame_step=args.frame_step)
        if results and not args.no_png:
            info = run_info(os.path.abspath(os.path.expanduser(workdir)))
            reference, train = splits_for(info["dataset"], args.reference, args.train)
            rows = run_rows(results, os.path.abspath(os.path.expanduser(workdir)), args.num, reference, train,
                            args.seed) or rows
        if rows and not args.no_png:
            out = os.path.join(HERE, "results", f"time_to_quality_{rows[-1]['run']}.png")
            print(f"wrote {plot(rows, out)}")


if __name__ == "__main__":
    main()
