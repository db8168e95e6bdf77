"""Keras-native saving of every registered family: exact `.keras` and model-directory round trips of G and D
for every preset (at 8 channels; StyleGAN2 at 32x32), and registration of every zoo model and layer under the
package "zoo"."""

from __future__ import annotations

import os
import subprocess
import sys

import keras
import pytest

import zoo.layers
from tests.models.gan_family_test import assert_keras_round_trip, model_inputs
from zoo.models import FAMILIES, build_from_preset, get_family, smoke_overrides

# the paper-size video preset at tiny width is the CPU preset's code path with one more block and level (~30 s);
# SAGAN's and BigGAN's 128x128 presets at 8 channels are their 32x32 presets' layers with two more blocks (~20 s
# each, the forward passes at 128x128): the fast suite round-trips the 32x32 presets of both
SLOW_CASES = {("tganv2", "tganv2_ucf101_192"), ("sagan", "sagan_128"), ("biggan", "biggan_128")}
CASES = [pytest.param(family, preset, marks=[pytest.mark.slow] if (family, preset) in SLOW_CASES else [])
         for family in FAMILIES for preset in get_family(family).PRESETS]


def tiny(family: str, preset: str) -> dict:
    """The family's networks at 8 channels (`zoo.models.smoke_overrides`: the smallest width every preset
    accepts, SAGAN 128: 1x ch at attention); a generator sized by `resolution` (StyleGAN2) is built at 32x32
    with its discriminator: the round trip does not depend on the size, and forward passes of the 1024x1024
    preset take seconds; a video generator makes as few frames as its levels allow."""
    overrides = smoke_overrides(family, 8)
    generator = get_family(family).PRESETS[preset]["generator"]
    if "resolution" in generator:
        overrides = {part: {**config, "resolution": 32} for part, config in overrides.items()}
    if "frames" in generator:  # a video generator (TGANv2): 4 frames, enough for its levels' subsampling
        overrides["generator"] = {**overrides["generator"], "frames": 2 ** (generator["levels"] - 1)}
    return overrides


@pytest.mark.parametrize("family,preset", CASES)
def test_generator_and_discriminator_round_trip_exactly(family, preset, tmp_path):
    g, d = build_from_preset(family, preset, **tiny(family, preset))
    g.build_for_inputs()
    d.build_for_inputs(g.discriminator_shapes)
    assert_keras_round_trip(g, model_inputs(g), tmp_path)
    assert_keras_round_trip(d, model_inputs(d, image_shape=g.discriminator_shapes), tmp_path)


def registered_classes():
    classes = [getattr(zoo.layers, n) for n in zoo.layers.__all__]
    for family in FAMILIES:
        module = get_family(family)
        classes += [getattr(module, n) for n in module.__all__ if isinstance(getattr(module, n), type)]
    return [c for c in classes if isinstance(c, type) and issubclass(c, keras.layers.Layer)]


@pytest.mark.parametrize("cls", registered_classes(), ids=lambda c: c.__name__)
def test_every_model_and_layer_is_registered_under_zoo(cls):
    assert keras.saving.get_registered_name(cls) == f"zoo>{cls.__name__}"
    assert keras.saving.get_registered_object(f"zoo>{cls.__name__}") is cls


# a fresh process: Keras is first imported by a zoo module (zoo.layers) or by TensorFlow, after `import zoo`
REGISTERED_AFTER = """
import sys
exec(sys.argv[1])
import keras
from zoo.models import FAMILIES, get_family
names = [f"zoo>{n}" for f in FAMILIES for n in get_family(f).__all__ if n != "PRESETS"]
print(sorted(n for n in names if keras.saving.get_registered_object(n) is None))
"""


FIRST_IMPORTS = ["import zoo.layers", "import zoo; import tensorflow"]


@pytest.fixture(scope="module")
def registered_after():
    """{first import: (returncode, stdout, stderr)} of REGISTERED_AFTER, one fresh process per first import, run
    side by side (2 cores)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    procs = {first: subprocess.Popen([sys.executable, "-W", "error::UserWarning", "-c", REGISTERED_AFTER, first],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for first in FIRST_IMPORTS}
    results = {}
    try:
        for first, proc in procs.items():
            out, err = proc.communicate(timeout=300)
            results[first] = (proc.returncode, out, err)
    finally:
        for proc in procs.values():
            proc.kill()
            proc.wait()
    return results


@pytest.mark.parametrize("first_import", FIRST_IMPORTS)
def test_import_zoo_registers_every_family_whatever_imports_keras_first(first_import, registered_after):
    returncode, stdout, stderr = registered_after[first_import]
    assert returncode == 0, stderr[-3000:]
    assert stdout.strip().splitlines()[-1] == "[]"
