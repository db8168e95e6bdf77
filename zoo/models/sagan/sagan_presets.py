"""Named SAGAN sizes: the 128x128 ImageNet baseline, a 32x32 CIFAR-10 layout, and a CPU preset."""

PRESETS = {
    # "SAGAN baseline" of Brock et al. 2019 Table 1 row 1: the BigGAN 128x128 layout at ch 64 with per-class
    # conditional BN, z 128, attention at 64x64 in G and D (Zhang et al. 2019 put attention at 32/64).
    "sagan_128": {
        "generator": {"latent_dim": 128, "num_classes": 1000, "channels": 64,
                      "channel_multipliers": [16, 16, 8, 4, 2, 1], "bottom_width": 4, "attention_resolutions": [64],
                      "image_channels": 3},
        "discriminator": {"num_classes": 1000, "channels": 64, "channel_multipliers": [1, 2, 4, 8, 16, 16],
                          "num_down": 5, "resolution": 128, "attention_resolutions": [64], "image_channels": 3},
    },
    # 32x32 CIFAR-10 layout (the SAGAN paper has no CIFAR model): the SNGAN/BigGAN 32x32 ResNet at 256
    # channels, attention at 16x16 in G and D.
    "sagan_32": {
        "generator": {"latent_dim": 128, "num_classes": 10, "channels": 64, "channel_multipliers": [4, 4, 4, 4],
                      "bottom_width": 4, "attention_resolutions": [16], "image_channels": 3},
        "discriminator": {"num_classes": 10, "channels": 64, "channel_multipliers": [4, 4, 4, 4], "num_down": 2,
                          "resolution": 32, "attention_resolutions": [16], "image_channels": 3},
    },
    # CPU preset for Fashion-MNIST (1 channel, 10 classes): 64 channels, attention at 16x16 in G and D.
    "sagan_32_small": {
        "generator": {"latent_dim": 128, "num_classes": 10, "channels": 16, "channel_multipliers": [4, 4, 4, 4],
                      "bottom_width": 4, "attention_resolutions": [16], "image_channels": 1},
        "discriminator": {"num_classes": 10, "channels": 16, "channel_multipliers": [4, 4, 4, 4], "num_down": 2,
                          "resolution": 32, "attention_resolutions": [16], "image_channels": 1},
    },
}
