"""Where `GANGenerator.from_preset` (keras-hub's way of loading a pretrained model) gets its generators.

Loading a published model is the hub layer's work (`zoo.hub`: the registry, the Hugging Face Hub, the sha256
checks), and the hub layer imports the models, not the reverse. So the models name no hub module: the package
root wires the two, `import zoo` calling `set_loader("zoo.hub.presets")`; `load_preset` imports that module
when first used and calls its `load_preset(cls, preset)`. Every zoo module is imported below `zoo`, so the
wiring is in place before any generator class exists.
"""

from __future__ import annotations

import importlib

_LOADER = {"module": None}


def set_loader(module: str) -> None:
    """Name the module whose `load_preset(cls, preset)` resolves presets (`zoo/__init__.py` names the hub's)."""
    _LOADER["module"] = module


def load_preset(cls, preset: str):
    """`cls.from_preset(preset)`: the loader module's answer (see the module docstring)."""
    if _LOADER["module"] is None:
        raise RuntimeError("no pretrained-model loader is set: `import zoo` sets zoo.hub's")
    return importlib.import_module(_LOADER["module"]).load_preset(cls, preset)
