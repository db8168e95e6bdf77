"""`zoo release`: measure a finished training run and turn it into `weights_manifest/<name>/`.

One command produces every number of a published model: FID and KID of `num` EMA-generator samples
(seed `seed`) against real reference images, improved precision and recall (k = 3) and density and coverage
(k = 5) on the same features (`zoo.metrics.prdc`; they show mode collapse, which FID folds into one number), each
with its real-data floor, the optional truncation curve (FID, precision and recall at each truncation, and its
plot), the golden slice, the sample grid (plus the
per-class grid and the style-mixing grids for the generators that have them) and the model card. The fake
features are extracted once and used for every metric.

The real set and the floor, two protocols (every manifest metric states `num_fake`, `num_real`, and its floor's
n and images in `floor_num` / `floor_reference`):

- default, e.g. Fashion-MNIST: the first `num` images of the reference split (`num_real` changes that n, 'all'
  takes the whole split); the floor is the metric between those reference images and as many `train` images
  (the first n of `RandomState(seed).permutation`), i.e. a perfect generator's score at the same n. EmojiOne's
  two fixed disjoint halves (`zoo.data.emojione`) use it: `--reference emojione/rest_b --train emojione/rest_a
  --num 847` measures 847 fakes against half B, and half A against half B as the floor, every figure at n = 847.
- few-shot, e.g. emoji (`floor_reference` given): FID / KID against the whole data set (`--reference emoji/all
  --num-real all`: 3,926 images), as few-shot papers report; the floor is the metric between the whole
  `floor_reference` split and as many `floor_train` images (`emoji/test` (392) vs 392 `emoji/train` images):
  one floor at n = the size of the floor reference, the same for every figure. The first emoji releases used
  it; as that floor is at another n than the figures (FID's bias falls roughly as 1/n), prefer two halves with
  the default protocol.

A video generator (`output_kind` "video", e.g. TGANv2 on moving Fashion-MNIST) gets the video metrics of
`zoo.metrics.video_distance` instead (`measure_video`), from `num` clips (default 250) against the first `num`
clips of the reference split (default: the run's dataset's test split, `mfmnist/test`):
- per-frame FID and KID: frames 0, k, 2k, ... (`frame_step` k, default 5: frames 0, 5, 10, 15 of a 16-frame
  clip, i.e. 1,000 frames per set at 250 clips, from the first frame to the last) through the FID Inception network;
- `frame_fid`, one entry per frame position (its `frame`: 0, k, 2k, ...): the FID of that frame of every clip
  (n = `num`), from the same features, so that temporal decay shows (the last frame's FID against the first's);
- ZVD (zoo's video Frechet distance on zoo-mfmnist-c3d features; not FVD) and its KID, on whole clips;
each with its floor at the same n: `num` clips of the train split (the first `num` of `RandomState(seed).permutation`)
against the same reference clips (`zoo.metrics.video_distance.video_real_floors`), their frames at the same
`frame_step`. Every set of features is extracted once. No truncation curve (TGANv2 has no truncation), no
per-class or style-mixing grid; the card shows the animated `samples.gif`.

Defaults (`defaults`): images 10,000 samples against fmnist/test, floor fmnist/train; videos 250 clips,
frame step 5, against `<dataset>/test`, floor `<dataset>/train`. Time (2 CPU cores, another run training
beside it): per-frame FID costs ~8 Inception images/s, so the video defaults (3 x 1,000 frames) take ~7 minutes
of Inception plus sampling, the ZVD network (~100 clips/s) and two 2048-d matrix square roots; `frame_fid` adds
two FIDs per frame position by eigendecompositions (~15 s each at d = 2048). PRDC at n = 10,000 costs ~50 s of
float64 matrix products per pair of sets (fakes, floor): small beside the 20 minutes of Inception features.
"""

from __future__ import annotations

import json
import os
import time

import numpy as np

ALL = "all"  # num_real: the whole reference split
IMAGE_DEFAULTS = {"num": 10000, "reference": "fmnist/test", "train": "fmnist/train"}
VIDEO_NUM, VIDEO_FRAME_STEP = 250, 5  # 250 clips x frames 0, 5, 10, 15 = 1,000 Inception images per set
CURVE_PRDC = ("precision", "recall")  # beside FID at each point of the truncation curve
FRAME_FID_NOTE = ("FID of one frame position (the entry's `frame`) of every clip against the same "
                  "position of the reference clips, n = the clips (zoo.metrics.video_distance.fid_by_frame; trace "
                  "term by eigh); later frames above the first show temporal decay")


def standing_note() -> str:
    """The `notes` of a truncation-curve entry of a generator with batch norm."""
    from zoo.models.standing_stats import BATCH_SIZE, NUM_DRAWS

    return (f"sampled with the batch-norm standing statistics of its truncation ({NUM_DRAWS} passes of {BATCH_SIZE} "
            f"truncated samples; zoo.models.standing_stats), not the running statistics of training")


def defaults(output_kind: str, dataset: str) -> dict:
    """{'num', 'reference', 'train'[, 'frame_step']} of `release` for a generator of `output_kind` trained on
    `dataset`: images 10,000 samples against fmnist/test (the shipped models' protocol), videos 250 clips
    against the dataset's own test split, frames every `VIDEO_FRAME_STEP`."""
    if output_kind == "video":
        return {"num": VIDEO_NUM, "reference": f"{dataset}/test", "train": f"{dataset}/train",
                "frame_step": VIDEO_FRAME_STEP}
    return dict(IMAGE_DEFAULTS)


def check_num_real(num_real):
    """None, 'all' or an int >= 2 (ValueError otherwise)."""
    if num_real is None or num_real == ALL:
        return num_real
    if isinstance(num_real, bool) or not isinstance(num_real, (int, np.integer)) or num_real < 2:
        raise ValueError(f"num_real must be an integer >= 2 or {ALL!r} (the whole reference split), got {num_real!r}")
    return int(num_real)


def measure(generator, *, num: int, reference: str, train: str, seed: int = 0, batch_size: int | None = None,
            progress: bool = True, command: str | None = None, truncations=(), curve_num: int | None = None,
            num_real: int | str | None = None, floor_reference: str | None = None,
            floor_train: str | None = None) -> list[dict]:
    """[FID, KID, precision, recall, density, coverage] entries in manifest form (each with its floor; the four of
    `zoo.metrics.prdc` with their `k`), from one pass of the feature network; then, for each value in
    `truncations`, FID, precision and recall entries (each with its floor) of `curve_num` (default `num`) samples of
    `generator.sample(..., truncation=t)` (the truncation curve: z truncated at +-t for z-space families, psi in
    w-space for StyleGAN2; see `zoo.models.base.GANGenerator.truncates_in_call`), sampled with the batch-norm
    standing statistics of t for generators with batch norm (`zoo.models.standing_stats`; the entries' `notes`
    say so); `zoo.hub.truncation_plot` draws them for the model card. Every set needs at least 6 images
    (k + 1 for the k = 5 of density and coverage): ValueError before sampling otherwise.

    Args:
        num: generated images of the FID / KID / PRDC entries.
        reference: the real images, '<dataset>/<split>'.
        train: the real images of the default floor (the training split).
        num_real: real `reference` images: the first `num_real`, or 'all' (the whole split); default: as many
            as generated (`num`, `curve_num` for the curve).
        floor_reference, floor_train: the few-shot floor (see the module docstring): the metric between the whole
            `floor_reference` split and as many `floor_train` (default `train`) images. Default (None): the
            floor pairs each figure's reference images with as many `train` images.
        seed: sampling seed (z, labels), train-image permutation and KID subsets.
    """
    from zoo.hub.publish import metric_entry
    from zoo.metrics.evaluate import make_extractor, metric_result, metric_value, sample_labels
    from zoo.metrics.features import extract_features
    from zoo.metrics.prdc import DENSITY_COVERAGE_K, PRECISION_RECALL_K
    from zoo.metrics.prdc import K_OF as PRDC_K_OF
    from zoo.metrics.prdc import NAMES as PRDC_NAMES
    from zoo.metrics.reference_stats import reference_statistics
    from zoo.metrics.resize import DEFAULT_RESIZE
    from zoo.models.standing_stats import BATCH_SIZE, NUM_DRAWS, standing_statistics

    num_real = check_num_real(num_real)
    prdc_min = max(PRECISION_RECALL_K, DENSITY_COVERAGE_K) + 1  # k + 1 points for a k-th nearest neighbour
    if truncations and int(curve_num or num) < prdc_min:
        raise ValueError(f"curve_num {int(curve_num or num)}: each truncation-curve point measures precision and "
                         f"recall too, which need at least {prdc_min} samples (k + 1 for k = {DENSITY_COVERAGE_K})")
    if floor_train and not floor_reference:
        raise ValueError(f"floor_train ({floor_train}) is the other side of floor_reference, which is not given; "
                         f"without floor_reference the floor uses train ({train})")
    start = time.perf_counter()
    extractor = make_extractor(batch_size, DEFAULT_RESIZE)
    stats = {}  # (split, n or None, permutation seed) -> statistics, each computed once

    def statistics(split, n=None, permutation_seed=None):
        key = (split, n, permutation_seed)
        if key not in stats:
            stats[key] = reference_statistics(split, n, extractor=extractor, permutation_seed=permutation_seed,
                                              progress=progress)
        return stats[key]

    def real_set(n_fake):
        try:
            return statistics(reference, None if num_real == ALL else (num_real or int(n_fake)))
        except ValueError as e:
            if num_real is not None:
                raise
            raise ValueError(f"{reference}: {e}; the real images are as many as the generated ones unless "
                             f"num_real (--num-real N|all) says otherwise") from e

    def floor_of(real):
        """(real statistics, train statistics, description) of the floor of a figure against `real`."""
        if floor_reference:
            floor_real = statistics(floor_reference)
            other = floor_train or train
        else:
            floor_real, other = real, train
        n = int(floor_real["num"])
        floor_fake = statistics(other, n, seed)
        where = floor_reference or reference
        return floor_real, floor_fake, f"{other} (n={n}, permutation seed {seed}) vs {where} (n={n})"

    floors = {}

    def floor_values(metric, real):
        """(metric_value of the floor of a figure against `real`, the floor's n, its description), once each."""
        floor_real, floor_fake, description = floor_of(real)
        if (metric, description) not in floors:
            floors[metric, description] = metric_value(metric, floor_real, floor_fake["features"], seed)
        return floors[metric, description], int(floor_fake["num"]), description

    def finish(out, floor_num, description):
        out["floor_num"] = floor_num
        out["floor_reference"] = description
        if command:
            out["command"] = command
        return out

    def entry(metric, features, real, start, truncation=None):
        values = metric_value(metric, real, features, seed)
        result = metric_result(metric, values, len(features), real["num"], reference, extractor, seed, start,
                               truncation=truncation)
        floor, floor_num, description = floor_values(metric, real)
        return finish(metric_entry(result, weights="ema", floor=floor["value"]), floor_num, description)

    def prdc_entries(features, real, start, names=PRDC_NAMES, truncation=None):
        """precision, recall, density, coverage (or `names`): one entry each, with its k and its real-vs-real
        floor."""
        values = metric_value("prdc", real, features)
        floor, floor_num, description = floor_values("prdc", real)
        out = []
        for name in names:
            result = metric_result(name, {"value": values[name]}, len(features), real["num"], reference, extractor,
                                   seed, start, truncation=truncation)
            item = metric_entry(result, weights="ema", floor=floor[name])
            item["k"] = int(values[PRDC_K_OF[name]])
            out.append(finish(item, floor_num, description))
        return out

    real = real_set(num)  # the real sets first: a wrong n fails before minutes of sampling
    _, floor_fake, _ = floor_of(real)
    smallest = min(int(num), int(real["num"]), int(floor_fake["num"]))
    if smallest < prdc_min:
        raise ValueError(f"{smallest} images in a set (generated {num}, real {real['num']}, floor "
                         f"{floor_fake['num']}): precision / recall / density / coverage need at least {prdc_min} "
                         f"per set (k + 1 for k = {PRECISION_RECALL_K} and {DENSITY_COVERAGE_K})")
    labels = sample_labels(num, generator.num_classes, seed)
    fake = np.asarray(generator.sample(int(num), seed=seed, labels=labels))
    fake_features = extract_features(fake, extractor, progress=progress, desc="features generated")
    entries = [entry(metric, fake_features, real, start) for metric in ("fid", "kid")]
    entries += prdc_entries(fake_features, real, start)
    if not truncations:
        return entries
    curve_num = int(curve_num or num)
    real = real_set(curve_num)
    floor_of(real)
    labels = sample_labels(curve_num, generator.num_classes, seed)
    standing = standing_statistics(generator)
    for t in truncations:
        start = time.perf_counter()
        if standing and progress:
            print(f"batch-norm standing statistics for truncation {t:g} ({NUM_DRAWS} passes of {BATCH_SIZE} "
                  f"samples)", flush=True)
        fake = np.asarray(generator.sample(curve_num, seed=seed, labels=labels, truncation=float(t)))
        features = extract_features(fake, extractor, progress=progress, desc=f"features truncation {t:g}")
        point = [entry("fid", features, real, start, truncation=float(t))]
        point += prdc_entries(features, real, start, names=CURVE_PRDC, truncation=float(t))
        for item in point if standing else []:
            item["notes"] = standing_note()
        entries += point
    return entries


def measure_video(generator, *, num: int, reference: str, train: str, seed: int = 0,
                  frame_step: int = VIDEO_FRAME_STEP, batch_size: int | None = None, progress: bool = True,
                  command: str | None = None, frame_extractor=None, video_extractor=None) -> list[dict]:
    """[per_frame_fid, per_frame_kid, frame_fid of each frame position, zvd, zvd_kid] entries in manifest form,
    each with its floor at the same n, for a video generator (uint8 NTHWC samples); see the module docstring.
    The values are those of `zoo.metrics.video_distance.video_metrics(fake, reference_clips(num),
    frame_step=...)` (and `fid_by_frame` of its frame features) and its floors those of `video_real_floors(num,
    frame_step=...)`, computed from one feature pass per set of clips.

    Args:
        num: generated clips, and real clips of each side of the floor.
        reference: the real clips, 'mfmnist/<split>' (the first `num`).
        train: the floor's other side, 'mfmnist/<split>' (the first `num` of `RandomState(seed).permutation`).
        seed: sampling seed, train-clip permutation and KID subsets.
        frame_step: the per-frame metrics use frames 0, frame_step, 2 frame_step, ... of every clip.
        batch_size: Inception batch size (None: the fastest measured).
        frame_extractor, video_extractor: the feature networks (default: the FID Inception network,
            `zoo.metrics.evaluate.make_extractor`, and `zoo.metrics.video_features.ZooVideoFeatures()`).
    """
    from zoo.metrics.evaluate import make_extractor, sample_labels
    from zoo.metrics.features import InceptionFeatures, extract_features
    from zoo.metrics.fid_weights import FEATURE_EXTRACTOR
    from zoo.metrics.reference_stats import parse_reference
    from zoo.metrics.resize import DEFAULT_RESIZE
    from zoo.metrics.video_distance import ZVD_NOTE, clip_frames, feature_distances, fid_by_frame, reference_clips
    from zoo.provenance import hardware

    splits = {}
    for role, where in (("reference", reference), ("train", train)):
        dataset, splits[role] = parse_reference(where)
        if dataset != "mfmnist":
            raise ValueError(f"{role} {where!r}: the video metrics take moving Fashion-MNIST clips "
                             f"(zoo.metrics.video_distance.reference_clips); expected 'mfmnist/<split>'")
    if int(frame_step) < 1:
        raise ValueError(f"frame_step must be >= 1, got {frame_step}")
    num, frame_step = int(num), int(frame_step)
    # the real clips first: a wrong n fails before minutes of sampling
    real = reference_clips(num, splits["reference"])
    floor_fake = reference_clips(num, splits["train"], permutation_seed=seed)
    start = time.perf_counter()
    fake = np.asarray(generator.sample(num, seed=seed, labels=sample_labels(num, generator.num_classes, seed)))
    sampling = time.perf_counter() - start
    if fake.shape[1:] != real.shape[1:]:
        raise ValueError(f"the generator makes clips of shape {fake.shape[1:]}, the {reference} clips are "
                         f"{real.shape[1:]}; expected the same (T, H, W, C)")
    where = hardware()
    floor_description = f"{train} (n={num}, permutation seed {seed}) vs {reference} (n={num})"

    def entries(names, features, extractor_name, started, **extra):
        """The two entries (Frechet distance, KID) of one feature network, with their floors; `seconds`: the
        sampling plus this network's features of the three sets and the maths since `started`."""
        real_f, fake_f, floor_f = features
        values = feature_distances(real_f, fake_f, seed)
        floor = feature_distances(real_f, floor_f, seed)
        seconds = round(sampling + time.perf_counter() - started, 1)
        out = []
        for name, key, std in zip(names, ("value", "kid"), (None, "kid_std")):
            entry = {"name": name, "value": float(values[key]), "num_fake": num, "reference": reference,
                     "num_real": num, "feature_extractor": extractor_name, "weights": "ema", "truncation": None,
                     "seed": int(seed), "floor": float(floor[key]), "floor_num": num,
                     "floor_reference": floor_description, "seconds": seconds, "hardware": where,
                     **extra}
            if std:
                entry["std"] = float(values[std])
            if command:
                entry["command"] = command
            out.append(entry)
        return out

    def frame_entries(features, per_clip, step, extractor_name, resize):
        """One `frame_fid` entry per frame position (`fid_by_frame`): n = the clips, floor at the same n."""
        started = time.perf_counter()
        real_f, fake_f, floor_f = features
        values = fid_by_frame(real_f, fake_f, per_clip)
        floors = fid_by_frame(real_f, floor_f, per_clip)
        seconds = round(time.perf_counter() - started, 1)
        out = []
        for position, (value, floor) in enumerate(zip(values, floors)):
            entry = {"name": "frame_fid", "frame": position * step, "value": float(value), "num_fake": num,
                     "reference": reference, "num_real": num, "feature_extractor": extractor_name, "weights": "ema",
                     "truncation": None, "seed": int(seed), "floor": float(floor), "floor_num": num,
                     "floor_reference": floor_description, "resize": resize, "notes": FRAME_FID_NOTE,
                     "seconds": seconds, "hardware": where}
            if command:
                entry["command"] = command
            out.append(entry)
        return out

    start = time.perf_counter()
    frame_extractor = frame_extractor or make_extractor(batch_size, DEFAULT_RESIZE)
    frames = [clip_frames(clips, frame_step) for clips in (real, fake, floor_fake)]
    features = [extract_features(f, frame_extractor, progress=progress, desc=f"frames {what}")
                for f, what in zip(frames, ("real", "generated", "floor (train)"))]
    frame_network = FEATURE_EXTRACTOR if isinstance(frame_extractor, InceptionFeatures) else getattr(
        frame_extractor, "name", type(frame_extractor).__name__)  # as zoo.metrics.video_distance.per_frame_fid
    per_frame = entries(("per_frame_fid", "per_frame_kid"), features, frame_network, start,
                        num_fake_frames=len(frames[1]),
                        num_real_frames=len(frames[0]), frame_step=frame_step, resize=frame_extractor.resize)
    per_frame += frame_entries(features, len(frames[0]) // num, frame_step, frame_network, frame_extractor.resize)
    start = time.perf_counter()
    if video_extractor is None:
        from zoo.metrics.video_features import ZooVideoFeatures

        video_extractor = ZooVideoFeatures()
    features = [video_extractor(clips) for clips in (real, fake, floor_fake)]
    zvd = entries(("zvd", "zvd_kid"), features, video_extractor.name, start, notes=ZVD_NOTE)
    return per_frame + zvd


def reconstructions(generator, autoencoder_folder: str, images: np.ndarray, batch_size: int = 64) -> np.ndarray:
    """uint8 images through the stage-1 encoder of `autoencoder_folder`, the code normalisation of the composite
    `generator` (`LatentCodeGenerator`: its statistics, clipping included) and its decoder."""
    from zoo.images import to_uint8
    from zoo.models.latent2s.code_normalization import round_trip
    from zoo.training.code_data import encode_images, load_autoencoder

    codes = round_trip(encode_images(load_autoencoder(autoencoder_folder), images), generator.code_mean,
                       generator.code_std, generator.code_scale)
    return np.concatenate([to_uint8(np.asarray(generator.decoder(codes[i:i + batch_size], training=False)))
                           for i in range(0, len(codes), batch_size)])


def measure_reconstruction(generator, autoencoder_folder: str, *, reference: str, train: str, seed: int = 0,
                           batch_size: int | None = None, progress: bool = True, command: str | None = None) -> dict:
    """The reconstruction-ceiling FID of a two-stage latent GAN (`zoo.models.latent2s`): the whole `reference`
    split (e.g. emoji/test) encoded by the stage-1 encoder of `autoencoder_folder`, normalised, clipped and
    denormalised with the statistics the published composite `generator` stores, and decoded by its (frozen)
    decoder, against the same images; the floor is as many `train` images (the first n of
    `RandomState(seed).permutation`) against them. What a perfect code generator could reach at best.
    """
    from zoo.data import load_arrays
    from zoo.hub.publish import metric_entry
    from zoo.metrics.evaluate import make_extractor, metric_result, metric_value
    from zoo.metrics.features import extract_features
    from zoo.metrics.reference_stats import parse_reference, reference_statistics
    from zoo.metrics.resize import DEFAULT_RESIZE

    start = time.perf_counter()
    extractor = make_extractor(batch_size, DEFAULT_RESIZE)
    real = reference_statistics(reference, extractor=extractor, progress=progress)
    n = int(real["num"])
    floor_fake = reference_statistics(train, n, extractor=extractor, permutation_seed=seed, progress=progress)
    dataset, split = parse_reference(reference)
    decoded = reconstructions(generator, autoencoder_folder, load_arrays(dataset, split)[0])
    features = extract_features(decoded, extractor, progress=progress, desc="features reconstructions")
    result = metric_result("fid", metric_value("fid", real, features, seed), n, n, reference, extractor, seed, start)
    result["metric"] = "reconstruction_fid"
    entry = metric_entry(result, weights="raw", floor=metric_value("fid", real, floor_fake["features"], seed)["value"])
    entry.update(floor_num=n, floor_reference=f"{train} (n={n}, permutation seed {seed}) vs {reference} (n={n})",
                 notes=f"the quality ceiling: the {n} {reference} images through the stage-1 encoder "
                       f"({autoencoder_folder}), the code normalisation (clipping included) and the decoder, "
                       f"against the same images; 'raw' = the autoencoder's weights (no EMA)",
                 seconds=round(time.perf_counter() - start, 1))
    if command:
        entry["command"] = command
    return entry


def release(workdir: str, *, recipe_path: str, repo_id: str, license: str, num: int | None = None,
            reference: str | None = None, train: str | None = None, seed: int = 0, batch_size: int | None = None,
            overwrite: bool = False, command: str | None = None, git_commit: str | None = None, truncations=(),
            curve_num: int | None = None, train_command: str | None = None, num_real: int | str | None = None,
            floor_reference: str | None = None, floor_train: str | None = None,
            frame_step: int | None = None) -> dict:
    """Measure `workdir`'s exported EMA generator and write its published folder; returns the manifest.

    An image generator: `num`, `reference`, `train`, `seed`, `truncations`, `curve_num`, `num_real`,
    `floor_reference` and `floor_train` are those of `measure`. A video generator: `num`, `reference`, `train`,
    `seed` and `frame_step` are those of `measure_video`; the image-only options are refused. None takes the
    default of the generator's kind (`defaults`).

    The folder is `<weights dir>/<recipe name>/`, the weights dir being `$ZOO_WEIGHTS_DIR` if set, else the
    checkout's `weights_manifest/` (`zoo.hub.registry.weights_dir`).

    `command` (this release command) is stored with each metric; `git_commit` is the commit the run was
    trained at (default: the one `zoo train` recorded in train_state.json, else HEAD); `train_command` the
    command(s) that trained it, for the model card (default: the one `zoo train` recorded, else
    `zoo train <recipe_path>`).
    """
    from zoo.cli.support import resolve_generator
    from zoo.data import dataset_info
    from zoo.hub.publish import folder_from_workdir
    from zoo.hub.registry import weights_dir
    from zoo.training.recipe import codes_source, data_section

    with open(os.path.join(workdir, "recipe.json")) as f:
        full_recipe = json.load(f)
    recipe = data_section(full_recipe)
    with open(os.path.join(workdir, "train_state.json")) as f:
        state = json.load(f)
    folder = os.path.join(weights_dir(), full_recipe["name"])
    if os.path.exists(folder) and not overwrite:  # before minutes of measuring
        raise FileExistsError(f"{folder} already exists; pass overwrite=True (--overwrite) to replace it")
    if truncations:  # the curve's plot needs matplotlib: fail now, not after minutes of measuring
        from zoo.hub.truncation_plot import require_matplotlib

        require_matplotlib()
    generator = resolve_generator(workdir)
    given = {k: v for k, v in {"num": num, "reference": reference, "train": train}.items() if v is not None}
    chosen = {**defaults(generator.output_kind, recipe["dataset"]), **given}
    if generator.output_kind == "video":
        image_only = {"truncations": truncations, "curve_num": curve_num, "num_real": num_real,
                      "floor_reference": floor_reference, "floor_train": floor_train}
        refused = sorted(k for k, v in image_only.items() if v)
        if refused:
            raise ValueError(f"{', '.join(refused)}: image-generator options; a video generator is measured on "
                             f"num clips against as many reference clips, its floor at the same n, and has no "
                             f"truncation curve")
        if frame_step is not None:
            chosen["frame_step"] = frame_step
        metrics = measure_video(generator, seed=seed, batch_size=batch_size, command=command, **chosen)
    else:
        if frame_step is not None:
            raise ValueError(f"frame_step ({frame_step}) is for video generators; {workdir} holds an image "
                             f"generator")
        metrics = measure(generator, seed=seed, batch_size=batch_size, command=command, truncations=truncations,
                          curve_num=curve_num, num_real=num_real, floor_reference=floor_reference,
                          floor_train=floor_train, **chosen)
        if codes_source(full_recipe):  # a two-stage latent GAN: its reconstruction ceiling beside the samples
            metrics.append(measure_reconstruction(generator, codes_source(full_recipe),
                                                  reference=f"{recipe['dataset']}/test",
                                                  train=f"{recipe['dataset']}/train", seed=seed,
                                                  batch_size=batch_size, command=command))
    info = dataset_info(recipe["dataset"])
    return folder_from_workdir(workdir, recipe_path=recipe_path, license=license, repo_id=repo_id,
                               num_examples=int(info["num_examples"][recipe["split"]]), metrics=metrics,
                               git_commit=git_commit or state.get("git_commit"), overwrite=overwrite,
                               command=train_command, stage1=stage1_entry(recipe_path, codes_source(full_recipe) or None))


def stage1_entry(recipe_path: str, codes_from: str | None) -> dict | None:
    """The manifest's `recipe.stage1` of a two-stage model: the stage-1 run that wrote `codes_from` (its work
    dir's train_state.json: steps, wall clock, hardware, commit, command) and the recipe file that `recipe_path`
    names as its STAGE1_RECIPE; None for a one-stage model."""
    if not codes_from:
        return None
    from zoo.hub.publish import run_entry
    from zoo.training.recipe import recipe_module
    from zoo.training.stages import stage1_recipe_path

    state_path = os.path.join(os.path.dirname(os.path.normpath(codes_from)), "train_state.json")
    if not os.path.isfile(state_path):
        raise FileNotFoundError(f"{state_path} is missing: the stage-1 run that wrote {codes_from} is needed for "
                                f"the model card (its steps, wall clock and command)")
    with open(state_path) as f:
        state = json.load(f)
    found = stage1_recipe_path(recipe_module(recipe_path), recipe_path)
    if found is None:
        raise ValueError(f"{recipe_path} trains on codes ({codes_from}) but names no STAGE1_RECIPE")
    path = os.path.join(os.path.dirname(recipe_path), os.path.basename(found))  # as recipe_path is written
    resolved_path = os.path.join(os.path.dirname(state_path), "recipe.json")
    resolved = None
    if os.path.isfile(resolved_path):
        with open(resolved_path) as f:
            resolved = json.load(f)
    return run_entry(state, path, git_commit=state.get("git_commit"), resolved=resolved)
