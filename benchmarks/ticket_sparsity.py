"""What a shipped lottery ticket prunes: zero fractions of its prunable kernels and of all its matrix / conv
weights, per network, and the weights that stay dense (the README's ticket paragraph quotes these lines).

Command:
    python benchmarks/ticket_sparsity.py [--name biggan-fmnist10pct-32.lth]
"""

from __future__ import annotations

import argparse
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def sparsity(name: str) -> list[dict]:
    import zoo
    from zoo.models.parts import PARTS
    from zoo.training.pruning import prunable_kernels

    lines = []
    for part in PARTS:
        model = zoo.load(name, part=part)
        prunable = {id(v) for v in prunable_kernels(model).values()}
        kernels = [v for v in model.weights if v.trainable and len(v.shape) >= 2]
        size = {id(v): int(v.numpy().size) for v in kernels}
        zeros = {id(v): int((v.numpy() == 0).sum()) for v in kernels}
        pruned_total = sum(size[i] for i in prunable)
        lines.append({
            "benchmark": "ticket_sparsity", "name": name, "part": part,
            "prunable_weights": pruned_total,
            "prunable_zero_fraction": round(sum(zeros[i] for i in prunable) / pruned_total, 4),
            "matrix_conv_weights": sum(size.values()),
            "matrix_conv_zero_fraction": round(sum(zeros.values()) / sum(size.values()), 4),
            "dense": {v.path.split("/", 1)[-1]: size[id(v)] for v in kernels if id(v) not in prunable},
        })
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="biggan-fmnist10pct-32.lth")
    args = parser.parse_args(argv)
    for line in sparsity(args.name):
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
