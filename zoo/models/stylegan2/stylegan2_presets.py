"""Named StyleGAN2 sizes: the paper's config F at 1024, stylegan2-ada's CIFAR-10 configuration, the CPU preset.

Parameter counts are asserted in `tests/models/stylegan2/test_stylegan2_presets.py`, with their sources.
"""

PRESETS = {
    # Karras et al., CVPR 2020, Table 1 config F (FFHQ 1024): z = w = 512, 8 mapping layers, channel_base 32768
    # (16384 is config E), residual D, minibatch std group 4.
    "stylegan2_f_1024": {
        "generator": {"latent_dim": 512, "w_dim": 512, "resolution": 1024, "image_channels": 3,
                      "channel_base": 32768, "channel_max": 512, "mapping_layers": 8},
        "discriminator": {"resolution": 1024, "image_channels": 3, "channel_base": 32768, "channel_max": 512,
                          "architecture": "resnet", "mbstd_group_size": 4},
    },
    # Karras et al., "Training GANs with Limited Data", NeurIPS 2020, Appendix D.2 / stylegan2-ada-pytorch
    # train.py `--cfg cifar`: class-conditional (10 classes), 2 mapping layers, channel_base 32768 (512 maps at
    # every resolution), original D (no residual), minibatch std group 32, D class mapping of 8 layers.
    "stylegan2_ada_cifar10": {
        "generator": {"latent_dim": 512, "w_dim": 512, "num_classes": 10, "resolution": 32, "image_channels": 3,
                      "channel_base": 32768, "channel_max": 512, "mapping_layers": 2},
        "discriminator": {"resolution": 32, "image_channels": 3, "num_classes": 10, "channel_base": 32768,
                          "channel_max": 512, "architecture": "orig", "mbstd_group_size": 32, "mapping_layers": 8},
    },
    # CPU preset for the shipped emoji 64x64 generator: config F's layout (skip G, residual D, group 4), narrow:
    # 256 maps at 4, 128 at 8, 64 at 16, 32 at 32, 16 at 64 (channel_base 1024, max 256), z = w = 128,
    # 2 mapping layers (the small presets' count in the issue; stylegan2-ada's CIFAR uses 2 as well).
    "stylegan2_64_small": {
        "generator": {"latent_dim": 128, "w_dim": 128, "resolution": 64, "image_channels": 3,
                      "channel_base": 1024, "channel_max": 256, "mapping_layers": 2},
        "discriminator": {"resolution": 64, "image_channels": 3, "channel_base": 1024, "channel_max": 256,
                          "architecture": "resnet", "mbstd_group_size": 4},
    },
}


def smoke_overrides(channels: int = 16, **extra) -> dict:
    """Tiny networks for smoke runs: `channels` maps at every resolution, w = z = 2 * channels, 1 mapping layer."""
    c = int(channels)
    g = {"channel_base": c * 1024, "channel_max": c, "latent_dim": 2 * c, "w_dim": 2 * c, "mapping_layers": 1, **extra}
    d = {"channel_base": c * 1024, "channel_max": c, **extra}
    return {"generator": g, "discriminator": d}
