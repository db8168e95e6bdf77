"""Train zoo's video feature network zoo-mfmnist-c3d (`zoo.metrics.video_features`) and write its weights file.

Data: the 8,000 train clips of moving Fashion-MNIST (`zoo.data.mfmnist`, 16x64x64x1). Every epoch visits each
clip once in a `default_rng(seed)` order; each clip is shown real (order target 1) with probability 1/2, else with
its time broken by one of `CORRUPTIONS` chosen uniformly (order target 0). Loss: sigmoid cross-entropy of the 10
class-presence logits + sigmoid cross-entropy of the order logit. Adam, cosine-decayed learning rate, batch 32.
Deterministic: `keras.utils.set_random_seed`, TF op determinism, 1 CPU thread (same JSON numbers on a rerun).

Evaluation (printed as one JSON line): on the first `--eval-clips` train clips and on all 1,000 test clips,
- `class_exact`: fraction of real clips whose 10 presence bits are all right (logit > 0), `class_bit`: per bit;
- `order`: accuracy of the order head on the real clips (target 1) and on each corruption of them (target 0,
  drawn from `default_rng([seed, 1])`), and `order_balanced` = (real + mean of the corruptions) / 2.

Run (about 9 minutes on 1 CPU core): `nice -n 15 python benchmarks/train_video_features.py`; it writes
`zoo/metrics/data/zoo-mfmnist-c3d.weights.h5` (`--out` to write elsewhere) and prints its sha256, which must then be
recorded in `zoo.metrics.video_features.VIDEO_WEIGHTS_SHA256` (the loader refuses any other file).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402


def batch_order(num: int, batch_size: int, epochs: int, rng: np.random.Generator):
    """Index batches: `epochs` permutations of range(num), cut into `batch_size` (the last short batch dropped)."""
    for _ in range(epochs):
        order = rng.permutation(num)
        for start in range(0, num - batch_size + 1, batch_size):
            yield order[start:start + batch_size]


def make_batch(clips, presence, index, rng: np.random.Generator):
    """(clips float32, class targets, order targets (B, 1)) of `index`: each clip real or corrupted (p = 1/2)."""
    from zoo.metrics.video_features import CORRUPTIONS, temporal_corruption

    x = clips[index]
    real = rng.random(len(index)) < 0.5
    kinds = rng.choice(CORRUPTIONS, size=len(index))
    fake = np.flatnonzero(~real)
    if len(fake):
        x[fake] = temporal_corruption(x[fake], kinds[fake], rng)
    return x.astype(np.float32), presence[index], real.astype(np.float32)[:, None]


def evaluate(network, clips, presence, seed: int, batch_size: int = 100) -> dict:
    """The accuracies of the module docstring on `clips` (uint8) and their presence targets."""
    from zoo.metrics.video_features import CORRUPTIONS, temporal_corruption

    def predict(x):
        outs = [network(x[i:i + batch_size].astype(np.float32), training=False) for i in range(0, len(x), batch_size)]
        return (np.concatenate([o["classes"].numpy() for o in outs]),
                np.concatenate([o["order"].numpy()[:, 0] for o in outs]))

    classes, order = predict(clips)
    bits = (classes > 0) == (presence > 0.5)
    result = {"n": int(len(clips)), "class_exact": float(bits.all(axis=1).mean()), "class_bit": float(bits.mean()),
              "order": {"real": float((order > 0).mean())}}
    rng = np.random.default_rng([seed, 1])
    for kind in CORRUPTIONS:
        _, corrupted = predict(temporal_corruption(clips, [kind] * len(clips), rng))
        result["order"][kind] = float((corrupted <= 0).mean())
    fakes = np.mean([result["order"][k] for k in CORRUPTIONS])
    result["order_balanced"] = float((result["order"]["real"] + fakes) / 2)
    return result


def train(args) -> dict:
    import keras
    import tensorflow as tf

    from zoo.checksums import sha256_file
    from zoo.data.mfmnist import load_mfmnist_clips
    from zoo.metrics.video_features import VIDEO_FEATURE_NETWORK, class_presence, video_feature_network
    from zoo.provenance import git_commit, hardware

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(args.seed)
    start = time.perf_counter()

    train_data = load_mfmnist_clips("train", num=args.train_clips)
    test_data = load_mfmnist_clips("test")
    clips, presence = train_data["video"], class_presence(train_data["classes"])
    network = video_feature_network()
    steps = args.epochs * (len(clips) // args.batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(args.lr, steps, alpha=0.01)
    optimizer = keras.optimizers.Adam(schedule)
    bce = tf.nn.sigmoid_cross_entropy_with_logits

    @tf.function
    def step(x, y_classes, y_order):
        with tf.GradientTape() as tape:
            out = network(x, training=True)
            class_loss = tf.reduce_mean(bce(y_classes, out["classes"]))
            order_loss = tf.reduce_mean(bce(y_order, out["order"]))
            loss = class_loss + order_loss
        grads = tape.gradient(loss, network.trainable_variables)
        optimizer.apply_gradients(zip(grads, network.trainable_variables))
        return class_loss, order_loss

    rng = np.random.default_rng(args.seed)
    losses = []
    for i, index in enumerate(batch_order(len(clips), args.batch_size, args.epochs, rng)):
        losses.append([float(v) for v in step(*make_batch(clips, presence, index, rng))])
        if (i + 1) % args.log_every == 0:
            recent = np.mean(losses[-args.log_every:], axis=0)
            print(f"step {i + 1}/{steps} class_loss {recent[0]:.4f} order_loss {recent[1]:.4f} "
                  f"{time.perf_counter() - start:.0f}s", file=sys.stderr, flush=True)
    train_seconds = time.perf_counter() - start

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    network.save_weights(args.out)
    last = np.mean(losses[-args.log_every:], axis=0)
    return {"benchmark": "train_video_features", "network": VIDEO_FEATURE_NETWORK,
            "params": int(network.count_params()), "epochs": args.epochs, "batch_size": args.batch_size,
            "steps": steps, "lr": args.lr, "seed": args.seed, "threads": args.threads,
            "final_loss": {"classes": round(float(last[0]), 4), "order": round(float(last[1]), 4)},
            "train": evaluate(network, clips[:args.eval_clips], presence[:args.eval_clips], args.seed),
            "test": evaluate(network, test_data["video"], class_presence(test_data["classes"]), args.seed),
            "n_train_clips": int(len(clips)), "train_seconds": round(train_seconds, 1),
            "seconds": round(time.perf_counter() - start, 1), "hardware": hardware(),
            "git_commit": git_commit(), "weights": os.path.relpath(args.out), "bytes": os.path.getsize(args.out),
            "sha256": sha256_file(args.out)}


def main(argv=None) -> int:
    from zoo.metrics.video_features import default_weights_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="TF intra- and inter-op threads")
    parser.add_argument("--train-clips", type=int, default=None, help="first N train clips (default: all 8,000)")
    parser.add_argument("--eval-clips", type=int, default=1000, help="train clips evaluated for train accuracy")
    parser.add_argument("--log-every", type=int, default=50)
    parser.add_argument("--out", default=default_weights_path())
    print(json.dumps(train(parser.parse_args(argv))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
