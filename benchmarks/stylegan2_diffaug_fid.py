"""FID / KID of the StyleGAN2 emoji runs with and without DiffAugment, with the shipped model's protocol.

The data-efficiency claim of `stylegan2-emoji-64` (README, "StyleGAN2 on emoji 64x64"): the same recipe, budget
and seed with and without DiffAugment (`recipes/stylegan2_emoji64.py`, `recipes/stylegan2_emoji64_nodiffaug.py`),
each EMA generator measured as `zoo release` measures the shipped one (`zoo.cli.release.measure`): `--num`
fakes (seed 0) against all 3,926 emoji (`emoji/all`), floor = the test split (n=392) against 392 train images.
Prints one JSON line per work dir and the ratio FID(without) / FID(with) (> 1: DiffAugment helps).

    python benchmarks/stylegan2_diffaug_fid.py runs/stylegan2-emoji-64 runs/stylegan2-emoji-64.nodiffaug --num 3000
"""

from __future__ import annotations

import argparse
import json


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("with_diffaugment", help="work dir of recipes/stylegan2_emoji64.py")
    p.add_argument("without_diffaugment", help="work dir of recipes/stylegan2_emoji64_nodiffaug.py")
    p.add_argument("--num", type=int, default=3000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    from zoo.cli.release import measure
    from zoo.cli.support import resolve_generator

    fids = {}
    for label, workdir in (("no_diffaugment", args.without_diffaugment), ("diffaugment", args.with_diffaugment)):
        entries = measure(resolve_generator(workdir), num=args.num, reference="emoji/all", num_real="all",
                          train="emoji/train", floor_reference="emoji/test", floor_train="emoji/train",
                          seed=args.seed, progress=False)
        row = {"benchmark": "stylegan2_diffaug_fid", "run": label, "workdir": workdir,
               **{e["name"]: e["value"] for e in entries}, "entries": entries}
        fids[label] = row["fid"]
        print(json.dumps(row))
    print(json.dumps({"benchmark": "stylegan2_diffaug_fid", "baseline": "no_diffaugment",
                      "candidate": "diffaugment", "ratio": fids["no_diffaugment"] / fids["diffaugment"]}))


if __name__ == "__main__":
    main()
