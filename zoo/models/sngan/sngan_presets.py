"""Named SNGAN sizes. `sngan_32` is the paper's CIFAR-10 ResNet; `sngan_32_small` is the CPU preset."""

PRESETS = {
    # Miyato et al. 2018, Appendix B, Tables 4-5: G 4,276,739 / D 1,053,825 trainable parameters (RGB).
    "sngan_32": {
        "generator": {"latent_dim": 128, "channels": 256, "num_blocks": 3, "bottom_width": 4, "image_channels": 3},
        "discriminator": {"channels": 128, "num_blocks": 4, "num_down": 2, "image_channels": 3},
    },
    # CPU preset for the shipped Fashion-MNIST generator: same layout, 64 channels, grayscale.
    "sngan_32_small": {
        "generator": {"latent_dim": 128, "channels": 64, "num_blocks": 3, "bottom_width": 4, "image_channels": 1},
        "discriminator": {"channels": 64, "num_blocks": 4, "num_down": 2, "image_channels": 1},
    },
}
