"""StyleGAN2's two modulated-convolution implementations on the CPU preset's layer shapes: "weights" (per-sample
demodulated kernels applied to each sample's patches) vs "activations" (inputs scaled by the styles, the shared
kernel, outputs scaled by the demodulation coefficients; the default), `zoo.layers.modulated_conv`.

For every synthesis layer (and ToRGB) of the `stylegan2_64_small` generator at its resolution, batch 32, both
implementations share the same weights and run as tf.functions in this process, alternating, `--repeats` times:
forward, and forward + backward (gradients of a scalar loss w.r.t. the input and every trainable weight, as in
training); then the whole synthesis network (two generators with the same weights). Outputs and gradients must
agree within float tolerance (per tensor, max |difference| / max |value| <= 1e-4, `max_rel_diff`; for the whole
network the images, and the gradient w.r.t. ws within 1e-3), else exit code 1. One JSON line per layer, one for
the network, then the sum over the layers:

    {"benchmark": "stylegan2_modconv", "scope": "...", "baseline": "activations", "candidate": "weights",
     "unit": "ms", "forward_ms": {...}, "forward_backward_ms": {...}, "ratio_forward": ...,
     "ratio_forward_backward": ..., "max_rel_diff": {"output": ..., "gradient": ...}, "agree": ...}

ratio = weights / activations time (> 1: "activations", the default, is faster); medians over the repeats.
Run: `python benchmarks/stylegan2_modconv.py` (about a minute; `--repeats`, `--batch-size`, `--preset`).

Measured on 2 CPU cores (AMD EPYC) at nice 15 beside two StyleGAN2 training jobs (absolute times inflated and
noisy; the ratios are the point), `--repeats 5`, weights / activations:
    synthesis network:  forward 175.6 -> 578.7 ms (x3.30), forward + backward 978.6 -> 2076.2 ms (x2.12)
    sum of the layers:  forward 169.0 -> 533.7 ms (x3.16), forward + backward 923.8 -> 1795.6 ms (x1.94)
    3x3 layers: forward + backward x1.5 (16x16-64x64 upsampling layers) to x15 (4x4, 256 maps: the per-sample
    kernels are 32 x 3 x 3 x 256 x 256); 1x1 ToRGB: "weights" is faster (x0.3-0.8), 30 vs 15 ms of the ~920.
"activations" (the default) is the faster implementation on this CPU.
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

tf.get_logger().setLevel("ERROR")  # one pair of tf.functions per layer: retracing warnings are expected

from zoo.layers.modulated_conv import ModulatedConv2D  # noqa: E402
from zoo.models import build_from_preset  # noqa: E402

MODES = ("activations", "weights")
# the two implementations agree when, per tensor, max |a - b| <= tolerance x max |a| (an element-wise relative
# test fails on small gradients that cancel large terms): 1e-4 for outputs and each layer's gradients; 1e-3 for
# the gradient w.r.t. ws through the whole network, a float32 sum over N x 64 x 64 x 3 loss terms and 14 layers
# whose summation order differs (measured 1.4e-4)
TOLERANCE = 1e-4
NETWORK_GRADIENT_TOLERANCE = 1e-3


def relative_diff(a, b):
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(a))), 1e-30))


def twin_layers(layer):
    """{mode: ModulatedConv2D} with `layer`'s config and weights, one per implementation."""
    out = {}
    for mode in MODES:
        twin = ModulatedConv2D.from_config({**layer.get_config(), "modulation": mode})
        twin.set_weights(layer.get_weights())
        out[mode] = twin
    return out


def layer_functions(layer):
    """(forward, forward_backward) tf.functions of (x, w) for one layer; noise "const" (a fixed image)."""
    @tf.function(reduce_retracing=True)
    def forward(x, w):
        return layer(x, w, noise="const")

    @tf.function(reduce_retracing=True)
    def forward_backward(x, w):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x, w, noise="const")
            loss = tf.reduce_sum(y * tf.sin(y))
        return [y] + tape.gradient(loss, [x] + layer.trainable_variables)

    return forward, forward_backward


def generator_functions(g):
    """(forward, forward_backward) tf.functions of ws for the synthesis network (gradients w.r.t. ws and every
    trainable weight outside the mapping network)."""
    mapping = {id(v) for v in g.mapping.trainable_variables}
    synthesis_variables = [v for v in g.trainable_variables if id(v) not in mapping]

    @tf.function(reduce_retracing=True)
    def forward(ws):
        return g.synthesis(ws)

    @tf.function(reduce_retracing=True)
    def forward_backward(ws):
        with tf.GradientTape() as tape:
            tape.watch(ws)
            y = g.synthesis(ws)
            loss = tf.reduce_sum(y * tf.sin(y))
        return [y] + tape.gradient(loss, [ws] + synthesis_variables)

    return forward, forward_backward


def timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    out = [t.numpy() for t in (out if isinstance(out, list) else [out])]
    return (time.perf_counter() - start) * 1000.0, out


def compare(funcs, args, repeats, gradients_compared=None, gradient_tolerance=TOLERANCE):
    """funcs {mode: (forward, forward_backward)} -> (forward ms {mode}, forward_backward ms {mode}, largest
    relative differences {"output", "gradient"}, agree): warm-up (tracing) once, then alternating timed calls,
    medians. Compares the outputs and the first `gradients_compared` gradients (None: all)."""
    results = {}
    for mode in MODES:  # trace + warm up
        results[mode] = [timed(f, *args)[1] for f in funcs[mode]]
    act, wts = results["activations"], results["weights"]
    output_diff = max(relative_diff(a, b) for a, b in zip(act[0] + act[1][:1], wts[0] + wts[1][:1]))
    last = None if gradients_compared is None else 1 + gradients_compared
    gradient_diff = max(relative_diff(a, b) for a, b in zip(act[1][1:last], wts[1][1:last]))
    diff = {"output": float(f"{output_diff:.3g}"), "gradient": float(f"{gradient_diff:.3g}")}
    agree = output_diff <= TOLERANCE and gradient_diff <= gradient_tolerance
    times = {kind: {mode: [] for mode in MODES} for kind in ("forward", "forward_backward")}
    for _ in range(repeats):
        for mode in MODES:
            times["forward"][mode].append(timed(funcs[mode][0], *args)[0])
            times["forward_backward"][mode].append(timed(funcs[mode][1], *args)[0])
    medians = {kind: {mode: round(float(np.median(v)), 2) for mode, v in by_mode.items()}
               for kind, by_mode in times.items()}
    return medians["forward"], medians["forward_backward"], diff, agree


def record(scope, forward, forward_backward, diff, agree, **extra):
    return {"benchmark": "stylegan2_modconv", "scope": scope, **extra, "baseline": "activations",
            "candidate": "weights", "unit": "ms", "forward_ms": forward, "forward_backward_ms": forward_backward,
            "ratio_forward": round(forward["weights"] / forward["activations"], 3),
            "ratio_forward_backward": round(forward_backward["weights"] / forward_backward["activations"], 3),
            "max_rel_diff": diff, "agree": agree}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="stylegan2_64_small")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3, help="alternating timed calls per implementation")
    args = parser.parse_args(argv)

    g, _ = build_from_preset("stylegan2", args.preset)
    g.build_for_inputs()
    rng = np.random.default_rng(0)
    for conv in g.conv_layers:  # nonzero noise strengths: the noise path is timed as in training
        conv.noise_strength.assign(0.1)
    n = args.batch_size
    w = tf.constant(rng.standard_normal((n, g.w_dim)).astype(np.float32))
    totals = {kind: {mode: 0.0 for mode in MODES} for kind in ("forward", "forward_backward")}
    all_agree, lines = True, []
    for layer in g.conv_layers + g.torgb_layers:
        size = layer.resolution // 2 if layer.up else layer.resolution
        x = tf.constant(rng.standard_normal((n, size, size, layer.in_channels)).astype(np.float32))
        funcs = {mode: layer_functions(twin) for mode, twin in twin_layers(layer).items()}
        forward, forward_backward, diff, agree = compare(funcs, (x, w), args.repeats)
        for mode in MODES:
            totals["forward"][mode] += forward[mode]
            totals["forward_backward"][mode] += forward_backward[mode]
        all_agree &= agree
        lines.append(record(layer.name, forward, forward_backward, diff, agree, resolution=layer.resolution,
                            in_channels=layer.in_channels, filters=layer.filters, up=layer.up,
                            kernel_size=layer.kernel_size, batch_size=n))
        print(json.dumps(lines[-1]), flush=True)

    # the whole synthesis network, two generators with the same weights
    gens = {}
    for mode in MODES:
        twin = type(g).from_config({**g.get_config(), "modulation": mode})
        twin.build_for_inputs()
        twin.set_weights(g.get_weights())
        gens[mode] = generator_functions(twin)
    ws = tf.tile(w[:, None, :], [1, g.num_ws, 1])
    # compared: the images and d/d ws (through every layer); the weight gradients of the whole network are
    # batch-and-image sums whose cancellation leaves float32 summation-order differences up to ~3e-3 of their
    # size (noise strengths, biases), and each layer's weight gradients are compared above
    forward, forward_backward, diff, agree = compare(gens, (ws,), args.repeats, gradients_compared=1,
                                                     gradient_tolerance=NETWORK_GRADIENT_TOLERANCE)
    all_agree &= agree
    print(json.dumps(record("synthesis_network", forward, forward_backward, diff, agree, preset=args.preset,
                            batch_size=n)), flush=True)

    layer_diff = {k: max(line["max_rel_diff"][k] for line in lines) for k in ("output", "gradient")}
    summary = record("sum_of_layers", {m: round(v, 2) for m, v in totals["forward"].items()},
                     {m: round(v, 2) for m, v in totals["forward_backward"].items()}, layer_diff, all_agree,
                     preset=args.preset, batch_size=n, layers=len(lines), repeats=args.repeats,
                     default="activations")
    print(json.dumps(summary), flush=True)
    if not all_agree:
        print("the two implementations disagree beyond float tolerance", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
