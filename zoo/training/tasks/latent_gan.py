"""The "latent_gan" task, stage 2 of the two-stage latent GAN: the GAN task on normalised codes, publishing
decode(G(z)); its settings (`LatentGANSettings`: the GAN settings and the codes' source), checks, builder and
record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from zoo.augment import parse_policy
from zoo.models.latent2s import LatentCodeGenerator
from zoo.models.parts import DISCRIMINATOR, GENERATOR
from zoo.training.sections import RecipeError, positive
from zoo.training.tasks.gan import GANSettings, GANTask, build_gan_task
from zoo.training.tasks.registry import TaskRecord, register_task


class LatentGANTask(GANTask):
    """A `GANTask` whose real batch is {"codes": normalised codes [B, h, w, c]} (the float-code pipeline,
    `zoo.training.code_data`), so the family's G and D work on codes exactly as they do on images (the GAN
    task's techniques run unchanged, except DiffAugment's colour ops, which assume RGB pixels and which
    `check_latent_gan_recipe` refuses; translation and cutout are spatial and apply). The stage-1 decoder is
    not one of the task's networks: it has no optimizer and is never changed (frozen).

    What it publishes, and previews (`sampler`), is the composite `LatentCodeGenerator(EMA G, decoder, statistics)`.

    Args:
        decoder: the stage-1 `CodeDecoder`.
        code_mean, code_std, code_scale, code_clipped: the normalisation of the training codes and the fraction
            of code values it clipped.
        the rest: `GANTask`'s.
    """

    real_key = "codes"

    def __init__(self, generator, discriminator, *, decoder, code_mean, code_std, code_scale, code_clipped=None,
                 **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.decoder = decoder
        self.code_mean, self.code_std, self.code_scale = list(code_mean), list(code_std), float(code_scale)
        self.code_clipped = code_clipped

    def sampler(self) -> LatentCodeGenerator:
        """The published and previewed sampler: decode(denormalise(EMA G(z))), sharing the EMA generator's and
        the decoder's variables."""
        return LatentCodeGenerator(code_generator=self.ema_generator, decoder=self.decoder, code_mean=self.code_mean,
                                   code_std=self.code_std, code_scale=self.code_scale,
                                   code_clipped=self.code_clipped).build_for_inputs()


@dataclass(frozen=True)
class LatentGANSettings(GANSettings):
    """Settings of the "latent_gan" task (`LatentGANTask`): the GAN settings (`GANSettings`) and the codes it
    trains on. codes_from: a stage-1 autoencoder folder (the `export/` of an "autoencoder" run): the task
    trains on the codes its encoder gives the dataset's images (`zoo.training.code_data`); code_scale: codes
    are normalised to (code - mean) / (code_scale * std), clipped to [-1, 1]
    (`zoo.models.latent2s.code_normalization`)."""

    kind: ClassVar[str] = "latent_gan"
    codes_from: str
    code_scale: float

    def check(self):
        super().check()
        positive(self, "code_scale")
        if not self.codes_from:
            raise RecipeError("LatentGANSettings.codes_from = ''; the latent_gan task needs codes_from (a stage-1 "
                              "autoencoder folder)")


def check_latent_gan_recipe(recipe) -> None:
    """DiffAugment's colour ops assume RGB pixels, and the task's batches are normalised codes (RecipeError)."""
    if "color" in parse_policy(recipe.techniques.diffaugment):
        raise RecipeError(f"recipe {recipe.name!r}: DiffAugment 'color' (brightness, saturation, contrast) assumes "
                          f"RGB pixels and the latent_gan task's real and fake batches are normalised codes; use "
                          f"'translation' and / or 'cutout' on codes (got diffaugment = "
                          f"{recipe.techniques.diffaugment!r})")


def latent_gan_arrays(recipe) -> dict:
    """{"codes", "labels"}: the dataset's images encoded by the frozen stage-1 encoder, normalised."""
    from zoo.training.code_data import code_arrays

    return code_arrays(recipe)


def build_latent_gan_task(recipe, strategy, batch_spec: dict, augment=None) -> LatentGANTask:
    """The GAN task of the recipe's family on the normalised codes of `task.codes_from`'s encoder
    (`zoo.training.code_data`), publishing decode(G(z)) with the frozen decoder."""
    from zoo.training.code_data import load_autoencoder, recipe_code_data

    check_latent_gan_recipe(recipe)
    data = recipe_code_data(recipe)
    decoder = load_autoencoder(recipe.task.codes_from).decoder
    return build_gan_task(recipe, strategy, batch_spec, augment, task_class=LatentGANTask, decoder=decoder,
                          code_mean=data.mean, code_std=data.std, code_scale=data.scale, code_clipped=data.clipped)


LATENT_GAN = register_task(TaskRecord(
    kind="latent_gan", settings=LatentGANSettings, networks=(GENERATOR, DISCRIMINATOR), family_task="gan",
    batch_keys=("codes", "labels"), builder=build_latent_gan_task, checks=check_latent_gan_recipe,
    arrays=latent_gan_arrays))
