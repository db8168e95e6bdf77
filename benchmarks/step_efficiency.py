"""Every family's CPU training step against this CPU's fp32 peak: FLOPs per step, achieved GFLOPS, fraction of peak.

For each family's CPU recipe (`RECIPES`: the shipped recipes, as they train, lazy regularizers and DiffAugment
included) this builds the real compiled step (`benchmarks/step_runner.py`: `build_task`, the loop's step function
and input pipeline, random data of the recipe's shapes) and reports:

- FLOPs per step, counted from the shapes of the step's graph: the replica step is traced once per lazy phase of
  a cycle (`task.due(step)`), and every convolution, transposed convolution, depthwise convolution, matrix
  product and einsum in it (forward, gradients and second-order gradients alike) counts 2 x its multiply-adds,
  from its static input and output shapes (`op_flops`). Elementwise ops, reductions, normalization and the
  optimizer are not counted: they are memory-bound, and a step that spends its time there shows a low fraction.
  The count is averaged over one cycle of the lazy intervals. An op of those kinds without static shapes, or a
  call of a nested function, stops the script (the count would be silently low). The latent code GAN needs a
  stage-1 export: when its `codes_from` is missing, its stage-1 recipe is trained for one step first.
- s/step: wall clock over whole cycles after a warmup cycle (--repeats repeats, the median).
- GFLOPS = FLOPs per step / s per step, and the fraction of the peak.

Peak (fp32) = cores x clock x FLOP/cycle per core, from `lscpu`:
- cores: "Core(s) per socket" x "Socket(s)" (the cores TF's threads run on here; no SMT siblings are counted);
- clock: "CPU max MHz" when lscpu reports it, else the "cpu MHz" of /proc/cpuinfo (a VM reports its nominal
  clock; turbo is not counted, so a fraction can exceed what the nominal figure suggests);
- FLOP/cycle = FMA units x vector lanes x 2, from the vendor and the vector flags: AVX-512 on AMD Zen 4 runs
  as 2 x 256-bit FMA pipes (2 x 8 lanes x 2 = 32), AVX-512 on Intel Xeon Scalable with 2 FMA units (2 x 16 x 2
  = 64), AVX2 + FMA (2 x 8 x 2 = 32). `peak()` prints the formula with its numbers.

    .venv/bin/python benchmarks/step_efficiency.py                      # every family, JSON lines
    .venv/bin/python benchmarks/step_efficiency.py --families sngan stylegan2 --repeats 3 --table
    .venv/bin/python benchmarks/step_efficiency.py --recipes recipes/pilots/stylegan2_emoji64_p*.py --table

Appends one JSON line per family to benchmarks/results/step_efficiency.jsonl (--no-record: print only).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
RESULTS = os.path.join(HERE, "results", "step_efficiency.jsonl")

# family -> its CPU recipe (the shipped models' recipes; the two-stage GAN's two stages separately)
RECIPES = {
    "sngan": "sngan_fmnist32.py",
    "sagan": "sagan_fmnist32.py",
    "biggan": "biggan_fmnist32.py",
    "stylegan2": "stylegan2_emoji64.py",
    "tganv2": "tganv2_mfmnist64.py",
    "latent2s_autoencoder": "latent2s_emoji64_stage1.py",
    "latent2s_code_gan": "latent2s_emoji64.py",
}
CONV_OPS = {"Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "Conv3D", "Conv3DBackpropInputV2",
            "Conv3DBackpropFilterV2", "DepthwiseConv2dNative", "DepthwiseConv2dNativeBackpropInput",
            "DepthwiseConv2dNativeBackpropFilter"}
MATMUL_OPS = {"MatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3", "Einsum"}
CALL_OPS = {"PartitionedCall", "StatefulPartitionedCall", "While", "StatelessWhile", "If", "StatelessIf"}


def lscpu() -> dict:
    out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def peak() -> dict:
    """This CPU's fp32 peak: {"gflops", "formula", "cores", "ghz", "flop_per_cycle", "model"} (module docstring)."""
    info = lscpu()
    cores = int(info.get("Core(s) per socket", 1)) * int(info.get("Socket(s)", 1))
    mhz = info.get("CPU max MHz")
    if not mhz:
        with open("/proc/cpuinfo") as f:
            mhz = re.search(r"cpu MHz\s*:\s*([\d.]+)", f.read()).group(1)
    ghz = float(mhz) / 1000.0
    flags = set(info.get("Flags", "").split())
    amd = info.get("Vendor ID") == "AuthenticAMD"
    if "avx512f" in flags:
        fma_units, lanes = (2, 8) if amd else (2, 16)  # Zen 4: 512-bit ops on 2 x 256-bit pipes
    elif "avx2" in flags and "fma" in flags:
        fma_units, lanes = 2, 8
    else:
        fma_units, lanes = 1, 4
    per_cycle = fma_units * lanes * 2
    gflops = cores * ghz * per_cycle
    formula = (f"{cores} cores x {ghz:.3f} GHz x {per_cycle} FLOP/cycle ({fma_units} FMA units x {lanes} fp32 lanes "
               f"x 2) = {gflops:.1f} GFLOPS")
    return {"gflops": round(gflops, 1), "formula": formula, "cores": cores, "ghz": round(ghz, 3),
            "flop_per_cycle": per_cycle, "model": info.get("Model name", "?")}


def _dims(shape, axes=None) -> list:
    """The static dims of `shape` (only `axes` need to be known when given)."""
    dims = shape.as_list() if shape.rank is not None else None
    if dims is None or any(dims[a] is None for a in (range(len(dims)) if axes is None else axes)):
        raise ValueError(f"shape {shape} is not static")
    return dims


def op_flops(op) -> int:
    """2 x multiply-adds of one convolution / matmul-class op from its static shapes (0 for other ops)."""
    t = op.type
    if t not in CONV_OPS and t not in MATMUL_OPS:
        return 0
    try:
        spatial = (0, 1) if t.startswith("Depthwise") else None  # a depthwise kernel needs kh, kw only
        if t in ("Conv2D", "Conv3D", "DepthwiseConv2dNative"):
            out, kernel = _dims(op.outputs[0].shape), _dims(op.inputs[1].shape, spatial)
        elif t in ("Conv2DBackpropInput", "Conv3DBackpropInputV2", "DepthwiseConv2dNativeBackpropInput"):
            out, kernel = _dims(op.inputs[2].shape), _dims(op.inputs[1].shape, spatial)  # the forward's output
        elif t in ("Conv2DBackpropFilter", "Conv3DBackpropFilterV2", "DepthwiseConv2dNativeBackpropFilter"):
            out, kernel = _dims(op.inputs[2].shape), _dims(op.outputs[0].shape, spatial)
        else:
            return _matmul_flops(op)
    except ValueError as e:
        raise ValueError(f"{op.type} {op.name}: {e}; its FLOPs cannot be counted") from None
    if t.startswith("Depthwise"):
        # out [N, H, W, C * mult], kernel [kh, kw, C, mult]: each output element is kh * kw MACs
        return 2 * math.prod(out) * kernel[0] * kernel[1]
    # out [N, (D,) H, W, O], kernel [(kd,) kh, kw, I, O]: each output element is prod(kernel[:-1]) MACs
    return 2 * math.prod(out) * math.prod(kernel[:-1])


def _matmul_flops(op) -> int:
    if op.type == "Einsum":
        equation = op.get_attr("equation").decode()
        inputs, output = equation.split("->")
        sizes = {}
        for spec, tensor in zip(inputs.split(","), op.inputs):
            for letter, d in zip(spec, _dims(tensor.shape)):
                sizes[letter] = d
        return 2 * math.prod(sizes.values())
    a, b = _dims(op.inputs[0].shape), _dims(op.inputs[1].shape)
    out = _dims(op.outputs[0].shape)
    transpose_a = op.get_attr("adj_x" if "Batch" in op.type else "transpose_a")
    k = a[-2] if transpose_a else a[-1]
    return 2 * math.prod(out) * k


def graph_flops(graph) -> int:
    """Sum of `op_flops` over a traced step graph; refuses nested function calls (they would go uncounted)."""
    total = 0
    for op in graph.get_operations():
        if op.type in CALL_OPS:
            raise ValueError(f"{op.type} {op.name}: a nested function call; its FLOPs would not be counted")
        total += op_flops(op)
    return total


def cycle_length(task) -> int:
    """Steps after which the task's lazy phases repeat (1 without lazy terms)."""
    intervals = {t.interval for t in task.objectives if t.lazy}
    return math.lcm(*intervals) if intervals else 1


def step_flops(task, recipe, spec: dict) -> float:
    """FLOPs per step averaged over one cycle of lazy phases, from the traced replica step of each phase."""
    import tensorflow as tf

    from zoo.training.randomness import StepRandomness

    cycle = cycle_length(task)
    per_due = {}
    total = 0
    for step in range(cycle):
        due = task.due(step)
        if due not in per_due:
            fn = tf.function(lambda batch, s, due=due: task.replica_step(batch, StepRandomness(recipe.run.seed, s), due))
            graph = fn.get_concrete_function(spec, tf.TensorSpec((), tf.int64)).graph
            per_due[due] = graph_flops(graph)
        total += per_due[due]
    return total / cycle, cycle


def with_stage1(path: str, recipe, scratch: str):
    """A stage-2 recipe whose `codes_from` export is missing gets one: its stage-1 recipe (full size) trained for
    one step into `scratch` (the step's cost does not depend on the autoencoder's weights)."""
    from zoo.training.loop import train
    from zoo.training.recipe import load_recipe, recipe_module
    from zoo.training.stages import stage1_recipe_path

    stage1 = stage1_recipe_path(recipe_module(path), path)
    if stage1 is None or os.path.isdir(recipe.task.codes_from):
        return recipe
    workdir = os.path.join(scratch, "stage1")
    train(load_recipe(stage1), workdir, steps=1, stream=open(os.devnull, "w"))
    return recipe.replace(codes_from=os.path.join(workdir, "export"))


def measure(family: str, repeats: int, scratch: str, path: str | None = None) -> dict:
    """The row of `family`'s CPU recipe, or of recipe file `path` (then `family` labels the row)."""
    import tensorflow as tf

    from step_runner import make_runner
    from zoo.training.recipe import load_recipe

    path = path or os.path.join(ROOT, "recipes", RECIPES[family])
    recipe = with_stage1(path, load_recipe(path), scratch)
    tf.config.experimental.enable_op_determinism()  # as `zoo train` runs every recipe
    run, _, task, step_fn = make_runner(recipe, with_task=True)
    batch = recipe.data.batch_size * recipe.task.batches_per_step
    arrays_spec = {}
    from step_runner import random_arrays

    for key, array in random_arrays(recipe, examples=1).items():
        dtype = tf.int32 if key == "labels" else tf.float32
        arrays_spec[key] = tf.TensorSpec((batch, *array.shape[1:]), dtype)
    flops, cycle = step_flops(task, recipe, arrays_spec)
    steps = cycle * max(1, math.ceil(8 / cycle))  # whole cycles, at least 8 steps
    t0 = time.perf_counter()
    run(steps)  # warmup: traces every phase
    warmup = time.perf_counter() - t0
    times = [run(steps) / steps for _ in range(repeats)]
    s_per_step = statistics.median(times)
    return {"family": family, "recipe": os.path.relpath(path, os.path.join(ROOT, "recipes")), "batch": batch,
            "lazy_cycle": cycle,
            "gflop_per_step": round(flops / 1e9, 3), "s_per_step": round(s_per_step, 4),
            "s_per_step_repeats": [round(t, 4) for t in times], "warmup_s": round(warmup, 1),
            "gflops": round(flops / 1e9 / s_per_step, 2)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--families", nargs="+", default=list(RECIPES), choices=list(RECIPES))
    p.add_argument("--recipes", nargs="+", metavar="FILE",
                   help="instead of --families: these recipe files (e.g. the pilots, for their s/step in one run)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--table", action="store_true", help="also print a text table")
    p.add_argument("--no-record", action="store_true", help=f"print only (default: append to {RESULTS})")
    args = p.parse_args(argv)
    cpu = peak()
    import tensorflow as tf

    rows = []
    scratch = tempfile.mkdtemp(prefix="step_efficiency_")
    jobs = ([(os.path.splitext(os.path.basename(f))[0], os.path.abspath(f)) for f in args.recipes] if args.recipes
            else [(family, None) for family in args.families])
    for family, path in jobs:
        row = measure(family, args.repeats, scratch, path)
        row.update(benchmark="step_efficiency", peak_gflops=cpu["gflops"], peak_formula=cpu["formula"],
                   fraction_of_peak=round(row["gflops"] / cpu["gflops"], 4), cpu=cpu["model"],
                   tf=tf.__version__, date=time.strftime("%Y-%m-%d"))
        rows.append(row)
        print(json.dumps(row), flush=True)
        if not args.no_record:
            with open(RESULTS, "a") as f:
                f.write(json.dumps(row) + "\n")
    shutil.rmtree(scratch, ignore_errors=True)
    if args.table:
        print(f"\npeak: {cpu['formula']}")
        best = max(r["fraction_of_peak"] for r in rows)
        print(f"{'family':22} {'GFLOP/step':>10} {'s/step':>8} {'GFLOPS':>8} {'of peak':>8} {'of best':>8}")
        for r in rows:
            print(f"{r['family']:22} {r['gflop_per_step']:10.2f} {r['s_per_step']:8.3f} {r['gflops']:8.1f} "
                  f"{r['fraction_of_peak']:8.1%} {r['fraction_of_peak'] / best:8.1%}")


if __name__ == "__main__":
    main()
