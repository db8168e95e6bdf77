"""Named stage-1 autoencoder sizes of the two-stage latent GAN (network 1: `CodeAutoencoder`, network 2:
`PatchDiscriminator`). The stage-2 GAN is any zoo family, configured for the code shape by its recipe."""

PRESETS = {
    # 64x64x3 -> 16x16x4 codes (f = 4, c = 4: 12x fewer values); widths 64 / 128 / 128; pix2pix's 70x70 patch D
    # with 64 base channels and 3 stride-2 layers (Isola et al. 2017, Appendix 6.1.2)
    "latent2s_64_f4c4": {
        "generator": {"resolution": 64, "image_channels": 3, "factor": 4, "code_channels": 4, "channels": 64,
                      "channel_mult": [1, 2, 2], "groups": 8},
        "discriminator": {"channels": 64, "num_down": 3, "image_channels": 3},
    },
    # CPU preset: the same layout at a third of the width (32 / 64 / 64) and a 2-layer patch D
    "latent2s_64_f4c4_small": {
        "generator": {"resolution": 64, "image_channels": 3, "factor": 4, "code_channels": 4, "channels": 32,
                      "channel_mult": [1, 2, 2], "groups": 8},
        "discriminator": {"channels": 32, "num_down": 2, "image_channels": 3},
    },
}


def smoke_overrides(channels: int = 16, **extra) -> dict:
    """Tiny stage-1 networks for tests (the family hook of `zoo.models.smoke_overrides`)."""
    return {"generator": {"channels": max(8, int(channels) // 2), "groups": 4, **extra},
            "discriminator": {"channels": max(8, int(channels) // 2), "num_down": 2}}
