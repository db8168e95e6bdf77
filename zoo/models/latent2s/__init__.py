"""Two-stage latent-code GAN (Liu, Yao and Ren, arXiv 1909.03611).

Only the paper's abstract is public: an encoder / decoder compresses images to small codes, a GAN learns the
distribution of the codes, and the decoder renders generated codes (1024x1024 CelebA-HQ in 3 days on one
P100). It gives no architecture, losses or FIDs, so zoo's choices are its own:

- stage 1 (`CodeAutoencoder`, trained by `zoo.training.tasks.autoencoder`): a convolutional encoder / decoder
  with spatial factor f and c code channels in the layout of the first stages of Esser et al. 2021 and Rombach
  et al. 2022 (no quantization, no KL term: a plain autoencoder, as the abstract describes), trained with L1 +
  SSIM + a patch-adversarial loss (`PatchDiscriminator`); no downloaded perceptual network (LPIPS needs VGG
  weights);
- stage 2: any zoo GAN family trained on the frozen encoder's codes, normalised per channel
  (`code_normalization`) through the float-code pipeline (`zoo.training.tasks.latent_gan`);
- the published sampler is `LatentCodeGenerator` = decode(denormalise(G(z))), one Keras model; the code GAN's
  discriminator is its `discriminator` part.

The family is an autoencoder family (`zoo.models.AUTOENCODERS`), not a GAN family: its presets name stage 1's
networks, and the published GAN is the stage-2 family's.
"""

from zoo.models.latent2s.code_autoencoder import CodeAutoencoder, CodeDecoder, CodeEncoder, ResidualBlock
from zoo.models.latent2s.latent2s_presets import PRESETS, smoke_overrides
from zoo.models.latent2s.latent_code_generator import LatentCodeGenerator
from zoo.models.latent2s.patch_discriminator import PatchDiscriminator

NETWORKS = (CodeAutoencoder, PatchDiscriminator)  # what `zoo.models.build_from_preset` builds from a preset

TASK = "autoencoder"  # the training task its networks need (`zoo.models.family_task`; not the plain "gan" task)

__all__ = ["CodeAutoencoder", "CodeDecoder", "CodeEncoder", "LatentCodeGenerator", "NETWORKS", "PRESETS",
           "PatchDiscriminator", "ResidualBlock", "smoke_overrides"]
