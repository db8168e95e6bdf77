"""The training tasks, one module per task, each holding its settings section, its `Task` class, its own
objective terms, its builder and the `TaskRecord` it registers (`registry.register_task`):

- `gan`: a generator / discriminator pair, two-stage or one-stage (SNGAN, SAGAN, BigGAN);
- `stylegan2`: the GAN task with style mixing, w_avg and buffer-copying EMA (+ `stylegan2_path_length`);
- `tganv2`: a multi-level video generator against one D per level (+ `tganv2_levels_r1`);
- `latent_gan`: the GAN task on a frozen stage-1 autoencoder's codes (stage 2 of the two-stage GAN);
- `autoencoder`: stage 1 of the two-stage GAN.

A recipe names its task by its settings (`task=StyleGAN2Settings(...)`); `TrainRecipe.validate()` asks the
task's record which families it trains, which networks need optimizers and what it refuses. A new task is a new
module here, listed below.
"""

from zoo.training.tasks.autoencoder import AUTOENCODER, AutoencoderSettings, AutoencoderTask
from zoo.training.tasks.base import Task
from zoo.training.tasks.gan import TRAINING_MODES, GANSettings, GANTask
from zoo.training.tasks.latent_gan import LatentGANSettings, LatentGANTask
from zoo.training.tasks.registry import TASKS, TaskRecord, TaskSettings, build_task, register_task, task_record
from zoo.training.tasks.stylegan2 import PathLengthPenalty, StyleGAN2Settings, StyleGAN2Task
from zoo.training.tasks.tganv2 import LevelsR1Penalty, TGANv2Settings, TGANv2Task

__all__ = ["AUTOENCODER", "AutoencoderSettings", "AutoencoderTask", "Task", "TRAINING_MODES", "GANSettings",
           "GANTask", "LatentGANSettings", "LatentGANTask", "TASKS", "TaskRecord", "TaskSettings", "build_task",
           "register_task", "task_record", "PathLengthPenalty", "StyleGAN2Settings", "StyleGAN2Task",
           "LevelsR1Penalty", "TGANv2Settings", "TGANv2Task"]
