"""Export for serving: a generator as a TF Serving SavedModel with typed signatures (no zoo code needed to run it).

    import zoo
    zoo.export_serving(zoo.load("sngan-fmnist-32"), "serving/sngan-fmnist-32", version=1)
"""

from zoo.export.serving import ServingModule, export_serving, signature_names, to_uint8_tf

__all__ = ["ServingModule", "export_serving", "signature_names", "to_uint8_tf"]
