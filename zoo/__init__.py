"""zoo: a TensorFlow 2 / Keras 3 model zoo of GANs with real pretrained assets.

    import zoo
    g = zoo.load("sngan-fmnist-32")
    zoo.save_image_grid(g.sample(16, seed=0), "grid.png")
"""

from zoo.images import save_image_grid, save_video_grid
from zoo.models.pretrained_loader import set_loader
from zoo.models.registration import register_when_keras_is_imported
from zoo.version import __version__

register_when_keras_is_imported()  # keras.saving.load_model finds zoo's classes; import zoo stays TF-free
set_loader("zoo.hub.presets")  # Generator.from_preset resolves names, hf:// ids and folders through the hub layer

_LAZY = {
    "list_pretrained": ("zoo.hub", "list_pretrained"),
    "load": ("zoo.hub", "load"),
    "export_serving": ("zoo.export", "export_serving"),
    "label_ids": ("zoo.data.class_names", "label_ids"),
    "class_names": ("zoo.data.class_names", "class_names"),
    "project": ("zoo.projection", "project"),
    "interpolate": ("zoo.interpolation", "interpolate"),
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'zoo' has no attribute {name!r}")


__all__ = ["__version__", "class_names", "export_serving", "interpolate", "label_ids", "list_pretrained", "load",
           "project", "save_image_grid", "save_video_grid"]
