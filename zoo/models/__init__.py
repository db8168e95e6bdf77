"""GAN families. Each family registers its generator, discriminator and named presets here."""

from __future__ import annotations

import importlib

FAMILIES = {
    "sngan": "zoo.models.sngan",
    "sagan": "zoo.models.sagan",
    "biggan": "zoo.models.biggan",
    "stylegan2": "zoo.models.stylegan2",
    "tganv2": "zoo.models.tganv2",
}

# Autoencoder families: the first stage of a two-stage model (`zoo.models.latent2s`). Their presets name an
# autoencoder and its discriminator (the module's `NETWORKS`), trained by the "autoencoder" task; they are not
# GAN families (no sampler of their own), so the tests of every GAN family do not apply to them.
AUTOENCODERS = {
    "latent2s": "zoo.models.latent2s",
}


def __getattr__(name):
    """`zoo.models.Generator`: the base class of every zoo generator (`zoo.models.base.GANGenerator`), imported
    on first use so that `import zoo.models` stays free of TensorFlow; `Generator.from_preset` loads any family."""
    if name == "Generator":
        return importlib.import_module("zoo.models.base").GANGenerator
    raise AttributeError(f"module 'zoo.models' has no attribute {name!r}")


def get_family(name: str):
    """The module of family `name` (has Generator / Discriminator classes and PRESETS), a GAN family of
    `FAMILIES` or an autoencoder family of `AUTOENCODERS`."""
    modules = {**FAMILIES, **AUTOENCODERS}
    if name not in modules:
        raise KeyError(f"unknown family {name!r}; known: {sorted(modules)}")
    return importlib.import_module(modules[name])


def family_task(name: str) -> str:
    """The training task `name`'s networks need (`zoo.training.tasks`): the family module's `TASK`, or "gan" for
    a family the plain GAN task trains. A task's record names the families it fits by this value, so a new
    family that needs a task of its own says so in its own module."""
    return getattr(get_family(name), "TASK", "gan")


def smoke_overrides(family: str, channels: int = 16, **extra) -> dict:
    """{"generator": {...}, "discriminator": {...}}: config overrides of `family`'s tiny networks for smoke runs
    (tests). A family module may define its own `smoke_overrides(channels, **extra)`; the default sets the
    `channels` argument (and any `extra` entries) of both networks."""
    module = get_family(family)
    if hasattr(module, "smoke_overrides"):
        return module.smoke_overrides(channels, **extra)
    tiny = {**extra, "channels": int(channels)}
    return {"generator": dict(tiny), "discriminator": dict(tiny)}


def build_from_preset(family: str, preset: str, **overrides):
    """(generator, discriminator) of `family` at named size `preset` (an autoencoder family: (autoencoder,
    discriminator)); `overrides` ({"generator": {...}, "discriminator": {...}}) update the two configs."""
    module = get_family(family)
    if preset not in module.PRESETS:
        raise KeyError(f"unknown preset {preset!r} for {family}; known: {sorted(module.PRESETS)}")
    spec = module.PRESETS[preset]
    g_cls, d_cls = _classes(module)
    g = g_cls(**{**spec["generator"], **overrides.get("generator", {})})
    d = d_cls(**{**spec["discriminator"], **overrides.get("discriminator", {})})
    return g, d


def _classes(module):
    if hasattr(module, "NETWORKS"):  # an autoencoder family: (autoencoder, discriminator)
        return module.NETWORKS
    g = [getattr(module, n) for n in module.__all__ if n.endswith("Generator")]
    d = [getattr(module, n) for n in module.__all__ if n.endswith("Discriminator")]
    return g[0], d[0]


def class_path(obj) -> str:
    """'module.ClassName' of a model class or instance, as written into manifests."""
    cls = obj if isinstance(obj, type) else type(obj)
    return f"{cls.__module__.rsplit('.', 1)[0] if cls.__module__.count('.') > 2 else cls.__module__}.{cls.__name__}"


def import_class(path: str):
    """Inverse of `class_path`: 'zoo.models.sngan.SNGANGenerator' -> the class (zoo classes only)."""
    if not path.startswith("zoo."):
        raise ValueError(f"refusing to import {path!r}: only zoo.* model classes can be loaded")
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)
