"""Where one recipe's training step spends its time: per op type and per layer, from the TF profiler.

Builds the recipe's real compiled step (`benchmarks/step_runner.py`: `build_task`, the loop's step function and
input pipeline, random uint8 images), warms it up, then records --steps steps with `tf.profiler.experimental`
and sums the duration of every TF op the executor ran (thread time, so with 2 compute threads the total can
exceed the wall clock) per step:
- by op type (Conv2DBackpropFilter, StridedSliceGrad, ...);
- by layer: the op's name scope reduced to the layer names of the networks (G/b64_conv0, D/b64_conv1, ...);
  gradient ops count under the layer they differentiate, optimizer / EMA ops under their own scope;
- by layer and op type.

Prints one JSON object (wall-clock s/step measured outside the trace, the op-time total and the --top entries of
each table, in ms per step) and, with --table, the same as plain text.

    .venv/bin/python benchmarks/profile_step.py recipes/stylegan2_emoji64_nodiffaug.py --plain --table
    .venv/bin/python benchmarks/profile_step.py recipes/stylegan2_emoji64_nodiffaug.py --steps 16 --table

--plain drops the recipe's objective terms (no R1, no path length: the peer benchmark's "plain" mode); a lazy
recipe should be traced over whole cycles of its intervals (--steps 16 for intervals 4 and 16).
"""

from __future__ import annotations

import argparse
import collections
import glob
import json
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

LAYER_PART = re.compile(r"^(b\d+_\w+|mapping|fc\d+|mbstd|class_mapping|embed|adam\w*|ema\w*|affine)$")


def op_tables(trace_dir: str, steps: int):
    """({op type: ms/step}, {layer: ms/step}, {"layer op type": ms/step}, total ms/step) from the newest xplane.pb under `trace_dir`."""
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    paths = sorted(glob.glob(os.path.join(trace_dir, "**", "*.xplane.pb"), recursive=True))
    if not paths:
        raise SystemExit(f"the profiler wrote no xplane.pb under {trace_dir}")
    space = xplane_pb2.XSpace()
    with open(paths[-1], "rb") as f:
        space.ParseFromString(f.read())
    by_type, by_layer, total = collections.Counter(), collections.Counter(), 0.0
    by_both = collections.Counter()
    for plane in space.planes:
        for line in plane.lines:
            if not line.name.startswith("tf_"):  # the executor's threads (not the Python thread)
                continue
            for event in line.events:
                name = plane.event_metadata[event.metadata_id].name
                if ":" not in name or "::" in name:  # TF ops are "scope/op:Type"; runtime regions have "::"
                    continue
                scope, op_type = name.rsplit(":", 1)
                ms = event.duration_ps / 1e9 / steps
                total += ms
                by_type[op_type] += ms
                by_layer[layer_of(scope)] += ms
                by_both[f"{layer_of(scope)} {op_type}"] += ms
    return by_type, by_layer, by_both, total


def layer_of(scope: str) -> str:
    """'gradient_tape/style_gan2_discriminator_1/b64_conv1/strided_slice' -> 'D/b64_conv1': the layer names of
    a scope without Keras' _N suffixes, prefixed by the network (D when the scope names a discriminator, else
    G); the scope's last part but one when it names no layer (optimizer, EMA, loss)."""
    parts = [re.sub(r"_\d+$", "", p) for p in scope.split("/")]
    named = [p for p in parts if LAYER_PART.match(p)]
    if not named:
        return parts[-2] if len(parts) > 1 else parts[0]
    if named[0].startswith(("adam", "ema")):
        return "/".join(named)
    return ("D/" if "discriminator" in scope else "G/") + "/".join(named)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("recipe", help="a recipe file (recipes/*.py)")
    p.add_argument("--plain", action="store_true", help="drop the recipe's objective terms (no R1 / path length)")
    p.add_argument("--steps", type=int, default=4, help="steps traced (default 4)")
    p.add_argument("--warmup", type=int, default=3, help="steps before timing and tracing (default 3)")
    p.add_argument("--timed", type=int, default=5, help="steps timed without the profiler (default 5)")
    p.add_argument("--top", type=int, default=25, help="entries per table (default 25)")
    p.add_argument("--table", action="store_true", help="also print the tables as text")
    args = p.parse_args(argv)

    import tensorflow as tf

    from step_runner import make_runner
    from zoo.training.recipe import load_recipe

    recipe = load_recipe(args.recipe)
    if args.plain:
        recipe = recipe.replace(objective=())
    tf.config.experimental.enable_op_determinism()  # as `zoo train` runs every recipe
    run, _ = make_runner(recipe)
    warmup_s = run(args.warmup)
    step_s = run(args.timed) / args.timed
    with tempfile.TemporaryDirectory() as trace_dir:
        tf.profiler.experimental.start(trace_dir)
        run(args.steps)
        tf.profiler.experimental.stop()
        by_type, by_layer, by_both, total = op_tables(trace_dir, args.steps)
    result = {"benchmark": "profile_step", "recipe": recipe.name, "plain": args.plain, "steps": args.steps,
              "warmup_s": round(warmup_s, 2), "wall_s_per_step": round(step_s, 4),
              "op_ms_per_step": round(total, 1),
              "by_op_type": {k: round(v, 1) for k, v in by_type.most_common(args.top)},
              "by_layer": {k: round(v, 1) for k, v in by_layer.most_common(args.top)},
              "by_layer_and_op": {k: round(v, 1) for k, v in by_both.most_common(args.top)}}
    print(json.dumps(result))
    if args.table:
        print(f"\n{recipe.name}{' (plain)' if args.plain else ''}: {step_s:.3f} s/step wall, "
              f"{total:.0f} ms/step of op time")
        for title, table in (("op type", by_type), ("layer", by_layer), ("layer and op type", by_both)):
            print(f"\n{'ms/step':>9} {'share':>6}  {title}")
            for key, ms in table.most_common(args.top):
                print(f"{ms:9.1f} {ms / total:6.1%}  {key}")
    return result


if __name__ == "__main__":
    main()
