"""`zoo train RECIPE --init-from NAME`: fine-tuning starts from the published generator and discriminator."""

import numpy as np
import pytest

from tests.hub.conftest import NAME
from tests.training.helpers import read_weights, tiny_recipe
from zoo.training.loop import train


def test_init_from_copies_published_weights(weights_root, tmp_path):
    train(tiny_recipe(), str(tmp_path / "run"), steps=0, init_from=NAME)
    for part in ("generator", "discriminator"):
        published = read_weights(str(weights_root / NAME / f"{part}.weights.h5"))
        started = read_weights(str(tmp_path / "run" / "export" / f"{part}.weights.h5"))
        assert published.keys() == started.keys()
        for k in published:
            np.testing.assert_array_equal(published[k], started[k], err_msg=k)
    state = train(tiny_recipe(), str(tmp_path / "run2"), steps=1, init_from=NAME)
    assert state["step"] == 1


def test_init_from_a_different_architecture_is_refused(weights_root, tmp_path):
    recipe = tiny_recipe(generator_overrides={"channels": 8}, discriminator_overrides={"channels": 8})
    with pytest.raises(ValueError, match="does not match"):
        train(recipe, str(tmp_path / "run"), steps=0, init_from=NAME)
