"""`zoo list | info | sample | publish | release`: the model subcommands (`add_subcommands(subparsers)`)."""

from __future__ import annotations

import argparse
import os

from zoo.cli.arguments import non_negative_float, non_negative_int, positive_int


def add_subcommands(subparsers) -> None:
    """Register `list`, `info`, `sample`, `publish` and `release` on an argparse sub-parser collection."""
    p = subparsers.add_parser("list", help="list the pretrained generators: one line each with family, resolution, "
                                           "conditioning, parameters and the headline metric with its n and floor")
    p.set_defaults(func=run_list)

    p = subparsers.add_parser("info", help="a pretrained model's card in brief: family, preset, dataset, recipe, "
                                           "wall clock, every metric with n and floor, revision, sha256")
    p.add_argument("name", metavar="NAME", help="a name from `zoo list`")
    p.set_defaults(func=run_info)

    p = subparsers.add_parser("sample", help="write a grid of samples of a pretrained model or a work dir")
    p.add_argument("name_or_workdir", metavar="NAME_OR_WORKDIR",
                   help="a name from `zoo list`, or a training work dir / model folder")
    p.add_argument("--num", type=positive_int, default=64, help="number of samples (default 64)")
    p.add_argument("--seed", type=non_negative_int, default=0, help="seed of z (default 0)")
    p.add_argument("--labels", type=parse_labels, help="class ids or names for conditional models: one (3 or sneaker), or N as 3,3,... / "
                        "sneaker,bag,...")
    p.add_argument("--truncation", type=non_negative_float, help=TRUNCATION_HELP)
    p.add_argument("--no-standing-stats", dest="standing_stats", action="store_false",
                   help="with --truncation, normalise batch norm by the running statistics of training instead of "
                        "the standing statistics of the truncation (zoo.models.standing_stats)")
    p.add_argument("--out", help="output file (default grid.png; video generators: grid.gif, or .mp4)")
    p.set_defaults(func=run_sample)

    p = subparsers.add_parser("publish", help="upload weights_manifest/NAME to the Hugging Face Hub "
                                              "(needs network + a write token)")
    p.add_argument("name", metavar="NAME", help="a model folder of weights_manifest/")
    p.add_argument("--repo-id", required=True, help="ORG/NAME on the Hub (NAME must be the model name)")
    p.add_argument("--token", help="Hub token (default: HF_TOKEN or the `huggingface-cli login` one)")
    p.set_defaults(func=run_publish)

    p = subparsers.add_parser("release", help="measure a finished run (FID/KID, precision/recall/density/coverage "
                                              "+ floors; video: per-frame FID/KID, FID per frame position and ZVD "
                                              "+ floors) and write weights_manifest/<name>/ (manifest, card, "
                                              "samples, golden; $ZOO_WEIGHTS_DIR/<name>/ if set)")
    p.add_argument("workdir", metavar="WORKDIR", help="a finished `zoo train` work dir")
    p.add_argument("--recipe", required=True, help="the recipe file the run used")
    p.add_argument("--repo-id", required=True, help="ORG/NAME on the Hub it will be published to")
    p.add_argument("--license", default="apache-2.0")
    p.add_argument("--num", type=positive_int, help="generated images for FID/KID (default 10000); video: generated clips, "
                                          "and real clips of each set (default 250)")
    p.add_argument("--reference", help="real reference split (default fmnist/test; video: the run's dataset's "
                                       "test split, mfmnist/test; emojione: rest_b with --train emojione/rest_a "
                                       "--num 847)")
    p.add_argument("--num-real", type=parse_num_real, metavar="N|all",
                   help="real reference images: the first N, or all of the split (default: --num)")
    p.add_argument("--train",
                   help="real split of the floor: as many of its images as the figure's real ones (default "
                        "fmnist/train; video: the run's dataset's train split, mfmnist/train)")
    p.add_argument("--frame-step", type=positive_int, metavar="K",
                   help="video: per-frame FID/KID on frames 0, K, 2K, ... of every clip (default 5: frames 0, 5, "
                        "10, 15 of 16)")
    p.add_argument("--floor-reference", metavar="DATASET/SPLIT",
                   help="few-shot floor: the metric between this whole split and as many --floor-train images, "
                        "one floor for every figure (e.g. emoji/test; default: the floor at each figure's n)")
    p.add_argument("--floor-train", metavar="DATASET/SPLIT",
                   help="the other side of --floor-reference (default --train)")
    p.add_argument("--seed", type=non_negative_int, default=0)
    p.add_argument("--batch-size", type=positive_int, help="feature-network batch size")
    p.add_argument("--overwrite", action="store_true", help="replace an existing weights_manifest/<name>/")
    p.add_argument("--git-commit", help="commit the run was trained at (default: from train_state.json, else HEAD)")
    p.add_argument("--train-command", help="the command(s) that trained the run, for the model card (default: the "
                                           "one `zoo train` recorded in train_state.json, else `zoo train RECIPE`)")
    p.add_argument("--truncation-curve", type=parse_floats, default=(),
                   help="also FID, precision and recall at these truncation values, e.g. 0.25,0.5,0.75,1.0 "
                        "(thresholds T of the truncated-normal z, batch norm with the standing statistics of T; "
                        "or psi for StyleGAN2), plotted in the card (truncation_curve.png; needs matplotlib)")
    p.add_argument("--curve-num", type=positive_int, help="samples per truncation point (default --num)")
    p.set_defaults(func=run_release)


TRUNCATION_HELP = ("the model's truncation (its model card says which): z-space families draw z from a normal "
                   "truncated at +-T (e.g. 0.5); StyleGAN2 takes psi in w-space (e.g. 0.7; 1 = none)")


def parse_num_real(text: str):
    """'all' -> 'all'; '3926' -> 3926."""
    if text.strip().lower() == "all":
        return "all"
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of images or 'all', got {text!r}") from None
    if value < 2:
        raise argparse.ArgumentTypeError(f"expected at least 2 real images, got {value}")
    return value


def parse_floats(text: str) -> tuple:
    """'0.25,0.5' -> (0.25, 0.5)."""
    try:
        values = tuple(float(t) for t in text.split(",") if t.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, got {text!r}") from None
    if not values or min(values) <= 0:
        raise argparse.ArgumentTypeError(f"expected positive thresholds, got {text!r}")
    return values


def parse_labels(text: str):
    """'3' -> 3 (one id for every sample); '3,3,1' -> [3, 3, 1]; class names stay strings ('sneaker,bag' ->
    ['sneaker', 'bag']) and are mapped to ids with the model's dataset (`zoo.data.label_ids`)."""
    tokens = [t.strip() for t in text.split(",") if t.strip()]
    if not tokens:
        raise argparse.ArgumentTypeError(f"expected at least one class id or name, got {text!r}")
    ids = [int(t) if t.lstrip("-").isdigit() else t for t in tokens]
    return ids[0] if len(ids) == 1 else ids


def run_list(args) -> None:
    import sys

    from zoo.hub.registry import registry, weights_dir
    from zoo.hub.summary import format_table, list_row

    entries = registry()
    if not entries:
        print(f"no pretrained models in {weights_dir()}", file=sys.stderr)
        return
    print("\n".join(format_table([list_row(entry.manifest) for entry in entries.values()])))


def run_info(args) -> None:
    from zoo.cli.support import registry_entry
    from zoo.hub.summary import generator_config, info_lines, preset_text, recorded_preset

    manifest = registry_entry(args.name).manifest
    presets = None
    if recorded_preset(manifest) is None:  # an older release: match its config against the family's presets
        from zoo.models import get_family

        try:
            presets = get_family(generator_config(manifest)[0]).PRESETS
        except KeyError:  # a family this zoo version does not know
            presets = None
    print("\n".join(info_lines(manifest, preset_text(manifest, presets))))


def run_sample(args) -> None:
    from zoo.cli.support import resolve_generator
    from zoo.images import save_image_grid, save_video_grid
    from zoo.models.standing_stats import BATCH_SIZE, NUM_DRAWS, standing_statistics

    generator = resolve_generator(args.name_or_workdir)
    labels = args.labels
    if labels is not None and any(isinstance(t, str) for t in (labels if isinstance(labels, list) else [labels])):
        from zoo.cli.support import dataset_of
        from zoo.data import label_ids

        ids = label_ids(labels if isinstance(labels, list) else [labels], dataset_of(args.name_or_workdir))
        labels = ids if isinstance(args.labels, list) else ids[0]
    args.labels = labels
    video = getattr(generator, "output_kind", "image") == "video"
    out = args.out or ("grid.gif" if video else "grid.png")
    check_sample_arguments(generator, args.num, args.labels, args.truncation, out)
    truncation = "" if args.truncation is None else f", truncation {args.truncation:g}"
    print(f"sampling {args.num} {'clips' if video else 'images'} from {args.name_or_workdir} (seed {args.seed}"
          f"{truncation})", flush=True)
    standing = getattr(args, "standing_stats", True)
    if standing and args.truncation is not None and standing_statistics(generator):
        print(f"batch-norm standing statistics for truncation {args.truncation:g} ({NUM_DRAWS} passes of "
              f"{BATCH_SIZE} samples; --no-standing-stats: the running statistics)", flush=True)
    images = generator.sample(args.num, seed=args.seed, labels=args.labels, truncation=args.truncation,
                              standing_stats=standing)
    path = save_video_grid(images, out) if images.ndim == 5 else save_image_grid(images, out)
    print(f"wrote {os.path.abspath(path)}")


def check_sample_arguments(generator, num: int, labels, truncation, out: str) -> None:
    """The checks `generator.sample(num, labels=labels, truncation=truncation)` and the grid writer would make,
    made before `zoo sample` prints its progress line: labels fit the model (none for an unconditional one, ids
    in range), the truncation is one the family takes (TGANv2: none; z-space: T > 0; psi in w-space), and
    `out` is a video file for a video generator. A ValueError (usage error) names what was wrong."""
    from zoo.images import VIDEO_SUFFIXES
    from zoo.models.latents import check_labels

    check_labels(labels, int(num), int(generator.num_classes))
    if truncation is not None:
        generator.latents(1, seed=0, truncation=truncation)  # refuses a truncation the family has not
    if getattr(generator, "output_kind", "image") == "video" and not out.lower().endswith(VIDEO_SUFFIXES):
        raise ValueError(f"this generator makes videos (NTHWC): --out must end in "
                         f"{' or '.join(VIDEO_SUFFIXES)}, got {out!r}")


def run_publish(args) -> None:
    from zoo.cli.support import registry_entry
    from zoo.hub.publish import publish

    registry_entry(args.name)  # an unknown name: a usage error
    revision = publish(args.name, args.repo_id, token=args.token)
    print(f"uploaded {args.name} to https://huggingface.co/{args.repo_id} at revision {revision}; "
          f"hub.revision is pinned in its manifest.json: commit it")


def run_release(args) -> None:
    import json

    from zoo.cli.support import command_line
    from zoo.cli.release import release

    command = command_line()
    manifest = release(args.workdir, recipe_path=args.recipe, repo_id=args.repo_id, license=args.license,
                       num=args.num, reference=args.reference, train=args.train, seed=args.seed,
                       batch_size=args.batch_size, overwrite=args.overwrite, command=command,
                       git_commit=args.git_commit, truncations=args.truncation_curve,
                       curve_num=args.curve_num, train_command=args.train_command, num_real=args.num_real,
                       floor_reference=args.floor_reference, floor_train=args.floor_train,
                       frame_step=args.frame_step)
    print(json.dumps({"name": manifest["name"], "metrics": manifest["metrics"]}, indent=2))
