"""Data-efficient training on Fashion-MNIST 10%: FID of the dense / DiffAugment / ticket / ticket + DiffAugment +
AdvAug runs, with what each cost, as one JSON line per run (ratio = FID / the dense baseline's FID, measured in
the same invocation with the same n, seed and reference).

Runs (each `zoo train recipes/<recipe> --workdir runs/<name>`; the ticket comes from `zoo imp
recipes/biggan_fmnist10pct32_imp.py --workdir runs/biggan-fmnist10pct-32.imp`):

    python benchmarks/data_efficiency.py --num 10000 --seed 0

For every run: FID of `num` samples of its exported EMA generator (class labels uniform, seed `seed`) against
the first `num` images of fmnist/test (the full test split, as in the paper), the density of G's and D's
prunable weights (1.0 = dense), training steps and wall clock (`train_state.json`), and for the ticket rows
the cost of the search (`imp.json`: seconds and density per IMP round). Results are appended to
`benchmarks/results/data_efficiency.jsonl`. A run whose exported generator (sha256 of its weights), n, seed
and reference already have a line there is not evaluated again: its FID is read back (`"cached": true`).

Reference: Chen et al., "Data-Efficient GAN Training Beyond (Just) Augmentations: A Lottery Ticket
Perspective", NeurIPS 2021, Tables 1-2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

RUNS = ("biggan-fmnist10pct-32", "biggan-fmnist10pct-32.diffaug", "biggan-fmnist10pct-32.lth",
        "biggan-fmnist10pct-32.lth_diffaug_advaug")
IMP_DIR = "runs/biggan-fmnist10pct-32.imp"
RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "data_efficiency.jsonl")


def _json(path):
    with open(path) as f:
        return json.load(f)


def density(export_dir: str) -> dict:
    """{part: fraction of prunable weights kept} of an exported run (1.0 each without masks.h5)."""
    from zoo.models.serialization import load_masks, masks_sparsity

    path = os.path.join(export_dir, "masks.h5")
    if not os.path.exists(path):
        return {"generator": 1.0, "discriminator": 1.0}
    return {part: round(1.0 - s, 4) for part, s in masks_sparsity(load_masks(path)[0]).items()}


def imp_cost(imp_dir: str) -> dict | None:
    """Seconds and density of every IMP round of the search, or None without an IMP directory."""
    path = os.path.join(imp_dir, "imp.json")
    if not os.path.exists(path):
        return None
    rounds = _json(path)
    return {"rounds": [{"round": r["round"], "steps": r["steps"], "wall_clock_s": round(r["wall_clock_s"], 1),
                        "density_g": round(r["density"]["generator"], 4)} for r in rounds],
            "total_s": round(sum(r["wall_clock_s"] for r in rounds), 1)}


def cached_value(path: str, name: str, weights_sha256: str, num: int, seed: int, reference: str):
    """The FID of an earlier line of `path` for the same run, weights, n, seed and reference, or None."""
    if not os.path.exists(path):
        return None
    with open(path) as f:
        for row in map(json.loads, filter(str.strip, f)):
            if (row.get("run"), row.get("generator_sha256"), row.get("num"), row.get("seed"),
                    row.get("reference")) == (name, weights_sha256, num, seed, reference):
                return row["value"]
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", nargs="+", default=list(RUNS), help="run names under --runs-dir")
    parser.add_argument("--runs-dir", default="runs")
    parser.add_argument("--imp-dir", default=IMP_DIR)
    parser.add_argument("--num", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reference", default="fmnist/test")
    parser.add_argument("--out", default=RESULTS)
    args = parser.parse_args(argv)

    from zoo.checksums import sha256_file
    from zoo.metrics.evaluate import evaluate_generator
    from zoo.models.serialization import load_model_files
    from zoo.models.parts import GENERATOR, weights_file
    from zoo.provenance import hardware

    baseline = None
    lines = []
    for name in args.runs:
        workdir = os.path.join(args.runs_dir, name)
        export = os.path.join(workdir, "export")
        sha = sha256_file(os.path.join(export, weights_file(GENERATOR)))
        value = cached_value(args.out, name, sha, args.num, args.seed, args.reference)
        result = {"value": value, "seconds": 0.0}
        if value is None:
            result = evaluate_generator(load_model_files(export), "fid", num=args.num, reference=args.reference,
                                        seed=args.seed, progress=False)
        state = _json(os.path.join(workdir, "train_state.json"))
        recipe = _json(os.path.join(workdir, "recipe.json"))
        # nested recipe.json (flat in runs trained before 2026-11-30)
        recipe = {**recipe, **recipe.get("data", {}), **recipe.get("techniques", {})}
        line = {"benchmark": "data_efficiency", "run": name, "dataset": recipe["dataset"], "metric": "fid",
                "value": round(result["value"], 3), "num": args.num, "reference": args.reference,
                "seed": args.seed, "baseline": args.runs[0], "density": density(export),
                "diffaugment": recipe["diffaugment"],
                "advaug": {"d_steps": recipe.get("advaug_d_steps", 0), "g_steps": recipe.get("advaug_g_steps", 0)},
                "steps": state["step"], "train_wall_clock_s": round(state["wall_clock_s"], 1),
                "eval_seconds": round(result["seconds"], 1), "hardware": hardware(),
                "generator_sha256": sha, "cached": value is not None,
                "date": time.strftime("%Y-%m-%d")}
        if recipe.get("init_masks"):
            line["imp"] = imp_cost(args.imp_dir)
        baseline = line["value"] if baseline is None else baseline
        line["ratio"] = round(line["value"] / baseline, 3)
        print(json.dumps(line), flush=True)
        lines.append(line)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "a") as f:
        for line in lines:
            if not line["cached"]:
                f.write(json.dumps(line) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
