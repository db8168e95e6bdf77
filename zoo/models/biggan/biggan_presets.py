"""Named BigGAN sizes: the paper's 128x128 ImageNet model, the 32x32 CIFAR-10 layout, and a CPU preset."""

PRESETS = {
    # Brock et al. 2019, Appendix B Table 4(a), ch = 96, z 120 (6 chunks of 20), shared embedding 128,
    # attention at 64x64. G 70,433,988 / D 87,982,370 trainable parameters (BigGAN-PyTorch's 128x128 model).
    "biggan_128": {
        "generator": {"latent_dim": 120, "num_classes": 1000, "channels": 96,
                      "channel_multipliers": [16, 16, 8, 4, 2, 1], "bottom_width": 4, "attention_resolutions": [64],
                      "shared_dim": 128, "hierarchical": True, "image_channels": 3},
        "discriminator": {"num_classes": 1000, "channels": 96, "channel_multipliers": [1, 2, 4, 8, 16, 16],
                          "num_down": 5, "resolution": 128, "attention_resolutions": [64], "image_channels": 3},
    },
    # CIFAR-10 layout of the BigGAN-PyTorch reference code (arch[32], ch 64 -> 256 channels, no attention),
    # with BigGAN's shared embedding and hierarchical z (z 128 = 4 chunks of 32).
    "biggan_32": {
        "generator": {"latent_dim": 128, "num_classes": 10, "channels": 64, "channel_multipliers": [4, 4, 4, 4],
                      "bottom_width": 4, "attention_resolutions": [], "shared_dim": 128, "hierarchical": True,
                      "image_channels": 3},
        "discriminator": {"num_classes": 10, "channels": 64, "channel_multipliers": [4, 4, 4, 4], "num_down": 2,
                          "resolution": 32, "attention_resolutions": [], "image_channels": 3},
    },
    # CPU preset for Fashion-MNIST (1 channel, 10 classes): 64 channels, attention at 16x16 in G and D.
    "biggan_32_small": {
        "generator": {"latent_dim": 128, "num_classes": 10, "channels": 16, "channel_multipliers": [4, 4, 4, 4],
                      "bottom_width": 4, "attention_resolutions": [16], "shared_dim": 32, "hierarchical": True,
                      "image_channels": 1},
        "discriminator": {"num_classes": 10, "channels": 16, "channel_multipliers": [4, 4, 4, 4], "num_down": 2,
                          "resolution": 32, "attention_resolutions": [16], "image_channels": 1},
    },
}
