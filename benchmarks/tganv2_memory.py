"""TGANv2's training memory and step time against the dense single-level baseline, at several resolutions.

The claim checked (Saito et al., "Train Sparsely, Generate Densely", IJCV 2020, Sec. 5, Fig. 6): sub-generators
with subsampling layers (every 2nd frame and every 2nd clip per level) and one discriminator per level make
training memory grow roughly linearly with the resolution instead of as the dense model's does; the paper
reports 7.07x (G) and 20.35x (D) less memory at 192x192 (its own GPU measurement, quoted in the JSON as
`paper_reference`, not measured here).

Models, at resolution r (same widths, batch, base size and clip length T = 16 in both):
    tganv2: `TGANv2Generator(levels=L)` (`levels_forward`: level k renders T / 2^k frames of batch / 2^k clips)
            and `TGANv2Discriminator(levels=L)` on the clips of the level shapes; L = 3 below 128, 4 from 128.
    dense:  the same generator with `levels=1` (all blocks in one level, one head: every frame of every clip at
            full resolution) and `TGANv2Discriminator(levels=1)` on the full T x r x r clips.
    G: base_size 4 (3 at 192), log2(r / base) up-blocks whose widths are `--min-width` at the last block,
    doubling towards the first, capped at `--max-width` (16 ... 64: 32 -> 64,32,16; 64 -> 64,64,32,16;
    128 -> 64,64,64,32,16); ConvLSTM and z of `--max-width`; RGB. D: every level's 3D ResNet has blocks
    `--d-channels` (16,32,64,128).

Networks measured, each a tf.function (graph mode, as the training loop runs it):
    g:    G's training forward (`levels_forward`) + the gradient of a scalar loss (mean of squares of every
          level's clips) w.r.t. G's weights.
    d:    D's forward on the real and the fake clips of the level shapes (`real_levels` of two random batches:
          frame / batch subsampling and average pooling; dense: the full clips) + the gradient of the
          non-saturating D loss w.r.t. D's weights (no gradient penalty).
    step: the real training step, `TGANv2Task.replica_step` (G and D losses from one forward, the zero-centred
          gradient penalty on the reals, `levels_r1` weight 0.5, with its double backward, one Adam per network
          / level, EMA of G), on a random batch; the dense model runs the same task with levels = 1.

How memory is measured: every (model, network, resolution) runs in its own fresh subprocess (this script with
`--child`). The child creates the networks' variables (and the task's optimizer slots) by tracing their build
passes without running them (`_build_traced`: the eager build passes would leave activation memory in TF's
allocator pool, which the measured call would reuse without growing the RSS), traces the step function
(`get_concrete_function`: no tensor of the step is allocated yet), then resets the kernel's peak-RSS counter
(`echo 5 > /proc/self/clear_refs`, which also resets `getrusage(RUSAGE_SELF).ru_maxrss` on Linux) and the TF
allocator's peak (`tf.config.experimental.reset_memory_stats`), and runs the step once:
    *_mib:            ru_maxrss after that first call minus VmRSS right before it (MiB): the memory the step
                      adds to the process (tensors kept for the backward pass, gradients, optimizer temporaries)
                      plus one-time costs of a graph's first run (Grappler's rewritten graph, kernels, oneDNN
                      primitives: about 40-60 MiB for G or D, 100-180 MiB for the step, larger for TGANv2's graph
                      with one discriminator per level). The first call, not a later one, because TF's CPU
                      allocator (oneDNN builds: a BFC pool) keeps the memory it grew into: after it the RSS barely
                      moves.
    *_rss_peak_mib:   ru_maxrss after that call: the absolute peak of the process (includes TF itself, ~0.6 GiB).
    *_allocator_mib:  `get_memory_info("CPU:0")`: "peak" minus "current" right before the second (warm) call,
                      after `reset_memory_stats`: the peak of live tensors the steady-state step adds, without
                      the one-time costs (`*_allocator_first_call_mib`: the same for the first call). This is what
                      a GPU framework's allocator statistics report; null with the reason when the CPU allocator
                      keeps no statistics (it does in TF 2.21's oneDNN build).
    *_allocator_peak_mib: that "peak" (absolute: includes the weights, optimizer slots and inputs).
Step time (*_s): median of `--repeats` calls after those two (indicative only on a shared CPU).
ratio = dense / tganv2 (> 1: TGANv2 needs less), growth = value at the largest resolution / value at the
smallest, for each model.

Run (16.5 minutes on 2 cores at nice 15 beside a training job; the dense 192 step alone takes 3 minutes and
peaks at 8.5 GiB RSS; each child sets its oom_score_adj to 1000 so that it, not a job beside it, is killed if
memory runs out):
    nice -n 15 python benchmarks/tganv2_memory.py --resolutions 32,64,128,192 --batch 8 --repeats 3 --out FILE

Measured so (TF 2.21, 2 x86_64 cores, batch 8; levels 3 at 32/64, 4 at 128/192), dense / tganv2, RSS and
allocator (in brackets):
    32:  G 2.2x (4.3x), D 1.4x (13.9x), step 1.4x (4.5x), step time 4.1x
    64:  G 3.5x (4.0x), D 3.0x (9.6x),  step 2.8x (4.9x), step time 7.6x
    128: G 8.9x (11.1x), D 7.5x (20.5x), step 6.9x (12.7x), step time 14.7x
    192: G 9.2x (11.2x), D 9.5x (16.9x), step 8.8x (12.5x), step time 9.4x (paper at 192: G 7.07x, D 20.35x)
    192: tganv2 G 620 (461) MiB, D 343 (162) MiB, step 887 (537) MiB, 2.8 s; dense G 5703 (5173) MiB,
         D 3243 (2742) MiB, step 7823 (6727) MiB, 26.6 s.
    growth 32 -> 192 (36x the pixels): tganv2 step 4.3x (12.9x), dense step 26.6x (36.3x).
The ratios depend on the widths: the paper's networks are wider (G 512 ... 32, D 64 ... 1024 per level).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

MODELS = ("tganv2", "dense")
NETWORKS = ("g", "d", "step")
MEASURES = ("mib", "rss_peak_mib", "allocator_mib", "allocator_first_call_mib", "allocator_peak_mib", "s")
PAPER_REFERENCE = {
    "source": "Saito et al., IJCV 2020, Sec. 5, Fig. 6 (the paper's own measurement, not this run)",
    "resolution": 192, "hardware": "GPU",
    "g_memory_ratio": 7.07, "d_memory_ratio": 20.35,
    "meaning": "dense model's memory / TGANv2's memory at 192x192",
}
FRAMES = 16
MIB = 2.0 ** 20


# ---- configuration ------------------------------------------------------------------------------------------

def base_size(resolution: int) -> int:
    """4 when r / 4 is a power of 2 (32, 64, 128, ...), else 3 (192 = 3 x 2^6)."""
    for base in (4, 3):
        blocks = math.log2(resolution / base)
        if resolution % base == 0 and blocks >= 1 and blocks == int(blocks):
            return base
    raise ValueError(f"resolution {resolution} is not 4 x 2^n or 3 x 2^n")


def default_levels(resolution: int) -> int:
    """Levels of the TGANv2 model: 3 below 128 (its last level at r with 4 frames), 4 from 128 (2 frames); at
    most one per up-block (2 at 16x16)."""
    return min(4 if resolution >= 128 else 3, int(math.log2(resolution // base_size(resolution))))


def block_widths(resolution: int, max_width: int = 64, min_width: int = 16) -> list:
    """G's up-block widths: `min_width` at the last (full-resolution) block, doubling towards the first, capped
    at `max_width` (the paper's scheme, ch x (16, 8, 4, 2, 1, 1))."""
    blocks = int(math.log2(resolution // base_size(resolution)))
    return [min(max_width, min_width * 2 ** (blocks - 1 - i)) for i in range(blocks)]


def network_configs(resolution: int, levels: int | None = None, max_width: int = 64, min_width: int = 16,
                    d_channels=(16, 32, 64, 128)) -> dict:
    """{model: {"generator": kwargs, "discriminator": kwargs}} of TGANv2 and the dense baseline at `resolution`."""
    levels = levels or default_levels(resolution)
    g = {"latent_dim": max_width, "frames": FRAMES, "base_size": base_size(resolution), "clstm_channels": max_width,
         "channels": block_widths(resolution, max_width, min_width), "image_channels": 3}
    return {model: {"generator": {**g, "levels": k}, "discriminator": {"levels": k, "channels": list(d_channels)}}
            for model, k in (("tganv2", levels), ("dense", 1))}


# ---- one measurement (the child) -------------------------------------------------------------------------------

def _rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmRSS in /proc/self/status")


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _reset_rss_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _allocator():
    """(current MiB, peak MiB) of TF's CPU allocator, or the reason it has none."""
    import tensorflow as tf

    try:
        info = tf.config.experimental.get_memory_info("CPU:0")
        return info["current"] / MIB, info["peak"] / MIB
    except (ValueError, RuntimeError, tf.errors.OpError) as e:
        return f"{type(e).__name__}: {e}"


def _reset_allocator_peak() -> None:
    import tensorflow as tf

    try:
        tf.config.experimental.reset_memory_stats("CPU:0")
    except (ValueError, RuntimeError, tf.errors.OpError):
        pass


def _build_traced(build) -> None:
    """Run `build()`, which creates variables by eager forward passes, as a traced tf.function that is never
    executed: the variables are created and initialized, but no activation passes through TF's allocator, whose
    pool would keep that memory for the measured step to reuse without growing the RSS."""
    import tensorflow as tf

    def run():
        build()

    tf.function(run, autograph=False).get_concrete_function()


def _step_function(model_kwargs: dict, network: str, batch: int):
    """(tf.function, its arguments, info) of one network's training computation."""
    import keras
    import numpy as np
    import tensorflow as tf

    from zoo.models.parts import GENERATOR
    from zoo.models.tganv2 import TGANv2Discriminator, TGANv2Generator
    from zoo.models.tganv2.tganv2_levels import real_levels
    from zoo.training.objectives import AdversarialLoss, make_objective
    from zoo.training.randomness import StepRandomness
    from zoo.training.tasks.tganv2 import TGANv2Task, level_optimizer_name

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    g = TGANv2Generator(**model_kwargs["generator"])
    d = TGANv2Discriminator(**model_kwargs["discriminator"])
    shapes = g.level_shapes()
    offsets_width = max(g.levels - 1, 1)
    info = {"level_shapes": [list(s) for s in shapes],
            "level_batches": [g.level_batch(batch, k) for k in range(g.levels)]}

    def video():
        return tf.constant(rng.uniform(-1, 1, (batch, *g.image_shape)).astype(np.float32))

    def global_norm(grads):
        return tf.sqrt(tf.add_n([tf.reduce_sum(tf.square(x)) for x in grads]))

    if network == "g":
        _build_traced(g.build_for_inputs)
        info["params"] = int(sum(np.prod(v.shape) for v in g.trainable_variables))
        z = tf.constant(rng.uniform(-1, 1, (batch, g.latent_dim)).astype(np.float32))
        offsets = tf.constant(rng.integers(0, 2, (offsets_width,)), tf.int32)

        @tf.function
        def fn(z, offsets):
            with tf.GradientTape() as tape:
                clips = g.levels_forward(z, offsets, training=True)
                loss = tf.add_n([tf.reduce_mean(tf.square(x)) for x in clips])
            return loss, global_norm(tape.gradient(loss, g.trainable_variables))

        return fn, (z, offsets), info

    if network == "d":
        _build_traced(lambda: d.build_for_inputs(shapes))
        info["params"] = int(sum(np.prod(v.shape) for v in d.trainable_variables))
        adversarial = AdversarialLoss("non_saturating")
        real, fake = video(), video()
        offsets = tf.constant(rng.integers(0, 2, (batch, offsets_width)), tf.int32)

        @tf.function
        def fn(real, fake, offsets):
            reals = real_levels(real, offsets, shapes, g.subsample_batch)
            fakes = real_levels(fake, 1 - offsets, shapes, g.subsample_batch)
            with tf.GradientTape() as tape:
                loss = adversarial.discriminator(tf.concat(d(reals), 0), tf.concat(d(fakes), 0))
            return loss, global_norm(tape.gradient(loss, d.trainable_variables))

        return fn, (real, fake, offsets), info

    if network == "step":
        optimizers = {GENERATOR: keras.optimizers.Adam(1e-4, 0.0, 0.9)}
        for k in range(g.levels):
            optimizers[level_optimizer_name(k)] = keras.optimizers.Adam(1e-4, 0.0, 0.9)
        task = TGANv2Task(g, d, optimizers=optimizers, loss="non_saturating", ema_decay=0.999,
                          objectives=[make_objective({"kind": "levels_r1", "weight": 0.5})])
        _build_traced(lambda: task.build({"video": g.image_shape}))
        for e, w in zip(task.ema_generator.weights, g.weights):  # traced, not run, in `task.build`
            e.assign(w)
        info["params"] = int(sum(np.prod(v.shape) for v in g.trainable_variables + d.trainable_variables))
        counter = tf.Variable(0, dtype=tf.int64, trainable=False)

        @tf.function
        def fn(video):
            out = task.replica_step({"video": video}, StepRandomness(0, counter))
            counter.assign_add(1)
            return out["g_loss"], out["d_loss"]

        return fn, (video(),), info

    raise ValueError(f"unknown network {network!r}; expected one of {NETWORKS}")


def measure(model: str, network: str, resolution: int, batch: int = 8, repeats: int = 3, **config) -> dict:
    """One (model, network, resolution) measurement in this process (the child's work; see the module docstring
    for what each field means). `config`: `network_configs` options (levels, max_width, min_width, d_channels)."""
    import numpy as np

    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; expected one of {MODELS}")
    fn, args, info = _step_function(network_configs(resolution, **config)[model], network, batch)
    fn.get_concrete_function(*args)  # trace now: the measured call allocates the step's tensors only

    def call():
        start = time.perf_counter()
        for t in fn(*args):
            t.numpy()
        return time.perf_counter() - start

    rss_before = _rss_mib()
    reset_ok = _reset_rss_peak()
    maxrss_before = _maxrss_mib()
    _reset_allocator_peak()
    allocator_first = _allocator(), None
    first_s = call()
    rss_peak = _maxrss_mib()
    allocator_first = allocator_first[0], _allocator()
    _reset_allocator_peak()
    allocator_warm = _allocator(), None
    call()  # warm-up: the allocator's steady-state peak
    allocator_warm = allocator_warm[0], _allocator()
    times = [call() for _ in range(repeats)]
    if isinstance(allocator_warm[1], str):
        allocator = {"allocator_mib": None, "allocator_peak_mib": None, "allocator_first_call_mib": None,
                     "allocator_unsupported": allocator_warm[1]}
    else:
        delta = lambda before_after: round(before_after[1][1] - before_after[0][0], 1)  # noqa: E731
        allocator = {"allocator_mib": delta(allocator_warm), "allocator_peak_mib": round(allocator_warm[1][1], 1),
                     "allocator_first_call_mib": delta(allocator_first)}
    # without a reset of the peak counter, the call's peak is known only if it exceeds the earlier lifetime peak
    known = reset_ok or rss_peak > maxrss_before
    return {"model": model, "network": network, "resolution": resolution, "batch": batch, **info,
            "mib": round(rss_peak - rss_before, 1) if known else None, "rss_before_mib": round(rss_before, 1),
            "rss_peak_mib": round(rss_peak, 1), **allocator, "rss_peak_reset": reset_ok,
            "first_call_s": round(first_s, 3), "times_s": [round(t, 3) for t in times],
            "s": round(float(np.median(times)), 3)}


# ---- the parent: one child per measurement, then the summary ------------------------------------------------------

def run_child(model: str, network: str, resolution: int, batch: int, repeats: int, config: dict,
              timeout: float | None = None) -> dict:
    """`measure` in a fresh `python <this script> --child ...` process (same interpreter, same niceness)."""
    cmd = [sys.executable, os.path.abspath(__file__), "--child", model, network, str(resolution),
           "--batch", str(batch), "--repeats", str(repeats), "--config", json.dumps(config)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _ratio(a, b):
    return None if a is None or b is None or b == 0 else round(a / b, 2)


def summarize(measurements: list, settings: dict) -> dict:
    """The benchmark's JSON object from the child measurements (dicts with model, network, resolution and the
    `MEASURES`): per resolution and model the flat values (`g_mib`, `d_allocator_mib`, `step_s`, ...), the
    ratios dense / tganv2 and the growth from the smallest to the largest resolution of each model."""
    by_key = {(m["model"], m["network"], m["resolution"]): m for m in measurements}
    resolutions = sorted({m["resolution"] for m in measurements})
    results = {}
    for r in resolutions:
        row = {}
        for model in MODELS:
            values = {}
            for network in NETWORKS:
                m = by_key.get((model, network, r), {})
                values.update({f"{network}_{measure}": m.get(measure) for measure in (*MEASURES, "params")})
                if "error" in m:
                    values[f"{network}_error"] = m["error"]
            done = [m for (mo, _, rr), m in by_key.items() if (mo, rr) == (model, r) and "level_shapes" in m]
            values["level_shapes"] = done[0]["level_shapes"] if done else None
            values["level_batches"] = done[0]["level_batches"] if done else None
            row[model] = values
        tg, de = row["tganv2"], row["dense"]
        row["ratio"] = {"g": _ratio(de["g_mib"], tg["g_mib"]), "d": _ratio(de["d_mib"], tg["d_mib"]),
                        "step": _ratio(de["step_mib"], tg["step_mib"]), "time": _ratio(de["step_s"], tg["step_s"]),
                        "g_time": _ratio(de["g_s"], tg["g_s"]), "d_time": _ratio(de["d_s"], tg["d_s"]),
                        **{f"{n}_allocator": _ratio(de[f"{n}_allocator_mib"], tg[f"{n}_allocator_mib"])
                           for n in NETWORKS}}
        results[str(r)] = row
    growth = None
    if len(resolutions) > 1:
        lo, hi = str(resolutions[0]), str(resolutions[-1])
        growth = {"from": resolutions[0], "to": resolutions[-1],
                  "pixels_ratio": (resolutions[-1] / resolutions[0]) ** 2}
        for model in MODELS:
            growth[model] = {key: _ratio(results[hi][model][f"{n}_{unit}"], results[lo][model][f"{n}_{unit}"])
                             for n in NETWORKS for key, unit in ((n, "mib"), (f"{n}_allocator", "allocator_mib"),
                                                                 (f"{n}_time", "s"))}
    import tensorflow as tf

    from zoo.provenance import hardware

    unsupported = next((m["allocator_unsupported"] for m in measurements if "allocator_unsupported" in m), None)
    return {"benchmark": "tganv2_memory", "hardware": hardware(), "tensorflow": tf.__version__,
            "settings": settings,
            "memory_method": ("one fresh process per measurement, variables created by traced (not run) build "
                              "passes; *_mib: peak RSS (getrusage ru_maxrss, reset via /proc/self/clear_refs) "
                              "during the first call of the traced step minus VmRSS right before it (includes "
                              "the graph's one-time first-run costs); "
                              "*_rss_peak_mib: that absolute peak; *_allocator_mib: TF CPU allocator peak "
                              "(get_memory_info('CPU:0'), reset_memory_stats) during the second call minus its "
                              "current bytes before it (*_allocator_first_call_mib: the same for the first call); "
                              "*_allocator_peak_mib: that absolute peak"),
            "allocator_peak": None if unsupported is None else {"value": None, "reason": unsupported},
            "time_method": "median of `repeats` calls after two (first = memory, second = warm-up), seconds",
            "ratio_meaning": "dense / tganv2 (> 1: TGANv2 needs less memory / time)",
            "growth_meaning": "value at the largest resolution / value at the smallest, per model",
            "results": results, "growth": growth, "paper_reference": PAPER_REFERENCE,
            "measurements": measurements}


def run(resolutions, batch: int = 8, repeats: int = 3, networks=NETWORKS, config: dict | None = None,
        timeout: float | None = None, log=None) -> dict:
    """Every (resolution, network, model) in its own child process, then `summarize`. A child that fails or
    takes longer than `timeout` seconds is recorded with its error (its values are null)."""
    config = dict(config or {})
    measurements = []
    for r in resolutions:
        for network in networks:
            for model in MODELS:
                start = time.perf_counter()
                try:
                    m = run_child(model, network, r, batch, repeats, config, timeout)
                    note = f"{m['mib']} MiB, allocator {m.get('allocator_mib')} MiB, {m['s']} s/call"
                except (RuntimeError, subprocess.TimeoutExpired) as e:
                    m = {"model": model, "network": network, "resolution": r, "error": str(e)[-500:]}
                    note = f"failed: {str(e)[-200:]}"
                measurements.append(m)
                if log:
                    log(f"{r} {network} {model}: {note} ({time.perf_counter() - start:.0f} s)")
    per_resolution = {}
    for r in resolutions:
        configs = network_configs(r, **config)
        g = configs["tganv2"]["generator"]
        per_resolution[str(r)] = {"base_size": g["base_size"], "g_channels": g["channels"],
                                  "clstm_channels": g["clstm_channels"], "latent_dim": g["latent_dim"],
                                  "tganv2_levels": g["levels"], "dense_levels": 1,
                                  "d_channels_per_level": configs["tganv2"]["discriminator"]["channels"]}
    settings = {"resolutions": list(resolutions), "batch": batch, "repeats": repeats, "frames": FRAMES,
                "image_channels": 3, "networks": list(networks), "per_resolution": per_resolution,
                "dense": "TGANv2Generator(levels=1) (no subsampling: all frames of all clips at full resolution) "
                         "and TGANv2Discriminator(levels=1) on the full clips; same widths as tganv2",
                "g": "levels_forward + gradient of mean(clips^2) summed over levels w.r.t. G's weights",
                "d": "D on real and fake clips of the level shapes (real_levels) + gradient of the non-saturating "
                     "D loss w.r.t. D's weights, no gradient penalty",
                "step": "TGANv2Task.replica_step: non_saturating, levels_r1 0.5 (double backward), "
                        "Adam(1e-4, 0, 0.9) per network / level, EMA 0.999"}
    return summarize(measurements, settings)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolutions", default="32,64,128", help="comma-separated, each 4 x 2^n or 3 x 2^n")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3, help="timed calls after the memory call and a warm-up")
    parser.add_argument("--networks", default=",".join(NETWORKS), help="subset of g,d,step")
    parser.add_argument("--levels", type=int, default=0,
                        help="TGANv2 levels (0: 3 below 128, 4 from 128, at most one per up-block)")
    parser.add_argument("--max-width", type=int, default=64)
    parser.add_argument("--min-width", type=int, default=16)
    parser.add_argument("--d-channels", default="16,32,64,128")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per child (default: none)")
    parser.add_argument("--out", help="also write the JSON here")
    parser.add_argument("--child", nargs=3, metavar=("MODEL", "NETWORK", "RESOLUTION"), help=argparse.SUPPRESS)
    parser.add_argument("--config", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        model, network, resolution = args.child
        try:  # if memory runs out, the kernel kills this child first, not a training job beside it
            with open("/proc/self/oom_score_adj", "w") as f:
                f.write("1000")
        except OSError:
            pass
        print(json.dumps(measure(model, network, int(resolution), args.batch, args.repeats,
                                 **json.loads(args.config))), flush=True)
        return 0
    config = {"levels": args.levels or None, "max_width": args.max_width, "min_width": args.min_width,
              "d_channels": [int(c) for c in args.d_channels.split(",")]}
    result = run([int(r) for r in args.resolutions.split(",")], args.batch, args.repeats,
                 args.networks.split(","), config, args.timeout,
                 log=lambda s: print(s, file=sys.stderr, flush=True))
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
