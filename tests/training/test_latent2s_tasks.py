"""The two-stage latent GAN's training: the autoencoder task (losses, late discriminator), the float-code
pipeline, the latent GAN task (frozen decoder, composite export, bit-for-bit resume) and recipe validation."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
import tensorflow as tf

from tests.conftest import REPO
from tests.training.helpers import assert_same_export, rng
from zoo.models.latent2s import CodeAutoencoder, LatentCodeGenerator
from zoo.models.serialization import load_model_files
from zoo.training.tasks.autoencoder import ssim_loss
from zoo.training.code_data import code_arrays, load_autoencoder, recipe_code_data
from zoo.training.loop import train
from zoo.training.recipe import RecipeError, load_recipe
from zoo.training.stages import smoke_recipe
from zoo.training.tasks import build_task

STAGE1 = os.path.join(REPO, "recipes", "latent2s_emoji64_stage1.py")
STAGE2 = os.path.join(REPO, "recipes", "latent2s_emoji64.py")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """The stage-1 smoke run (trained once for the module, in <scratch>/stage1) and the stage-2 smoke recipe."""
    root = tmp_path_factory.mktemp("latent2s")
    recipe = smoke_recipe(STAGE2, str(root))
    return root, recipe


@pytest.fixture(scope="module")
def stage2_run(scratch):
    root, recipe = scratch
    train(recipe, str(root / "full"))
    return root / "full"


def numpy_ssim(x, y, dynamic_range=2.0):
    """SSIM of Wang et al. 2004 (Eq. 13) by hand: 11x11 Gaussian window (sigma 1.5), valid positions, k1 = 0.01,
    k2 = 0.03, on images shifted to [0, 2]; mean over positions, channels and the batch."""
    x, y = np.asarray(x, np.float64) + 1.0, np.asarray(y, np.float64) + 1.0
    g = np.exp(-((np.arange(11) - 5) ** 2) / (2 * 1.5 ** 2))
    w = np.outer(g, g) / np.outer(g, g).sum()
    c1, c2 = (0.01 * dynamic_range) ** 2, (0.03 * dynamic_range) ** 2
    n, h, wd, ch = x.shape
    values = []
    for i in range(h - 10):
        for j in range(wd - 10):
            px, py = x[:, i:i + 11, j:j + 11, :], y[:, i:i + 11, j:j + 11, :]
            mx, my = (px * w[None, :, :, None]).sum((1, 2)), (py * w[None, :, :, None]).sum((1, 2))
            vx = (px ** 2 * w[None, :, :, None]).sum((1, 2)) - mx ** 2
            vy = (py ** 2 * w[None, :, :, None]).sum((1, 2)) - my ** 2
            cov = (px * py * w[None, :, :, None]).sum((1, 2)) - mx * my
            values.append((2 * mx * my + c1) * (2 * cov + c2) / ((mx ** 2 + my ** 2 + c1) * (vx + vy + c2)))
    return float(np.mean(values))


def test_ssim_loss_against_a_hand_computed_ssim():
    x = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 3)).astype(np.float32)
    noisy = np.clip(x + np.random.default_rng(1).normal(0, 0.3, x.shape), -1, 1).astype(np.float32)
    assert float(ssim_loss(x, x)) == pytest.approx(0.0, abs=1e-6)
    for y in (noisy, -x):
        assert float(ssim_loss(x, y)) == pytest.approx(1.0 - numpy_ssim(x, y), abs=1e-4)
    assert float(ssim_loss(x, -x)) > 1.9  # an image against its negative: SSIM about -1


def test_autoencoder_task_trains_the_discriminator_only_from_adversarial_start():
    recipe = load_recipe(STAGE1, smoke=True).replace(adversarial_start=2)
    task = build_task(recipe, tf.distribute.get_strategy(), {"images": (64, 64, 3), "labels": ()})
    batch = {"images": tf.constant(np.random.default_rng(0).uniform(-1, 1, (4, 64, 64, 3)), tf.float32)}
    d0 = [np.array(v) for v in task.discriminator.trainable_variables]
    a0 = [np.array(v) for v in task.autoencoder.trainable_variables]
    out = task.replica_step(batch, rng(step=1))
    assert all(np.array_equal(a, np.array(b)) for a, b in zip(d0, task.discriminator.trainable_variables))
    assert not all(np.array_equal(a, np.array(b)) for a, b in zip(a0, task.autoencoder.trainable_variables))
    assert set(out) == {"rec_l1", "rec_ssim", "g_adv", "d_loss", "d_real", "d_fake"}
    task.replica_step(batch, rng(step=2))
    assert not all(np.array_equal(a, np.array(b)) for a, b in zip(d0, task.discriminator.trainable_variables))


def test_autoencoder_task_loss_matches_its_terms():
    """rec_l1 and rec_ssim are mean |x - x'| and 1 - SSIM of the reconstruction before the update."""
    recipe = load_recipe(STAGE1, smoke=True)
    task = build_task(recipe, tf.distribute.get_strategy(), {"images": (64, 64, 3), "labels": ()})
    x = tf.constant(np.random.default_rng(2).uniform(-1, 1, (4, 64, 64, 3)), tf.float32)
    rec = task.autoencoder(x, training=True)
    out = task.replica_step({"images": x}, rng(step=0))
    assert float(out["rec_l1"]) == pytest.approx(float(tf.reduce_mean(tf.abs(x - rec))), rel=1e-5)
    assert float(out["rec_ssim"]) == pytest.approx(float(ssim_loss(x, rec)), rel=1e-4)


def test_stage1_export_is_the_autoencoder_and_previews_reconstructions(scratch):
    root, _ = scratch
    ae = load_autoencoder(str(root / "stage1" / "export"))
    assert isinstance(ae, CodeAutoencoder) and ae.compression_ratio == 12.0
    assert os.path.isfile(root / "stage1" / "samples" / "step_0000004.png")
    with pytest.raises(ValueError, match="not a CodeAutoencoder"):
        load_autoencoder(str(_gan_export(root)))


def _gan_export(root):
    from zoo.models.sngan import SNGANDiscriminator, SNGANGenerator
    from zoo.models.serialization import save_model_files

    path = root / "gan_export"
    if not path.exists():
        g = SNGANGenerator(latent_dim=4, channels=4, num_blocks=1, bottom_width=2, image_channels=1).build_for_inputs()
        save_model_files(str(path), g, SNGANDiscriminator(channels=4, num_blocks=1, num_down=1, image_channels=1)
                         .build_for_inputs((4, 4, 1)))
    return path


def test_code_pipeline_gives_normalised_float_codes(scratch):
    _, recipe = scratch
    arrays = code_arrays(recipe)
    codes = arrays["codes"]
    assert codes.dtype == np.float32 and codes.shape[1:] == (16, 16, 4) and len(codes) == len(arrays["labels"])
    assert codes.min() >= -1.0 and codes.max() <= 1.0
    data = recipe_code_data(recipe)
    assert len(data.mean) == len(data.std) == 4 and 0.0 <= data.clipped < 0.05
    # normalised codes: about zero mean and 1 / scale standard deviation per channel
    np.testing.assert_allclose(codes.reshape(-1, 4).mean(0), 0.0, atol=0.05)


def test_stage2_publishes_the_composite_with_the_frozen_decoder(scratch, stage2_run):
    root, recipe = scratch
    composite = load_model_files(str(stage2_run / "export"))
    assert isinstance(composite, LatentCodeGenerator)
    stage1 = load_autoencoder(str(root / "stage1" / "export"))
    assert len(composite.decoder.weights) == len(stage1.decoder.weights)
    for a, b in zip(composite.decoder.weights, stage1.decoder.weights):  # the decoder did not change
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    data = recipe_code_data(recipe)
    assert composite.code_mean == list(data.mean) and composite.code_std == list(data.std)
    assert composite.code_clipped == data.clipped and composite.code_scale == data.scale
    assert composite.sample(2, seed=0).shape == (2, 64, 64, 3)
    d = load_model_files(str(stage2_run / "export"), "discriminator")
    assert tuple(d.get_build_config()["image_shape"]) == (16, 16, 4)


def test_stage2_resume_is_bit_for_bit(scratch, stage2_run, tmp_path):
    _, recipe = scratch
    workdir = tmp_path / "half"
    train(recipe, str(workdir), steps=2)
    train(recipe, str(workdir), resume=True)
    assert_same_export(stage2_run, workdir)


@pytest.mark.parametrize("changes, message", [
    ({"codes_from": ""}, "needs codes_from"),
    ({"l1_weight": 2.0}, r"unknown field 'l1_weight' \(task 'latent_gan'\)"),
    ({"family": "tganv2", "preset": "tganv2_64_small"},
     r"family 'tganv2' does not fit task 'latent_gan': tganv2 is trained by task 'tganv2'"),
    ({"family": "stylegan2", "preset": "stylegan2_64_small"},
     r"family 'stylegan2' does not fit task 'latent_gan': stylegan2 is trained by task 'stylegan2'"),
])
def test_stage2_recipe_errors(changes, message, monkeypatch):
    import zoo.training.code_data as code_data

    monkeypatch.setattr(code_data, "code_data", lambda *a: pytest.fail("codes encoded before the recipe check"))
    recipe = load_recipe(STAGE2)
    with pytest.raises(RecipeError, match=message) as info:
        recipe.replace(**changes).validate()
    assert "\n" not in str(info.value)


def test_autoencoder_recipe_refuses_gan_techniques_and_gan_families():
    recipe = load_recipe(STAGE1, smoke=True)
    with pytest.raises(RecipeError, match="task 'autoencoder' takes no techniques section"):
        recipe.replace(diffaugment="translation").validate()
    with pytest.raises(RecipeError, match="family 'sngan' does not fit task 'autoencoder'"):
        recipe.replace(family="sngan", preset="sngan_32_small").validate()
    with pytest.raises(RecipeError, match="takes no objective terms"):
        recipe.replace(objective=({"kind": "r1", "gamma": 1.0},)).validate()


def test_latent_gan_refuses_diffaugment_colour_on_codes():
    recipe = load_recipe(STAGE2, smoke=True).replace(diffaugment="color,translation")
    with pytest.raises(ValueError, match="'color'.*assumes RGB pixels"):
        build_task(recipe, tf.distribute.get_strategy(), {"images": (16, 16, 4), "labels": ()})


def test_missing_stage1_folder_is_a_clear_error(tmp_path):
    recipe = load_recipe(STAGE2, smoke=True).replace(codes_from=str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="export/ of a stage-1 autoencoder run"):
        train(recipe, str(tmp_path / "run"))
    shutil.rmtree(tmp_path / "run", ignore_errors=True)


def test_release_records_the_stage1_run(scratch, monkeypatch):
    """`zoo release` of a stage-2 run stores the stage-1 run (its train_state.json, the named recipe file) as the
    manifest's recipe.stage1; a codes folder without its run is a clear error; one-stage recipes get None."""
    from zoo.cli.release import stage1_entry

    root, recipe = scratch
    entry = stage1_entry(STAGE2, recipe.task.codes_from)
    assert entry["path"] == STAGE1  # written as the stage-2 recipe path is
    monkeypatch.chdir(REPO)
    assert stage1_entry("recipes/latent2s_emoji64.py", recipe.task.codes_from)["path"] == \
        "recipes/latent2s_emoji64_stage1.py"
    assert entry["steps"] == load_recipe(STAGE1, smoke=True).run.steps and entry["wall_clock_s"] > 0
    assert set(entry) == {"path", "steps", "wall_clock_s", "hardware", "git_commit", "command", "resolved"}
    assert stage1_entry(STAGE2, "") is None
    with pytest.raises(FileNotFoundError, match="stage-1 run"):
        stage1_entry(STAGE2, str(root / "nowhere" / "export"))
