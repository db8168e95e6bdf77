"""Stopping a training run cleanly on SIGTERM or SIGINT (Ctrl-C), so that no step is lost.

`StopSignals()` is a context manager the loop holds while it runs. Inside it, SIGTERM and SIGINT only
record that a stop was asked for (`requested`: the first signal's number); the loop finishes the step it is
in, writes and verifies a checkpoint, and raises `TrainingInterrupted`, whose `exit_code` is the shell's
128 + signal (143 for SIGTERM, 130 for SIGINT). A second signal while that happens is reported on stderr and
otherwise ignored, so the checkpoint being written is never cut short; `kill -9` still ends the process at
once (that checkpoint is then lost, the older, verified ones remain, and `--resume` picks the newest that
verifies). Python installs signal handlers only in the main thread: a run trained in another thread keeps
the process's handlers.

Multi-worker runs: a signal usually reaches one worker, but every worker must save at the same step (under
MultiWorkerMirroredStrategy a checkpoint save is a collective operation). `StopAgreement` all-reduces each
worker's request after every step, so all workers see the same answer at the same step, save together and
exit with the same code. It plays the part of tf.distribute's `PreemptionCheckpointHandler`, which zoo does
not use: that handler saves through its own CheckpointManager (not zoo's verified checkpoints), catches
SIGTERM only, and ends the process itself.
"""

from __future__ import annotations

import os
import signal
import threading

SIGNALS = (signal.SIGTERM, signal.SIGINT)


class TrainingInterrupted(KeyboardInterrupt):
    """A run stopped by SIGTERM or SIGINT after writing and verifying a checkpoint.

    A KeyboardInterrupt, so code that already handles Ctrl-C (and `except Exception` does not swallow it)
    treats it as an interruption. `signum`: the signal; `step`: the last completed step; `checkpoint`: the
    prefix of the checkpoint holding it; `exit_code`: 128 + signum.
    """

    def __init__(self, signum: int, step: int, checkpoint: str):
        self.signum, self.step, self.checkpoint = int(signum), int(step), checkpoint
        super().__init__(f"interrupted by {signal.Signals(self.signum).name} after step {self.step}: checkpoint "
                         f"{os.path.basename(checkpoint)} written; continue with --resume")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class StopSignals:
    """Within: SIGTERM and SIGINT set `requested` (the first one's number; 0 before) instead of ending the
    process; the previous handlers come back on exit. Later signals print one line on stderr and are ignored.

    Example:
        >>> with StopSignals() as stop:
        ...     while work_left() and not stop.requested:
        ...         do_one_step()
    """

    def __init__(self, signals=SIGNALS):
        self.signals = tuple(signals)
        self.requested = 0
        self._previous = {}

    def _handle(self, signum, frame):
        if self.requested:  # os.write, not print: a handler may run in the middle of another write to stderr
            os.write(2, (f"zoo: {signal.Signals(signum).name} ignored: already stopping after "
                         f"{signal.Signals(self.requested).name}, writing a checkpoint; kill -9 ends the process "
                         f"now, losing that checkpoint (older ones stay)\n").encode())
            return
        self.requested = int(signum)
        os.write(2, (f"zoo: {signal.Signals(signum).name} received: finishing this step, then writing a "
                     f"checkpoint\n").encode())

    def __enter__(self) -> "StopSignals":
        if threading.current_thread() is threading.main_thread():
            for s in self.signals:
                self._previous[s] = signal.signal(s, self._handle)
        return self

    def __exit__(self, *exc):
        for s, handler in self._previous.items():
            signal.signal(s, handler)
        self._previous = {}


class StopAgreement:
    """`agree(local)`: the signal every worker stops for (0: none), from each worker's own request `local`
    (its `StopSignals.requested`); the same on every worker. Under MultiWorkerMirroredStrategy it is one small
    all-reduce, so every worker must call it at the same points (after every step); with one process (the
    default and mirrored strategies) it returns `local` and communicates nothing. SIGTERM wins over SIGINT
    when workers received different signals."""

    def __init__(self, strategy):
        import tensorflow as tf

        self._fn = None
        if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
            def replica(flags):
                return tf.identity(flags)

            @tf.function
            def agree(flags):  # flags: [asked for SIGTERM, asked for SIGINT], summed over every replica
                return strategy.reduce(tf.distribute.ReduceOp.SUM, strategy.run(replica, args=(flags,)), axis=None)

            self._fn = agree

    def agree(self, local: int) -> int:
        if self._fn is None:
            return int(local)
        import tensorflow as tf

        flags = tf.constant([local == signal.SIGTERM, local == signal.SIGINT], tf.float32)
        term, interrupt = (float(v) for v in self._fn(flags).numpy())
        return int(signal.SIGTERM) if term > 0 else int(signal.SIGINT) if interrupt > 0 else 0
