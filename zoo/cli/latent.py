"""`zoo project | interpolate`: image projection and latent walks of a pretrained model or a work dir
(`add_subcommands(subparsers)`); the work is done by `zoo.projection` and `zoo.interpolation`."""

from __future__ import annotations

import json
import os

from zoo.cli.arguments import non_negative_float, non_negative_int, positive_int
from zoo.cli.hub import TRUNCATION_HELP, parse_labels

WALK_SUFFIXES = (".gif", ".mp4")


def add_subcommands(subparsers) -> None:
    """Register `project` and `interpolate` on an argparse sub-parser collection."""
    p = subparsers.add_parser("project", help="find the latent whose image is closest to an image (pixel L2 + "
                                              "FID-Inception perceptual distance); writes latent, PNG and GIF")
    p.add_argument("name_or_workdir", metavar="NAME_OR_WORKDIR",
                   help="a name from `zoo list`, or a training work dir / model folder (image generators)")
    p.add_argument("images", metavar="IMAGE", nargs="+",
                   help="image files (centre-cropped to a square and resized to the model's resolution)")
    p.add_argument("--steps", type=positive_int, default=300, help="optimisation steps (default 300)")
    p.add_argument("--labels", type=parse_labels,
                   help="class-conditional models: one class id or name for every image, or one per image; "
                        "default: searched (every class tried briefly, the best kept)")
    p.add_argument("--space", choices=("z", "w", "w+"),
                   help="latent space: z (SNGAN, SAGAN, BigGAN, two-stage), w (StyleGAN2 default) or w+")
    p.add_argument("--perceptual-weight", type=non_negative_float, default=1.0,
                   help="weight of the FID-Inception feature distance (default 1; 0: pixel L2 only, fast)")
    p.add_argument("--seed", type=non_negative_int, default=0,
                   help="seed of the starting points and noise (default 0)")
    p.add_argument("--out", default="projection", help="output directory (default ./projection)")
    p.set_defaults(func=run_project)

    p = subparsers.add_parser("interpolate", help="write a grid video of latent walks (slerp in z, lerp in w, "
                                                  "class-embedding interpolation between two classes)")
    p.add_argument("name_or_workdir", metavar="NAME_OR_WORKDIR",
                   help="a name from `zoo list`, or a training work dir / model folder (image generators)")
    p.add_argument("--num", type=positive_int, default=8, help="walks side by side (default 8)")
    p.add_argument("--frames", type=int, default=32, help="frames per walk, both ends included (default 32)")
    p.add_argument("--seed", type=non_negative_int, default=0,
                   help="walk i goes from sample i of seed S to sample i of seed S+1 (default 0)")
    p.add_argument("--labels", type=parse_labels,
                   help="class-conditional models: one class (3 or sneaker), or two (3,7 / sneaker,bag): the "
                        "class embedding moves from the first to the second")
    p.add_argument("--truncation", type=non_negative_float, help=TRUNCATION_HELP)
    p.add_argument("--fps", type=non_negative_float, default=16, help="frames per second (default 16)")
    p.add_argument("--out", default="walk.gif", help="output video, .gif or .mp4 (default walk.gif)")
    p.set_defaults(func=run_interpolate)


def label_ids_of(labels, name_or_workdir: str):
    """Class names mapped to ids with the model's dataset; ids unchanged; None stays None."""
    if labels is None:
        return None
    items = labels if isinstance(labels, list) else [labels]
    if any(isinstance(t, str) for t in items):
        from zoo.cli.support import dataset_of
        from zoo.data import label_ids

        items = label_ids(items, dataset_of(name_or_workdir))
    return list(items) if isinstance(labels, list) else items[0]


def read_target(path: str, image_shape) -> "np.ndarray":  # noqa: F821
    """uint8 HWC image of `image_shape` (H, W, C) from an image file: centre-cropped to a square, resized
    (Lanczos), converted to grayscale or RGB (transparency composited on white)."""
    import numpy as np
    from PIL import Image

    h, w, c = image_shape
    with Image.open(path) as image:
        image.load()
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            canvas = Image.new("RGBA", image.size, (255, 255, 255, 255))
            image = Image.alpha_composite(canvas, image)
        image = image.convert("L" if c == 1 else "RGB")
        side = min(image.size)
        left, top = (image.width - side) // 2, (image.height - side) // 2
        image = image.crop((left, top, left + side, top + side)).resize((w, h), Image.LANCZOS)
    array = np.asarray(image, np.uint8)
    return array[..., None] if c == 1 else array


def run_project(args) -> None:
    import numpy as np

    from zoo.cli.support import resolve_generator
    from zoo.images import encode_gif, make_grid, save_image_grid

    for path in args.images:
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{path}: no such image file")
    labels = label_ids_of(args.labels, args.name_or_workdir)
    generator = resolve_generator(args.name_or_workdir)
    if getattr(generator, "output_kind", "image") != "image":
        raise ValueError(f"{args.name_or_workdir} makes videos: projection is for image generators")
    from zoo.projection import project

    targets = np.stack([read_target(p, generator.image_shape) for p in args.images])
    if isinstance(labels, list) and len(labels) != len(targets):
        raise ValueError(f"--labels gives {len(labels)} classes for {len(targets)} images; expected one, or one "
                         f"per image")
    print(f"projecting {len(targets)} image(s) into {args.name_or_workdir} ({args.steps} steps)", flush=True)

    def progress(stage, step, steps, loss):
        if step == steps or step % max(1, steps // 10) == 0:
            print(f"  {stage} step {step}/{steps}: distance {loss:.4f}", flush=True)

    result = project(generator, targets, steps=args.steps, labels=labels, space=args.space,
                     perceptual_weight=args.perceptual_weight, seed=args.seed, progress=progress)
    os.makedirs(args.out, exist_ok=True)
    summary = []
    for i, path in enumerate(args.images):
        stem = os.path.join(args.out, os.path.splitext(os.path.basename(path))[0])
        np.save(f"{stem}.{result.space.replace('+', 'plus')}.npy", result.latents[i])
        save_image_grid(np.stack([targets[i], result.images[i]]), f"{stem}.projected.png", ncols=2)
        pairs = [make_grid(np.stack([targets[i], frame[i]]), ncols=2) for frame in result.frames]
        with open(f"{stem}.projection.gif", "wb") as f:
            f.write(encode_gif(pairs, fps=10))
        summary.append({"image": path, "space": result.space, "psnr_db": round(float(result.psnr[i]), 2),
                        "label": None if result.labels is None else int(result.labels[i]),
                        "latent": f"{stem}.{result.space.replace('+', 'plus')}.npy",
                        "reconstruction": f"{stem}.projected.png", "optimisation": f"{stem}.projection.gif"})
    with open(os.path.join(args.out, "projection.json"), "w") as f:
        json.dump({"model": args.name_or_workdir, "steps": args.steps, "results": summary}, f, indent=2)
    for item in summary:
        print(json.dumps(item))
    print(f"wrote {os.path.abspath(args.out)}")


def run_interpolate(args) -> None:
    if not args.out.lower().endswith(WALK_SUFFIXES):
        raise ValueError(f"--out must end in {' or '.join(WALK_SUFFIXES)}, got {args.out!r}")
    if args.frames < 2:
        raise ValueError(f"--frames must be >= 2 (a walk's two ends), got {args.frames}")
    if not args.fps > 0:
        raise ValueError(f"--fps must be > 0, got {args.fps:g}")
    from zoo.cli.support import resolve_generator

    labels = label_ids_of(args.labels, args.name_or_workdir)
    generator = resolve_generator(args.name_or_workdir)
    from zoo.interpolation import interpolate, save_walk

    print(f"walking {args.num} x {args.frames} frames in {args.name_or_workdir} (seeds {args.seed} -> "
          f"{args.seed + 1})", flush=True)
    walks = interpolate(generator, num=args.num, frames=args.frames, seed=args.seed, labels=labels,
                        truncation=args.truncation)
    print(f"wrote {os.path.abspath(save_walk(walks, args.out, fps=args.fps))}")
