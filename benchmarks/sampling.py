"""Sampling throughput (images/s) of every shipped model: the compiled `g.sample` vs a plain tf.function.

For each model folder in `weights_manifest/` (loaded with `zoo.load(name)`), at the same batch B (`--batch`;
video models `--video-batch` clips):
- baseline "plain_tf_function": z = `g.latents(B, seed)`, `tf.function(lambda z[, labels]: g(z[, labels],
  training=False))`, then `zoo.images.to_uint8` of its output;
- candidate: `g.sample(B, seed, labels, batch_size=B)` (`zoo.models.compiled_sampling`).
Both are traced outside the timings; then `--repeats` rounds, each timing one pass of each arm (the order
alternates between rounds, a new seed every pass). One JSON line per model (also appended to
`benchmarks/results/sampling.jsonl` unless `--out ""`):

    {"benchmark": "sampling", "model": ..., "baseline": "plain_tf_function", "unit": "img/s",
     "baseline_value": ..., "value": ..., "ratio": ..., "batch": B, "repeats": N, ...}

value = median img/s (wall clock); ratio = value / baseline_value (> 1: the compiled sample is faster).
`cpu_value` / `baseline_cpu_value` are images per CPU-second of this process (how much work each arm does,
whatever the load); `same_as_eager` checks that the candidate's images equal the eager `to_uint8(g(z))`
(`sample` before it was compiled); `traces` counts the candidate's traces over all passes (seeds), `load` is
the 1-minute load average at the end (the machine is shared: a load above 2 means other jobs took CPU).

Run: `python benchmarks/sampling.py` (about 1.5 minutes on 2 CPU cores); `--models sngan-fmnist-32
--repeats 9` for one model.

Measured (2 CPU cores, AMD EPYC, load 1.2-1.5 from other jobs; benchmarks/results/sampling.jsonl, last 7 lines),
ratio: biggan 1.098, biggan lth 1.057, latent2s 1.021, sagan 1.154, sngan 1.024, stylegan2 0.999, tganv2 1.066;
an earlier run of the same code (printed only) gave 1.111, 1.07, 1.016, 1.055, 1.022, 1.064, 1.155 (noise: +-5%). Every
candidate image equals the eager one. The plain tf.function already keeps 1.7-1.87 of the 2 cores busy and
the compiled pass does the same arithmetic (it must, for the same pixels), so splitting the pass can add at
most the idle rest: ~1.07x for sngan / stylegan2 / latent2s. (`jit_compile=True` gives StyleGAN2 1.37x, by
fusing the FIR resampling's elementwise ops, but changes 104 of 3.1M pixels by 1; sngan gains nothing.)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import zoo  # noqa: E402
from zoo.hub.publish import golden_labels  # noqa: E402
from zoo.images import to_uint8  # noqa: E402
from zoo.models.compiled_sampling import sampling_functions  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "benchmarks", "results", "sampling.jsonl")


def shipped_models() -> list:
    folder = os.path.join(ROOT, "weights_manifest")
    return sorted(n for n in os.listdir(folder) if not n.startswith((".", "_"))
                  and os.path.isdir(os.path.join(folder, n)))


def plain_sampler(g, labels):
    """The baseline: NumPy z, a plain tf.function of the model, NumPy uint8 conversion."""
    fn = tf.function(lambda z, *l: g(z, labels=l[0] if l else None, training=False))
    extra = () if labels is None else (labels,)

    def sample(num, seed):
        return to_uint8(fn(g.latents(num, seed=seed), *extra).numpy())
    return sample


def timed(fn) -> tuple:
    """(wall seconds, CPU seconds of this process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(name: str, batch: int, video_batch: int, repeats: int) -> dict:
    g = zoo.load(name)
    num = video_batch if g.output_kind == "video" else batch
    labels = golden_labels(g, num)
    plain = plain_sampler(g, labels)

    def compiled(n, seed):
        return g.sample(n, seed=seed, labels=labels, batch_size=n)

    first = compiled(num, 0)  # traces outside the timings
    plain(num, 0)
    same = bool(np.array_equal(first, to_uint8(g.generate(g.latents(num, seed=0), labels, batch_size=num))))
    arms = {"baseline": plain, "candidate": compiled}
    times = {arm: [] for arm in arms}
    for r in range(repeats):
        order = ("baseline", "candidate") if r % 2 == 0 else ("candidate", "baseline")
        for arm in order:
            times[arm].append(timed(lambda: arms[arm](num, r + 1)))
    rate = {arm: float(np.median([num / wall for wall, _ in t])) for arm, t in times.items()}
    cpu_rate = {arm: float(np.median([num / cpu for _, cpu in t])) for arm, t in times.items()}
    return {"benchmark": "sampling", "model": name, "family": type(g).__name__, "baseline": "plain_tf_function",
            "candidate": "compiled_sample", "unit": "img/s", "baseline_value": round(rate["baseline"], 2),
            "value": round(rate["candidate"], 2), "ratio": round(rate["candidate"] / rate["baseline"], 3),
            "batch": num, "repeats": repeats, "output_kind": g.output_kind,
            "baseline_cpu_value": round(cpu_rate["baseline"], 2), "cpu_value": round(cpu_rate["candidate"], 2),
            "same_as_eager": same, "traces": sum(sampling_functions(g).tracing_counts().values()),
            "load": round(os.getloadavg()[0], 2)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="*", help="shipped model names (default: all of weights_manifest/)")
    parser.add_argument("--batch", type=int, default=256, help="images per pass of image models")
    parser.add_argument("--video-batch", type=int, default=16, help="clips per pass of video models")
    parser.add_argument("--repeats", type=int, default=5, help="timed passes of each arm")
    parser.add_argument("--out", default=OUT, help="append the JSON lines here ('' = print only)")
    args = parser.parse_args(argv)

    for name in args.models or shipped_models():
        line = json.dumps(measure(name, args.batch, args.video_batch, args.repeats))
        print(line, flush=True)
        if args.out:
            with open(args.out, "a") as f:
                f.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
