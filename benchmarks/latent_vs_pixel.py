"""The two-stage latent GAN's acceleration claim: FID against wall clock and images seen, the latent GAN
(`recipes/latent2s_emoji64.py`: SNGAN on 16x16x4 codes, decoded) against the same SNGAN in pixel space
(`recipes/latent2s_emoji64_pixel.py`: 64x64x3 emoji), same data, hyperparameters, hardware and threads.

For each seed, both runs train in this process (order alternating with the seed) for `--budget` seconds of
training each; at the training times `--eval-at` (default: every `--eval-every` seconds) the EMA generator is
measured: FID of `--fid-num` samples (seed 0) against all 3,926 emoji (`emoji/all`, the few-shot protocol of
the shipped emoji models) with the FID Inception network. Evaluation time is not in the clock; the first
step's tracing is (both runs pay it). The time to a FID is that of the first evaluation at or below it, so its
resolution is the evaluation grid: a geometric grid (`--eval-at 30,60,120,240,480`) resolves ratios at short
times as well as long ones. The latent run's clock is reported
without and with stage 1 (`wall_clock_s` of the stage-1 work dir's train_state.json: its whole training time,
which one pixel-space comparison does not amortise over several GANs).

Output, one JSON line each:
- per run: s/step (after the first 20 steps), the curve [{train_s, steps, images_seen, fid}];
- per seed: the step-time ratio (pixel s/step / latent s/step) and the time-to-FID ratio (pixel seconds to
  reach `target` / latent seconds, without and with stage 1; images seen likewise);
- the summary: mean and std over seeds of each ratio (ratio > 1: the latent GAN is faster). The target FID is
  `--target-fid`, or by default the largest of all runs' final FIDs (so every run reaches it), fixed after all
  runs and the same for every seed. A run that never reaches it counts as not reaching it (ratio null).

Command (after stage 1: zoo train recipes/latent2s_emoji64_stage1.py --workdir runs/latent2s-emoji-64.stage1):
    python benchmarks/latent_vs_pixel.py --stage1 runs/latent2s-emoji-64.stage1 --seeds 0,1,2 --budget 480 \\
        --eval-at 30,60,120,240,480 --fid-num 500 --out benchmarks/results/latent_vs_pixel.jsonl
    (70 min on 2 Intel Xeon cores; the results and what they say: README, two-stage section)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

LATENT = os.path.join(REPO, "recipes", "latent2s_emoji64.py")
PIXEL = os.path.join(REPO, "recipes", "latent2s_emoji64_pixel.py")
WARMUP_STEPS = 20


def fid_of(generator, num: int, real, extractor) -> float:
    from zoo.metrics.evaluate import metric_value
    from zoo.metrics.features import extract_features

    features = extract_features(generator.sample(num, seed=0), extractor, progress=False)
    return float(metric_value("fid", real, features, 0)["value"])


def eval_times(budget: float, eval_every: float, eval_at: str) -> list[float]:
    """The training times (seconds) at which FID is measured: `eval_at` ("30,60,...") or every `eval_every`;
    the budget itself is always the last."""
    if eval_at:
        times = sorted({float(t) for t in eval_at.split(",")})
        if times[0] <= 0:
            raise ValueError(f"--eval-at times must be positive seconds, got {eval_at!r}")
    else:
        if eval_every <= 0:
            raise ValueError(f"--eval-every must be positive, got {eval_every}")
        times = [eval_every * k for k in range(1, int(budget // eval_every) + 1)]
    return [t for t in times if t < budget] + [budget]


def train_run(recipe, *, times: list[float], fid_num: int, real, extractor) -> dict:
    """Train `recipe`'s task for `times[-1]` seconds of training time (the budget), measuring FID when the
    training time passes each of `times`."""
    import keras
    import numpy as np
    import tensorflow as tf

    from zoo.data.pipeline import make_train_dataset
    from zoo.training.loop import batch_arrays, batch_spec, make_step_fn
    from zoo.training.tasks import build_task

    keras.utils.set_random_seed(recipe.run.seed)
    strategy = tf.distribute.get_strategy()
    arrays = batch_arrays(recipe)
    task = build_task(recipe, strategy, batch_spec(arrays))
    iterator = iter(make_train_dataset(arrays, examples_per_step=recipe.data.batch_size, seed=recipe.run.seed))
    step_fn = make_step_fn(task, strategy, seed=recipe.run.seed)
    curve, train_s, steps, warm_s, pending = [], 0.0, 0, None, list(times)
    while pending:  # the last evaluation time is the budget
        t0 = time.perf_counter()
        out = step_fn(iterator)
        float(out["g_loss"])
        train_s += time.perf_counter() - t0
        steps += 1
        if steps == WARMUP_STEPS:
            warm_s = train_s
        if train_s >= pending[0]:
            fid = fid_of(task.published()["generator"], fid_num, real, extractor)
            curve.append({"train_s": round(train_s, 1), "steps": steps,
                          "images_seen": steps * recipe.data.batch_size, "fid": round(fid, 3)})
            print(json.dumps({"progress": recipe.name, "seed": recipe.run.seed, **curve[-1]}), file=sys.stderr,
                  flush=True)
            while pending and train_s >= pending[0]:
                pending.pop(0)
    s_per_step = (train_s - warm_s) / (steps - WARMUP_STEPS) if warm_s is not None and steps > WARMUP_STEPS \
        else train_s / steps
    return {"s_per_step": s_per_step, "curve": curve, "steps": steps}


def reached(curve, target, key):
    """The `key` (train_s / images_seen) of the first evaluation at or below `target` FID, else None."""
    return next((p[key] for p in curve if p["fid"] <= target), None)


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def summary(values):
    import numpy as np

    values = [v for v in values if v is not None]
    if not values:
        return {"mean": None, "std": None, "n": 0}
    return {"mean": float(np.mean(values)), "std": float(np.std(values)), "n": len(values)}


def seed_row(seed: int, px: dict, lt: dict, target: float, stage1_s: float) -> dict:
    """One seed's ratios, pixel over latent (> 1: the latent GAN is faster / needs fewer images)."""
    t_px, t_lt = reached(px["curve"], target, "train_s"), reached(lt["curve"], target, "train_s")
    return {"seed": seed, "target_fid": target,
            "step_time_ratio": px["s_per_step"] / lt["s_per_step"],
            "pixel_s_to_target": t_px, "latent_s_to_target": t_lt,
            "time_to_fid_ratio": ratio(t_px, t_lt),
            # reached at the latent run's first evaluation: it may have got there earlier, so the ratio is a
            # lower bound (a finer --eval-at grid at the start resolves it)
            "latent_reached_at_first_eval": t_lt is not None and t_lt == lt["curve"][0]["train_s"],
            "time_to_fid_ratio_with_stage1": ratio(t_px, None if t_lt is None else t_lt + stage1_s),
            "images_to_fid_ratio": ratio(reached(px["curve"], target, "images_seen"),
                                         reached(lt["curve"], target, "images_seen")),
            "final_fid": {"pixel": px["curve"][-1]["fid"], "latent": lt["curve"][-1]["fid"]}}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--stage1", required=True, help="work dir of the stage-1 run (its export/ and train_state.json)")
    p.add_argument("--seeds", default="0,1,2")
    p.add_argument("--budget", type=float, default=1200.0, help="training seconds per run")
    p.add_argument("--eval-every", type=float, default=300.0, help="training seconds between FID evaluations")
    p.add_argument("--eval-at", default="", help="comma-separated training seconds of the FID evaluations "
                   "(instead of --eval-every)")
    p.add_argument("--fid-num", type=int, default=1000)
    p.add_argument("--target-fid", type=float, default=None)
    p.add_argument("--reference", default="emoji/all")
    p.add_argument("--out", default="")
    args = p.parse_args(argv)

    import tensorflow as tf

    from zoo.metrics.evaluate import make_extractor
    from zoo.metrics.reference_stats import reference_statistics
    from zoo.metrics.resize import DEFAULT_RESIZE
    from zoo.provenance import git_commit, hardware
    from zoo.training.recipe import load_recipe

    times = eval_times(args.budget, args.eval_every, args.eval_at)
    tf.config.experimental.enable_op_determinism()
    with open(os.path.join(args.stage1, "train_state.json")) as f:
        stage1_s = float(json.load(f)["wall_clock_s"])
    latent = load_recipe(LATENT).replace(codes_from=os.path.join(args.stage1, "export"))
    pixel = load_recipe(PIXEL)
    extractor = make_extractor(None, DEFAULT_RESIZE)
    real = reference_statistics(args.reference, extractor=extractor, progress=False)
    lines = []

    def emit(row):
        row = {"benchmark": "latent_vs_pixel", **row}
        lines.append(row)
        print(json.dumps(row), flush=True)

    runs = {}
    for i, seed in enumerate(int(s) for s in args.seeds.split(",")):
        order = (("pixel", pixel), ("latent", latent)) if i % 2 == 0 else (("latent", latent), ("pixel", pixel))
        for label, recipe in order:
            result = train_run(recipe.replace(seed=seed), times=times,
                               fid_num=args.fid_num, real=real, extractor=extractor)
            runs[seed, label] = result
            emit({"run": label, "recipe": recipe.name, "seed": seed, **result})
    seeds = sorted({s for s, _ in runs})
    target = args.target_fid if args.target_fid is not None else max(r["curve"][-1]["fid"] for r in runs.values())
    per_seed = []
    for seed in seeds:
        row = seed_row(seed, runs[seed, "pixel"], runs[seed, "latent"], target, stage1_s)
        per_seed.append(row)
        emit({"kind": "seed", **row})
    emit({"kind": "summary", "baseline": "pixel", "candidate": "latent", "target_fid": target,
          "stage1_wall_clock_s": stage1_s, "budget_s": args.budget, "eval_at_s": times, "fid_num": args.fid_num,
          "reference": args.reference, "seeds": seeds, "hardware": hardware(), "git_commit": git_commit(),
          **{key: summary([r[key] for r in per_seed]) for key in
             ("step_time_ratio", "time_to_fid_ratio", "time_to_fid_ratio_with_stage1", "images_to_fid_ratio")}})
    if args.out:
        with open(args.out, "a") as f:
            for row in lines:
                f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
