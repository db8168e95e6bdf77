"""`zoo train RECIPE --init-from NAME`: fine-tuning starts from the published generator and discriminator.

The application layer resolves NAME to its sha256-verified folder (`zoo.hub.load.verified_folder`); the
training loop copies a model folder's parts into the task's networks."""

import numpy as np
import pytest

from tests.hub.conftest import NAME
from tests.training.helpers import read_weights, tiny_recipe
from zoo.hub.load import verified_folder
from zoo.hub.registry import get_entry
from zoo.models.parts import PARTS, weights_file
from zoo.models.parts import weights_file
from zoo.training.loop import train


def test_init_from_copies_published_weights(weights_root, tmp_path):
    folder = verified_folder(get_entry(NAME))
    train(tiny_recipe(), str(tmp_path / "run"), steps=0, init_from=folder)
    for part in PARTS:
        published = read_weights(str(weights_root / NAME / weights_file(part)))
        started = read_weights(str(tmp_path / "run" / "export" / weights_file(part)))
        assert published.keys() == started.keys()
        for k in published:
            np.testing.assert_array_equal(published[k], started[k], err_msg=k)
    state = train(tiny_recipe(), str(tmp_path / "run2"), steps=1, init_from=folder)
    assert state["step"] == 1


def test_init_from_a_different_architecture_is_refused(weights_root, tmp_path):
    recipe = tiny_recipe(generator_overrides={"channels": 8}, discriminator_overrides={"channels": 8})
    with pytest.raises(ValueError, match="does not match"):
        train(recipe, str(tmp_path / "run"), steps=0, init_from=verified_folder(get_entry(NAME)))


def test_init_from_a_name_that_is_not_a_folder_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a model folder"):
        train(tiny_recipe(), str(tmp_path / "run"), steps=0, init_from=str(tmp_path / "missing"))
