"""The Hugging Face YAML metadata at the top of a model card (README.md), from the manifest alone.

Keys the Hub reads (https://huggingface.co/docs/hub/model-cards#model-card-metadata), rendered by
`huggingface_hub.ModelCardData` so that they are spelled as the Hub expects:

- `library_name: keras` (the folder loads with `keras.saving.load_model("hf://ORG/NAME")` after `import zoo`);
- `pipeline_tag`: see `pipeline_tag` below;
- `tags`: zoo, gan, tensorflow, keras, the family (`zoo.models.<family>`), the training data set, plus
  `class-conditional` / `video-generation` / `lottery-ticket` where they apply;
- `datasets`: the training data set's zoo name (`zoo.data`), `license`: the manifest's;
- `model-index`: one result per metric of the manifest (`EvalResult`): the task, the reference data set and
  split it was measured against (`reference` "<dataset>/<split>"), the metric's value, and in the metric's
  `args` its n (`num_fake`, `num_real`), its real-data floor (`floor`, `floor_num`, `floor_reference`), the
  truncation it was sampled at (`truncation`, `truncation_space`), `k` / `frame` / `std` where present, the
  weights and the seed. Its `name` is the label `zoo info` prints, e.g. "fid@T=0.5 (n=5k, floor 4.84)".
"""

from __future__ import annotations

from zoo.hub.manifest import parse_name
from zoo.hub.summary import family, is_video, metric_label, n_and_floor, truncation_space

LIBRARY_TAGS = ["zoo", "gan", "tensorflow", "keras"]
IMAGE_TASK = "unconditional-image-generation"
# The Hub accepts only the pipeline tags of its fixed task list (huggingface.js `PIPELINE_DATA`), which has no
# class-conditional image task and no unconditional video task: its video tasks (text-to-video, image-to-video,
# video-to-video) all take an input that a GAN sampling from noise does not have, so tagging TGANv2 with one
# would put it among models it cannot stand in for. The closest real task for both is therefore
# unconditional-image-generation (noise in, pixels out; a clip is a stack of generated frames); the tags
# `class-conditional` and `video-generation` say what the task cannot, and the model-index's task name says
# it in words.
TASK_NAMES = {"image": "Unconditional image generation", "class-conditional": "Class-conditional image generation",
              "video": "Unconditional video generation"}
ARG_KEYS = ("num_fake", "num_real", "floor", "floor_num", "floor_reference", "truncation", "k", "frame", "std",
            "num_fake_frames", "num_real_frames", "frame_step", "feature_extractor", "weights", "seed")


def pipeline_tag(manifest: dict) -> str:
    """The Hub task of every zoo generator: unconditional-image-generation (see the comment above)."""
    return IMAGE_TASK


def kind(manifest: dict) -> str:
    """'video', 'class-conditional' or 'image'."""
    if is_video(manifest):
        return "video"
    return "class-conditional" if manifest["config"].get("num_classes") else "image"


def tags(manifest: dict) -> list[str]:
    out = [*LIBRARY_TAGS, family(manifest), manifest["dataset"]["name"]]
    arch = parse_name(manifest["name"])["arch"]
    extra = {"class-conditional": kind(manifest) == "class-conditional", "video-generation": is_video(manifest),
             "lottery-ticket": "sparsity" in manifest, arch: True}
    return out + [tag for tag, wanted in extra.items() if wanted and tag not in out]


def eval_results(manifest: dict) -> list:
    """One `huggingface_hub.EvalResult` per manifest metric (see the module docstring)."""
    from huggingface_hub import EvalResult

    space = truncation_space(manifest)
    results = []
    for m in manifest["metrics"]:
        dataset, _, split = m["reference"].partition("/")
        args = {key: m[key] for key in ARG_KEYS if m.get(key) is not None}
        if m.get("truncation") is not None:
            args["truncation_space"] = space
        results.append(EvalResult(
            task_type=pipeline_tag(manifest), task_name=TASK_NAMES[kind(manifest)], dataset_type=dataset,
            dataset_name=dataset, dataset_split=split or None, metric_type=m["name"], metric_value=m["value"],
            metric_name=f"{metric_label(m, space)} ({n_and_floor(m, is_video(manifest))})", metric_args=args))
    return results


def card_metadata(manifest: dict) -> dict:
    """The keyword arguments of `huggingface_hub.ModelCardData` for the card of `manifest`."""
    data = {"library_name": "keras", "license": manifest["license"].lower(), "tags": tags(manifest),
            "datasets": [manifest["dataset"]["name"]], "pipeline_tag": pipeline_tag(manifest)}
    if manifest["metrics"]:
        data.update(model_name=manifest["name"], eval_results=eval_results(manifest),
                    metrics=sorted({m["name"] for m in manifest["metrics"]}))
    return data


def front_matter(manifest: dict) -> str:
    """The card's first lines: '---', the YAML metadata, '---'."""
    from huggingface_hub import ModelCardData

    return "---\n" + ModelCardData(**card_metadata(manifest)).to_yaml() + "\n---\n"
