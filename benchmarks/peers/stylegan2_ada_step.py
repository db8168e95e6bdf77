"""zoo's StyleGAN2 training step against NVlabs/stylegan2-ada-pytorch's training iteration, on this CPU.

Both sides train the configuration of zoo's `stylegan2_64_small` preset as release 1 of `stylegan2-emoji-64` trained
it, without DiffAugment (`recipes/pilots/stylegan2_emoji64_p0.py`, config F's full setup, with `diffaugment=""`): 64x64 RGB, z = w = 128, 2 mapping layers,
256 -> 16 maps from 4x4 to 64x64 (channel_base 1024, channel_max 256), skip G, residual D, minibatch std group 4,
batch 32, non-saturating logistic loss, style mixing 0.9, EMA (half-life 10 kimg, ramp-up 0.05), Adam lr 0.0025,
betas (0, 0.99). Two modes:
- "plain": D main + G main updates with style mixing and EMA, no regularization (the peer: phases Gboth / Dboth
  with r1_gamma = pl_weight = 0, its own way of training without lazy regularization);
- "lazy": plus lazy R1 (gamma 0.0256 every 16 steps) and path length (weight 2 every 4 steps, decay 0.01, batch
  shrink 2), Adam corrected by k / (k + 1); each repeat is whole 16-step cycles, so the mean is over a full cycle.

The zoo side is zoo's real compiled step (`benchmarks/step_runner.py`: `build_task` + the loop's `StepFunction`
and input pipeline, random uint8 images), with TF op determinism on as `zoo train` sets it for this recipe.
The peer side (in a subprocess of the torch virtualenv, so this process never imports torch) builds G / D from
`training.networks`, the loss `training.loss.StyleGAN2Loss`, and runs the phases as `training/training_loop.py`
does (Gmain, Greg, Dmain, Dreg with their intervals, one Adam per network with the lazy correction, gradients
through `misc.nan_to_num`, EMA of parameters + copy of buffers), fp32, no conv clamp, on the CPU: upfirdn2d and
bias_act take their reference (pure PyTorch) path because the tensors are not on CUDA, so no plugin is built;
conv2d_gradfix falls back to torch.nn.functional. Checked at run time. The peer's code is imported from the
checkout given by --peer-repo, never copied here.

Both run in the same invocation, alternating (zoo, torch, then torch, zoo, ...) over --repeats repeats after a
warmup; torch with torch.set_num_threads(--threads), TF with its default (one thread per core). Prints one JSON
line per mode (ratio = baseline s/step / zoo s/step: > 1 means zoo is faster) and appends it to
benchmarks/results/stylegan2_peer.jsonl (--no-record: print only). Parameter counts of both sides are printed
and asserted (G 1,406,600 trainable, D 2,273,297).

Setup (outside the repository; see benchmarks/peers/README.md):
    python3 -m venv ~/peers/venv-torch
    ~/peers/venv-torch/bin/pip install torch==2.13.0 numpy requests   # the CPU wheel; no torchvision
    git clone <a checkout of NVlabs/stylegan2-ada-pytorch> ~/peers/stylegan2-ada-pytorch

Run (from the repository root, zoo's venv):
    .venv/bin/python benchmarks/peers/stylegan2_ada_step.py \\
        --peer-repo ~/peers/stylegan2-ada-pytorch --torch-python ~/peers/venv-torch/bin/python
    .venv/bin/python benchmarks/peers/stylegan2_ada_step.py --modes plain --plain-steps 4 --repeats 2 --no-record
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RESULTS = os.path.join(ROOT, "benchmarks", "results", "stylegan2_peer.jsonl")
RECIPE = os.path.join(ROOT, "recipes", "pilots", "stylegan2_emoji64_p0.py")
BASELINE = "stylegan2-ada-pytorch (CPU, reference ops)"
EXPECTED_PARAMS = {"G": 1_406_600, "D": 2_273_297}
LAZY_CYCLE = 16  # steps after which every lazy phase pattern repeats (lcm of the intervals 4 and 16)

# What the configuration must be (the and the preset's numbers); `zoo_config` derives the same keys
# from zoo's recipe and preset and refuses to run if they drifted.
EXPECTED_CONFIG = {
    "resolution": 64, "image_channels": 3, "z_dim": 128, "w_dim": 128, "mapping_layers": 2,
    "channel_base": 1024, "channel_max": 256, "g_architecture": "skip", "d_architecture": "resnet",
    "mbstd_group_size": 4, "mbstd_num_channels": 1, "batch_size": 32, "loss": "non_saturating",
    "style_mixing": 0.9, "ema_kimg": 10.0, "ema_rampup": 0.05, "lr": 0.0025, "betas": [0.0, 0.99],
    "r1_gamma": 0.0256, "d_reg_interval": 16, "pl_weight": 2.0, "g_reg_interval": 4, "pl_decay": 0.01,
    "pl_batch_shrink": 2,
}


def expand(path: str) -> str:
    return os.path.abspath(os.path.expanduser(path))


# ---- the torch side (runs under the torch venv's python) --------------------------------------------------------

class PeerRunner:
    """stylegan2-ada-pytorch's training iteration for one mode: `run(steps)` -> seconds."""

    def __init__(self, repo: str, cfg: dict, mode: str, seed: int = 0):
        if repo not in sys.path:
            sys.path.insert(0, repo)
        import copy

        import numpy as np
        import torch
        from torch_utils import misc
        from torch_utils.ops import bias_act, conv2d_gradfix, upfirdn2d
        from training import networks
        from training.loss import StyleGAN2Loss

        self.torch, self.np, self.misc = torch, np, misc
        self.ops = (upfirdn2d, bias_act)
        conv2d_gradfix.enabled = True  # as training_loop.py sets it; off CUDA it falls back to F.conv2d
        device = torch.device("cpu")
        np.random.seed(seed)
        torch.manual_seed(seed)
        res, ch = cfg["resolution"], cfg["image_channels"]
        fp32 = dict(num_fp16_res=0, conv_clamp=None)  # zoo trains in fp32 without clamping
        G = networks.Generator(z_dim=cfg["z_dim"], c_dim=0, w_dim=cfg["w_dim"], img_resolution=res, img_channels=ch,
                               mapping_kwargs=dict(num_layers=cfg["mapping_layers"]),
                               synthesis_kwargs=dict(channel_base=cfg["channel_base"], channel_max=cfg["channel_max"],
                                                     architecture=cfg["g_architecture"], **fp32))
        D = networks.Discriminator(c_dim=0, img_resolution=res, img_channels=ch, architecture=cfg["d_architecture"],
                                   channel_base=cfg["channel_base"], channel_max=cfg["channel_max"], **fp32,
                                   epilogue_kwargs=dict(mbstd_group_size=cfg["mbstd_group_size"],
                                                        mbstd_num_channels=cfg["mbstd_num_channels"]))
        self.G = G.train().requires_grad_(False).to(device)
        self.D = D.train().requires_grad_(False).to(device)
        self.G_ema = copy.deepcopy(self.G).eval()
        lazy = mode == "lazy"
        self.loss = StyleGAN2Loss(device=device, G_mapping=self.G.mapping, G_synthesis=self.G.synthesis, D=self.D,
                                  augment_pipe=None, style_mixing_prob=cfg["style_mixing"],
                                  r1_gamma=cfg["r1_gamma"] if lazy else 0.0, pl_batch_shrink=cfg["pl_batch_shrink"],
                                  pl_decay=cfg["pl_decay"], pl_weight=cfg["pl_weight"] if lazy else 0.0)
        # The phases of training_loop.py: per network, "<net>both" without lazy regularization, else "<net>main"
        # (interval 1) and "<net>reg" (its interval) sharing one Adam with lr * r and betas ** r, r = k / (k + 1).
        self.phases = []
        for name, module, interval in (("G", self.G, cfg["g_reg_interval"] if lazy else None),
                                       ("D", self.D, cfg["d_reg_interval"] if lazy else None)):
            r = 1.0 if interval is None else interval / (interval + 1)
            opt = torch.optim.Adam(module.parameters(), lr=cfg["lr"] * r, betas=[b ** r for b in cfg["betas"]],
                                   eps=1e-8)
            if interval is None:
                self.phases.append((name + "both", module, opt, 1))
            else:
                self.phases += [(name + "main", module, opt, 1), (name + "reg", module, opt, interval)]
        self.batch, self.z_dim = cfg["batch_size"], cfg["z_dim"]
        self.ema_kimg, self.ema_rampup = cfg["ema_kimg"], cfg["ema_rampup"]
        gen = torch.Generator().manual_seed(seed)
        self.images = torch.randint(0, 256, (2048, ch, res, res), dtype=torch.uint8, generator=gen)
        self.cur_nimg = self.batch_idx = 0
        self.params = {"G": sum(p.numel() for p in self.G.parameters()),
                       "D": sum(p.numel() for p in self.D.parameters())}

    def reference_ops(self) -> dict:
        """Which implementation the custom ops ran: no compiled plugin may have been built or loaded."""
        upfirdn2d, bias_act = self.ops
        plugins = {"upfirdn2d": upfirdn2d._plugin is not None, "bias_act": bias_act._plugin is not None}
        return {"cuda_available": bool(self.torch.cuda.is_available()), "plugins_loaded": plugins,
                "reference": not any(plugins.values())}

    def step(self):
        torch, B = self.torch, self.batch
        # Data, as the loop fetches it: uint8 reals -> [-1, 1], a fresh z per phase, no labels (c_dim = 0).
        start = (self.batch_idx * B) % len(self.images)
        real = self.images[start:start + B].to(torch.float32) / 127.5 - 1
        real_c = torch.zeros([B, 0])
        all_gen_z = torch.randn([len(self.phases) * B, self.z_dim]).split(B)
        all_gen_c = torch.zeros([len(self.phases) * B, 0]).split(B)
        for (name, module, opt, interval), gen_z, gen_c in zip(self.phases, all_gen_z, all_gen_c):
            if self.batch_idx % interval != 0:
                continue
            opt.zero_grad(set_to_none=True)
            module.requires_grad_(True)
            self.loss.accumulate_gradients(phase=name, real_img=real, real_c=real_c, gen_z=gen_z, gen_c=gen_c,
                                           sync=True, gain=interval)  # one round: batch_gpu = batch
            module.requires_grad_(False)
            for param in module.parameters():
                if param.grad is not None:
                    self.misc.nan_to_num(param.grad, nan=0, posinf=1e5, neginf=-1e5, out=param.grad)
            opt.step()
        ema_nimg = self.ema_kimg * 1000
        if self.ema_rampup is not None:
            ema_nimg = min(ema_nimg, self.cur_nimg * self.ema_rampup)
        ema_beta = 0.5 ** (B / max(ema_nimg, 1e-8))
        for p_ema, p in zip(self.G_ema.parameters(), self.G.parameters()):
            p_ema.copy_(p.lerp(p_ema, ema_beta))
        for b_ema, b in zip(self.G_ema.buffers(), self.G.buffers()):
            b_ema.copy_(b)
        self.cur_nimg += B
        self.batch_idx += 1

    def run(self, steps: int) -> float:
        t0 = time.perf_counter()
        for _ in range(steps):
            self.step()
        return time.perf_counter() - t0


def torch_side(args):
    """Serve the parent over stdin / a private copy of stdout: one JSON command per line, one JSON reply."""
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything the peer prints goes to stderr, not into the protocol
    import warnings

    import torch

    warnings.simplefilter("once")
    torch.set_num_threads(args.threads)
    runners = {}
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["cmd"] == "setup":
            runner = runners[cmd["mode"]] = PeerRunner(expand(args.peer_repo), cmd["config"], cmd["mode"])
            reply = {"params": runner.params, "torch": torch.__version__, "threads": torch.get_num_threads(),
                     "peer_commit": peer_commit(args.peer_repo)}
        elif cmd["cmd"] == "run":
            runner = runners[cmd["mode"]]
            reply = {"seconds": runner.run(cmd["steps"]), "ops": runner.reference_ops()}
        else:
            break
        proto.write(json.dumps(reply) + "\n")
    proto.close()


def peer_commit(repo: str) -> str | None:
    try:
        return subprocess.run(["git", "-C", expand(repo), "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


class TorchSide:
    """The parent's handle on the torch subprocess."""

    def __init__(self, args):
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
        env.update(OMP_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads))
        self.proc = subprocess.Popen([expand(args.torch_python), os.path.abspath(__file__), "--side", "torch",
                                      "--peer-repo", expand(args.peer_repo), "--threads", str(args.threads)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)

    def ask(self, **cmd) -> dict:
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the torch side exited (code {self.proc.wait()}); its error is above")
        return json.loads(line)

    def close(self):
        try:
            self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
            self.proc.stdin.close()
        except (BrokenPipeError, ValueError):
            pass
        self.proc.wait(timeout=60)


# ---- the zoo side -----------------------------------------------------------------------------------------------

def zoo_recipes():
    """{"plain": recipe without regularizers, "lazy": with lazy R1 and path length} of release 1's recipe (pilot 0)
    without DiffAugment."""
    from zoo.training.recipe import load_recipe

    recipe = load_recipe(RECIPE).replace(diffaugment="")
    return {"plain": recipe.replace(objective=()), "lazy": recipe}


def zoo_config(recipe) -> dict:
    """The EXPECTED_CONFIG keys as zoo's recipe and preset give them."""
    from zoo.models import get_family

    spec = get_family(recipe.model.family).PRESETS[recipe.model.preset]
    g = {**spec["generator"], **recipe.model.generator_overrides}
    d = {**spec["discriminator"], **recipe.model.discriminator_overrides}
    terms = {t["kind"]: t for t in recipe.objective}
    r1, pl = terms["r1"], terms["path_length"]
    g_opt, d_opt = recipe.optimizer("generator"), recipe.optimizer("discriminator")
    if (g_opt.lr, g_opt.beta_1, g_opt.beta_2) != (d_opt.lr, d_opt.beta_1, d_opt.beta_2):
        raise SystemExit("the peer's loop takes one Adam setting for both networks; the recipe's differ")
    task = recipe.task
    return {
        "resolution": g["resolution"], "image_channels": g["image_channels"], "z_dim": g["latent_dim"],
        "w_dim": g["w_dim"], "mapping_layers": g["mapping_layers"], "channel_base": g["channel_base"],
        "channel_max": g["channel_max"], "g_architecture": g.get("architecture", "skip"),
        "d_architecture": d["architecture"], "mbstd_group_size": d["mbstd_group_size"],
        "mbstd_num_channels": d.get("mbstd_num_channels", 1), "batch_size": recipe.data.batch_size,
        "loss": task.loss, "style_mixing": task.style_mixing, "ema_kimg": task.ema_kimg,
        "ema_rampup": task.ema_rampup, "lr": g_opt.lr, "betas": [g_opt.beta_1, g_opt.beta_2],
        "r1_gamma": r1["gamma"], "d_reg_interval": r1["interval"], "pl_weight": pl["weight"],
        "g_reg_interval": pl["interval"], "pl_decay": pl["decay"], "pl_batch_shrink": pl["batch_shrink"],
    }


def zoo_params(recipe) -> dict:
    """Trainable parameters of the recipe's G and D (built like the task builds them)."""
    import numpy as np

    from zoo.models import build_from_preset

    g, d = build_from_preset(recipe.model.family, recipe.model.preset, generator=recipe.model.generator_overrides,
                             discriminator=recipe.model.discriminator_overrides)
    g.build_for_inputs()
    d.build_for_inputs(g.image_shape)
    count = lambda model: int(sum(np.prod(w.shape) for w in model.trainable_weights))  # noqa: E731
    return {"G": count(g), "D": count(d)}


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    for line in out.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def main_side(args):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    sys.path.insert(0, ROOT)
    import numpy as np
    import tensorflow as tf

    import step_runner

    recipes = zoo_recipes()
    config = zoo_config(recipes["lazy"])
    drift = {k: (config.get(k), v) for k, v in EXPECTED_CONFIG.items() if config.get(k) != v}
    if drift:
        raise SystemExit(f"zoo's recipe / preset no longer has the benchmark's configuration: {drift}")
    if recipes["lazy"].run.deterministic:  # as `zoo train` runs this recipe (zoo.training.loop.train)
        tf.config.experimental.enable_op_determinism()

    if os.getloadavg()[0] > 0.5:
        print(f"warning: 1-minute load average {os.getloadavg()[0]:.2f} before the run; other processes on the "
              f"cores slow torch's OpenMP threads far more than TF's (see benchmarks/peers/README.md)",
              file=sys.stderr, flush=True)
    peer = TorchSide(args)
    try:
        for mode in args.modes:
            recipe = recipes[mode]
            params = {"zoo": zoo_params(recipe)}
            info = peer.ask(cmd="setup", mode=mode, config=config)
            params["torch"] = info["params"]
            print(f"[{mode}] parameters: zoo G {params['zoo']['G']:,} D {params['zoo']['D']:,}; "
                  f"torch G {params['torch']['G']:,} D {params['torch']['D']:,}", file=sys.stderr, flush=True)
            for side in ("zoo", "torch"):
                if params[side] != EXPECTED_PARAMS:
                    raise SystemExit(f"{side}'s parameter counts {params[side]} differ from {EXPECTED_PARAMS}")

            run_zoo, _ = step_runner.make_runner(recipe)
            if mode == "lazy":
                warmup, steps = LAZY_CYCLE, LAZY_CYCLE * args.lazy_cycles  # compiles every phase pattern
            else:
                warmup, steps = args.warmup, args.plain_steps
            load = [round(os.getloadavg()[0], 2)]
            t0 = time.perf_counter()
            run_zoo(warmup)
            zoo_warmup = time.perf_counter() - t0
            ops = peer.ask(cmd="run", mode=mode, steps=warmup)["ops"]
            if not ops["reference"] or ops["cuda_available"]:
                raise SystemExit(f"the peer did not run its reference ops on the CPU: {ops}")
            times = {"zoo": [], "torch": []}
            for r in range(args.repeats):
                order = ("zoo", "torch") if r % 2 == 0 else ("torch", "zoo")
                for side in order:
                    if side == "zoo":
                        seconds = run_zoo(steps)
                    else:
                        seconds = peer.ask(cmd="run", mode=mode, steps=steps)["seconds"]
                    times[side].append(seconds / steps)
                print(f"[{mode}] repeat {r + 1}/{args.repeats}: zoo {times['zoo'][-1]:.3f} s/step, "
                      f"torch {times['torch'][-1]:.3f} s/step", file=sys.stderr, flush=True)
            load.append(round(os.getloadavg()[0], 2))
            value, baseline = float(np.median(times["zoo"])), float(np.median(times["torch"]))
            record = {
                "benchmark": "stylegan2_peer", "mode": mode, "baseline": BASELINE, "unit": "s/step",
                "baseline_value": round(baseline, 4), "value": round(value, 4), "ratio": round(baseline / value, 3),
                "repeats": args.repeats, "steps_per_repeat": steps, "warmup_steps": warmup,
                "baseline_values": [round(t, 4) for t in times["torch"]], "values": [round(t, 4) for t in times["zoo"]],
                "zoo_warmup_s": round(zoo_warmup, 1), "params": params, "config": config,
                "threads": {"torch": info["threads"], "tensorflow": "default"},
                "zoo_op_determinism": bool(recipes["lazy"].run.deterministic), "peer_ops": ops,
                "peer_commit": info["peer_commit"], "torch": info["torch"], "tensorflow": tf.__version__,
                "cpu": cpu_model(), "cores": os.cpu_count(), "loadavg_1m": load,
                "date": time.strftime("%Y-%m-%d"),
            }
            line = json.dumps(record)
            print(line, flush=True)
            if not args.no_record:
                with open(RESULTS, "a") as f:
                    f.write(line + "\n")
    finally:
        peer.close()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--peer-repo", default="~/peers/stylegan2-ada-pytorch",
                   help="checkout of NVlabs/stylegan2-ada-pytorch (imported from there)")
    p.add_argument("--torch-python", default="~/peers/venv-torch/bin/python",
                   help="python of the virtualenv with the CPU torch")
    p.add_argument("--modes", nargs="+", choices=("plain", "lazy"), default=["plain", "lazy"])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--plain-steps", type=int, default=10, help="timed steps per repeat in plain mode")
    p.add_argument("--lazy-cycles", type=int, default=1, help="16-step cycles per repeat in lazy mode")
    p.add_argument("--warmup", type=int, default=3, help="warmup steps in plain mode (lazy: one 16-step cycle)")
    p.add_argument("--threads", type=int, default=2, help="torch threads (TF keeps its default)")
    p.add_argument("--no-record", action="store_true", help=f"do not append to {os.path.relpath(RESULTS, ROOT)}")
    p.add_argument("--side", choices=("main", "torch"), default="main", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.side == "torch":
        torch_side(args)
    else:
        main_side(args)


if __name__ == "__main__":
    main()
