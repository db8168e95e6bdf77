import numpy as np
import pytest

from tests.models.gan_family_test import run_gan_family_test
from zoo.models import build_from_preset
from zoo.models.sngan import PRESETS, SNGANDiscriminator, SNGANGenerator

TINY_G = {"latent_dim": 8, "channels": 8, "num_blocks": 2, "bottom_width": 4, "image_channels": 1}
TINY_D = {"channels": 8, "num_blocks": 3, "num_down": 2, "image_channels": 1}


def count(model):
    return sum(int(np.prod(v.shape)) for v in model.trainable_weights)


def test_family(tmp_path):
    g, _ = run_gan_family_test(SNGANGenerator, SNGANDiscriminator, TINY_G, TINY_D, tmp_path)
    assert g.image_shape == (16, 16, 1)


def test_paper_configuration_parameter_count():
    """Miyato et al. 2018, App. B Tables 4-5 (CIFAR-10 ResNet). Counted layer by layer:
    G: Dense 128->4*4*256 (528,384) + 3 GBlocks of 1,246,976 (2 BN 512 each, 2 conv3x3 590,080 each,
    shortcut conv1x1 65,792) + BN 512 + conv3x3 256->3 (6,915) = 4,276,739 (as in the Mimicry reimplementation).
    D: optimized block 151,680 + down block 311,680 + 2 blocks 295,168 + linear 129 = 1,053,825."""
    g, d = build_from_preset("sngan", "sngan_32")
    g.build_for_inputs()
    d(np.zeros((1, 32, 32, 3), np.float32))
    assert count(g) == 4_276_739
    assert count(d) == 1_053_825
    assert g.image_shape == (32, 32, 3)


def test_presets_build_32x32():
    for name in PRESETS:
        g, d = build_from_preset("sngan", name)
        assert g.image_shape[:2] == (32, 32)


def test_unconditional_rejects_labels():
    g = SNGANGenerator(**TINY_G).build_for_inputs()
    with pytest.raises(ValueError, match="unconditional"):
        g.sample(2, labels=[1, 2])


def test_discriminator_rejects_wrong_channels():
    d = SNGANDiscriminator(**TINY_D)
    with pytest.raises(ValueError, match="1 channels"):
        d(np.zeros((1, 16, 16, 3), np.float32))
