"""The task interface (`Task`): what one kind of training owns and does, so that the loop (`zoo.training.loop`) runs any
of them (a GAN in two-stage or one-stage mode, and later StyleGAN2 with lazy phases, TGANv2's levels, an
autoencoder stage) without knowing which.

A task owns
- `networks`: {name: keras model} it trains, any number of them, each with one optimizer in `optimizers`
  ({name: optimizer}, built from the recipe's per-network optimizer settings);
- `copies`: {name: [models]} that mirror a trained network without an optimizer (the EMA generator);
- `objectives`: its loss and regularizer terms (`zoo.training.objectives`), with their state;
- `replica_step(batch, rng, due)`: one training step on this replica's part of a structured batch (a dict
  such as {"images", "labels"}, {"video"} or {"codes"}), with `rng` the step's `StepRandomness` and `due` the
  lazy intervals that run at this step; returns named losses and metrics, each already scaled by
  1 / num_replicas (the loop sums them over replicas);
- `checkpoint_state()`: every variable it needs to continue exactly ({name: trackable});
- `published()`: {part: model} of what it publishes (`zoo.models.parts`): the sampler under "generator" (a
  generator, a composite decoder-of-codes generator, a video generator), the discriminator, ...;
- `preview(num, seed)`: uint8 samples for the sample grids the loop writes.

The loop owns the step counter (completed steps), passes it through `rng`, and never asks an optimizer for it:
an extra update of one network (a lazy regularization phase) shifts nothing.
"""

from __future__ import annotations

import tensorflow as tf

from zoo.training.objectives import due_intervals


class Task:
    """Base class of training tasks (see the module docstring); subclasses set the attributes and implement
    `build`, `replica_step`, `published` and `preview`."""

    networks: dict
    optimizers: dict
    copies: dict
    objectives: list
    freeze_d: int = 0  # FreezeD: D's lowest blocks frozen by `build`, before D's optimizer is built

    def freeze_discriminator(self) -> None:
        """Freeze the lowest `freeze_d` blocks of the discriminator (`zoo.training.finetune`); `build` calls it
        once D's variables exist (some blocks create their layers when built) and before D's optimizer."""
        if self.freeze_d:
            from zoo.training.finetune import freeze_lowest_blocks

            freeze_lowest_blocks(self.networks["discriminator"], self.freeze_d)

    def build(self, batch_spec: dict) -> None:
        """Create every variable (networks, copies, optimizer slots, objective state) for batches whose
        elements have the shapes {key: shape without batch axis} of `batch_spec`; call under the strategy."""
        raise NotImplementedError

    def replica_step(self, batch: dict, rng, due: tuple = ()) -> dict:
        raise NotImplementedError

    def due(self, step: int) -> tuple:
        """The lazy intervals that run at `step` (completed steps before it); part of the compiled step's key."""
        return due_intervals(self.objectives, step)

    def checkpoint_state(self) -> dict:
        """{name: trackable} of every variable the task needs to continue exactly. Variables are saved as
        position-keyed maps (`zoo.training.checkpoint`), so checkpoints do not depend on Keras' object names."""
        from zoo.training.checkpoint import OptimizerMap, VariableMap

        state = {}
        for name, net in self.networks.items():
            state[name] = VariableMap(net.weights)
            for i, copy in enumerate(self.copies.get(name, ())):
                state[f"{copy_name(name, i)}"] = VariableMap(copy.weights)
        for name, opt in self.optimizers.items():
            state[optimizer_key(name)] = OptimizerMap(opt.variables)
        for i, term in enumerate(self.objectives):
            if term.state:
                state[f"objective_{i}_{term.kind}"] = VariableMap(list(term.state.values()))
        masks = getattr(self, "masks", None) or {}
        for name, m in masks.items():
            state[f"{name[0]}_masks"] = VariableMap(m.weights)
        return state

    def published(self) -> dict:
        raise NotImplementedError

    def preview(self, num: int, seed: int):
        raise NotImplementedError

    @staticmethod
    def replica_scale():
        """1 / num_replicas: per-replica losses scaled so that summed gradients equal one device's."""
        return 1.0 / tf.distribute.get_strategy().num_replicas_in_sync


def copy_name(network: str, index: int) -> str:
    """Checkpoint name of a network's copy: the GAN task's EMA generator is "ema_generator"."""
    return f"ema_{network}" if index == 0 else f"ema{index}_{network}"


def optimizer_key(network: str) -> str:
    """Checkpoint name of a network's optimizer: "g_optimizer", "d_optimizer" (the historical names) for the
    GAN pair, "<network>_optimizer" otherwise."""
    return {"generator": "g_optimizer", "discriminator": "d_optimizer"}.get(network, f"{network}_optimizer")
