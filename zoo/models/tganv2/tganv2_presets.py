"""Named TGANv2 sizes: the paper's UCF-101 192x192x16 configuration and the CPU preset for 64x64x16 clips.

Parameter counts are asserted in `tests/models/tganv2/test_tganv2_presets.py`, with their sources.
"""

PRESETS = {
    # Saito et al., IJCV 2020, Sec. 5.1 / official `conf/tgan-v41-ucf101.yml`: z_slow_dim 256, ConvLSTM of 1024
    # channels on 3x3 maps (t_size 3), 1 ConvLSTM layer, ch 32 -> up-blocks 512, 256, 128, 64, 32, 32 (3x3 -> 192x192),
    # 4 levels (24x24x16, 48x48x8, 96x96x4, 192x192x2), batch subsampling; discriminators with mid_ch 64.
    "tganv2_ucf101_192": {
        "generator": {"latent_dim": 256, "frames": 16, "base_size": 3, "clstm_channels": 1024,
                      "channels": [512, 256, 128, 64, 32, 32], "levels": 4, "image_channels": 3},
        "discriminator": {"levels": 4, "channels": [64, 128, 256, 512, 1024]},
    },
    # CPU preset for 64x64x16 moving Fashion-MNIST: 4x4 ConvLSTM maps of 256 channels, up-blocks 256, 128, 64,
    # 32 (4x4 -> 64x64), 3 levels (16x16x16, 32x32x8, 64x64x4), discriminators 32, 64, 128, 256.
    "tganv2_64_small": {
        "generator": {"latent_dim": 128, "frames": 16, "base_size": 4, "clstm_channels": 128,
                      "channels": [128, 64, 32, 16], "levels": 3, "image_channels": 1},
        "discriminator": {"levels": 3, "channels": [16, 32, 64, 128]},
    },
}


def smoke_overrides(channels: int = 16, **extra) -> dict:
    """Tiny networks for smoke runs of the 64x64 presets: `channels` maps in the ConvLSTM, in each of the 4
    up-blocks (4x4 -> 64x64) and in each of the 4 blocks of every discriminator, z of 2 x `channels`."""
    c = int(channels)
    g = {"clstm_channels": c, "latent_dim": 2 * c, "channels": [c] * 4, **extra}
    d = {"channels": [c] * 4}
    return {"generator": g, "discriminator": d}
